/**
 * The page's entry point: wire the tabs and the three panels, then fetch the
 * served model (GET /api/model, parsed by the library's parseModel) and hand
 * it to the drawing pad.
 */
import { checkDigitNetwork, parseModel } from '../../src/io/model-format.js';
import { describeShape } from '../../src/nn/network.js';
import { type CurrentModel, setCurrentModel } from './current-model.js';
import { byId } from './dom.js';
import { setUpDrawPanel } from './draw-panel.js';
import { setUpExplorePanel } from './explore-panel.js';
import { setUpPicturePanel } from './picture-panel.js';
import { announce, messageOf, setStatusRegion } from './status.js';
import { setUpTabs } from './tabs.js';
import { setUpTrainPanel } from './train-panel.js';

async function fetchServedModel(): Promise<CurrentModel> {
  const response = await fetch('/api/model');
  if (!response.ok) throw new Error(`the server answered ${response.status} for /api/model`);
  const { network, info } = parseModel(await response.text(), 'the served model');
  checkDigitNetwork(network, 'the served model');
  return { network, info, description: 'served by digitnet serve', source: 'served' };
}

function main(): void {
  setStatusRegion(byId('status'));
  setUpDrawPanel();
  setUpPicturePanel();
  setUpTrainPanel();
  const explore = setUpExplorePanel();
  setUpTabs(byId('tabs'), (panelId) => {
    if (panelId === 'panel-explore') explore.shown();
  });
  fetchServedModel().then(
    (model) => {
      setCurrentModel(model);
      announce(`Ready: model ${describeShape(model.network)} loaded. Draw a digit.`);
    },
    (e) => announce(`Could not load the model: ${messageOf(e)}. Train one in the Train panel.`, 'error'),
  );
}

main();
