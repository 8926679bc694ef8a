/**
 * The live training chart, in SVG: validation accuracy (left axis, %) and
 * validation cost (right axis) after each epoch, x from 1 to the planned
 * number of epochs so the axes do not jump as points arrive. The SVG's
 * data-epochs attribute and aria-label say what it shows.
 */
const SVG = 'http://www.w3.org/2000/svg';
const WIDTH = 520;
const HEIGHT = 260;
const PAD = { left: 48, right: 52, top: 16, bottom: 36 };

export interface ChartPoint {
  /** From 1. */
  epoch: number;
  /** In %. */
  accuracy: number;
  cost: number;
}

export class TrainingChart {
  private points: ChartPoint[] = [];
  private epochs = 1;

  constructor(private readonly svg: SVGSVGElement) {
    svg.setAttribute('viewBox', `0 0 ${WIDTH} ${HEIGHT}`);
    svg.setAttribute('role', 'img');
    this.render();
  }

  /** Start over for a run of `epochs` epochs. */
  reset(epochs: number): void {
    this.points = [];
    this.epochs = Math.max(1, epochs);
    this.render();
  }

  add(point: ChartPoint): void {
    this.points.push(point);
    this.render();
  }

  private render(): void {
    const svg = this.svg;
    svg.replaceChildren();
    svg.dataset.epochs = String(this.points.length);
    const last = this.points[this.points.length - 1];
    svg.setAttribute(
      'aria-label',
      last
        ? `Validation accuracy and cost per epoch; after epoch ${last.epoch}: ${last.accuracy.toFixed(2)}% correct, cost ${last.cost.toFixed(4)}`
        : 'Validation accuracy and cost per epoch: no epochs yet',
    );

    const innerW = WIDTH - PAD.left - PAD.right;
    const innerH = HEIGHT - PAD.top - PAD.bottom;
    // Accuracy from a round number below the lowest point up to 100; cost from 0 to a little above the highest.
    const lowest = Math.min(90, ...this.points.map((p) => p.accuracy));
    const accMin = Math.max(0, Math.floor(lowest / 10) * 10);
    const costMax = niceCeil(Math.max(1e-9, ...this.points.map((p) => p.cost)));
    const x = (epoch: number) => PAD.left + (this.epochs === 1 ? innerW / 2 : ((epoch - 1) / (this.epochs - 1)) * innerW);
    const yAcc = (a: number) => PAD.top + (1 - (a - accMin) / (100 - accMin)) * innerH;
    const yCost = (c: number) => PAD.top + (1 - c / costMax) * innerH;

    // Grid and left axis (accuracy).
    for (let i = 0; i <= 4; i++) {
      const a = accMin + ((100 - accMin) * i) / 4;
      const y = yAcc(a);
      el(svg, 'line', { x1: PAD.left, x2: WIDTH - PAD.right, y1: y, y2: y, class: 'grid' });
      el(svg, 'text', { x: PAD.left - 6, y: y + 4, class: 'tick acc', 'text-anchor': 'end' }, `${a.toFixed(0)}%`);
      el(svg, 'text', { x: WIDTH - PAD.right + 6, y: y + 4, class: 'tick cost' }, formatCost((costMax * i) / 4));
    }
    // X axis: epoch numbers, at most ~10 labels.
    const step = Math.max(1, Math.ceil(this.epochs / 10));
    for (let e = 1; e <= this.epochs; e += step) {
      el(svg, 'text', { x: x(e), y: HEIGHT - PAD.bottom + 18, class: 'tick', 'text-anchor': 'middle' }, String(e));
    }
    el(svg, 'text', { x: PAD.left + innerW / 2, y: HEIGHT - 4, class: 'axis-title', 'text-anchor': 'middle' }, 'epoch');

    const series = (key: 'accuracy' | 'cost', y: (v: number) => number) => {
      if (this.points.length === 0) return;
      el(svg, 'polyline', { points: this.points.map((p) => `${x(p.epoch)},${y(p[key])}`).join(' '), class: `line ${key}` });
      for (const p of this.points) {
        const dot = el(svg, 'circle', { cx: x(p.epoch), cy: y(p[key]), r: 4, class: `dot ${key}` });
        el(dot, 'title', {}, `epoch ${p.epoch}: ${key === 'accuracy' ? `${p.accuracy.toFixed(2)}%` : p.cost.toFixed(4)}`);
      }
    };
    series('cost', yCost);
    series('accuracy', yAcc);

    // Legend.
    el(svg, 'line', { x1: PAD.left + 8, x2: PAD.left + 24, y1: PAD.top + 10, y2: PAD.top + 10, class: 'line accuracy' });
    el(svg, 'text', { x: PAD.left + 28, y: PAD.top + 14, class: 'legend' }, 'accuracy');
    el(svg, 'line', { x1: PAD.left + 100, x2: PAD.left + 116, y1: PAD.top + 10, y2: PAD.top + 10, class: 'line cost' });
    el(svg, 'text', { x: PAD.left + 120, y: PAD.top + 14, class: 'legend' }, 'cost');
  }
}

function el(parent: Element, name: string, attributes: Record<string, string | number>, text?: string): SVGElement {
  const node = document.createElementNS(SVG, name);
  for (const [k, v] of Object.entries(attributes)) node.setAttribute(k, String(v));
  if (text !== undefined) node.textContent = text;
  parent.append(node);
  return node;
}

/** The smallest of 1, 2, 2.5, 5 × 10^k at or above v. */
function niceCeil(v: number): number {
  const p = 10 ** Math.floor(Math.log10(v));
  for (const m of [1, 2, 2.5, 5, 10]) if (m * p >= v) return m * p;
  return 10 * p;
}

function formatCost(c: number): string {
  return c === 0 ? '0' : c >= 1 ? c.toFixed(1) : c.toPrecision(2);
}
