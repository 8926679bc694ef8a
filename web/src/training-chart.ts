/**
 * The live training chart, in SVG: validation accuracy (left axis, %) and
 * validation cost (right axis) after each epoch, x from epoch 0 to the last
 * planned epoch (numbered from 0, as `digitnet train` prints them) so the
 * axes do not jump as points arrive. The SVG's data-epochs attribute and
 * aria-label say what it shows.
 */
const SVG = 'http://www.w3.org/2000/svg';

/**
 * The drawing's own size, near the size it is shown at so that its 13 px
 * type stays about 13 px: a laptop's card, or a phone's (narrow, below
 * NARROW_BELOW px). `ticks`: at most this many epoch labels.
 */
const LAYOUTS = {
  wide: { width: 520, height: 260, ticks: 10, costLegend: 170 },
  narrow: { width: 340, height: 230, ticks: 7, costLegend: 130 },
};
const NARROW_BELOW = 440;
type Layout = (typeof LAYOUTS)[keyof typeof LAYOUTS];
/** Room for the axes' labels. */
const PAD = { left: 50, right: 44, top: 34, bottom: 40 };

export interface ChartPoint {
  /** From 0, as the CLI numbers epochs. */
  epoch: number;
  /** In %. */
  accuracy: number;
  cost: number;
}

export class TrainingChart {
  private points: ChartPoint[] = [];
  private epochs = 1;
  private layout: Layout = LAYOUTS.wide;

  constructor(private readonly svg: SVGSVGElement) {
    svg.setAttribute('role', 'img');
    this.render();
    // A window resized across NARROW_BELOW (a phone turned) redraws in the other layout.
    new ResizeObserver(() => {
      if (this.layoutFor() !== this.layout) this.render();
    }).observe(svg);
  }

  private layoutFor(): Layout {
    const shown = this.svg.getBoundingClientRect().width;
    return shown > 0 && shown < NARROW_BELOW ? LAYOUTS.narrow : LAYOUTS.wide;
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
    this.layout = this.layoutFor();
    const { width, height } = this.layout;
    svg.setAttribute('viewBox', `0 0 ${width} ${height}`);
    svg.replaceChildren();
    svg.dataset.epochs = String(this.points.length);
    const last = this.points[this.points.length - 1];
    svg.setAttribute(
      'aria-label',
      last
        ? `Validation accuracy and cost per epoch; after epoch ${last.epoch}: ${last.accuracy.toFixed(2)}% correct, cost ${last.cost.toFixed(4)}`
        : 'Validation accuracy and cost per epoch: no epochs yet',
    );

    const innerW = width - PAD.left - PAD.right;
    const innerH = height - PAD.top - PAD.bottom;
    // Accuracy from a floor below the lowest point up to 100, cost from 0 to a little above the highest:
    // both ranges split into four round steps.
    // Before the first epoch: 0–100% and a cost of 0–1.
    const lowest = this.points.length === 0 ? 0 : Math.min(...this.points.map((p) => p.accuracy));
    const accMin = ACCURACY_FLOORS.find((floor) => floor <= lowest) ?? 0;
    const costMax = this.points.length === 0 ? 1 : niceCeil(Math.max(1e-9, ...this.points.map((p) => p.cost)));
    const x = (epoch: number) => PAD.left + (this.epochs === 1 ? innerW / 2 : (epoch / (this.epochs - 1)) * innerW);
    const yAcc = (a: number) => PAD.top + (1 - (a - accMin) / (100 - accMin)) * innerH;
    const yCost = (c: number) => PAD.top + (1 - c / costMax) * innerH;

    // Grid and left axis (accuracy).
    for (let i = 0; i <= 4; i++) {
      const a = accMin + ((100 - accMin) * i) / 4;
      const y = yAcc(a);
      el(svg, 'line', { x1: PAD.left, x2: width - PAD.right, y1: y, y2: y, class: 'grid' });
      el(svg, 'text', { x: PAD.left - 6, y: y + 4, class: 'tick acc', 'text-anchor': 'end' }, `${round(a)}%`);
      el(svg, 'text', { x: width - PAD.right + 6, y: y + 4, class: 'tick cost' }, formatCost((costMax * i) / 4));
    }
    // X axis: epoch numbers, a few labels only.
    const step = Math.max(1, Math.ceil(this.epochs / this.layout.ticks));
    for (let e = 0; e < this.epochs; e += step) {
      el(svg, 'text', { x: x(e), y: height - PAD.bottom + 18, class: 'tick', 'text-anchor': 'middle' }, String(e));
    }
    el(svg, 'text', { x: PAD.left + innerW / 2, y: height - 4, class: 'axis-title', 'text-anchor': 'middle' }, 'epoch');

    const series = (key: 'accuracy' | 'cost', y: (v: number) => number) => {
      if (this.points.length === 0) return;
      el(svg, 'polyline', { points: this.points.map((p) => `${x(p.epoch)},${y(p[key])}`).join(' '), class: `line ${key}` });
      for (const p of this.points) {
        const dot = el(svg, 'circle', { cx: x(p.epoch), cy: y(p[key]), r: 4, class: `dot ${key}` });
        el(dot, 'title', {}, `epoch ${p.epoch}: ${key === 'accuracy' ? `${p.accuracy.toFixed(2)}%` : p.cost.toFixed(4)}`);
      }
    };
    if (this.points.length === 0) {
      el(svg, 'text', { x: PAD.left + innerW / 2, y: PAD.top + innerH / 2, class: 'empty', 'text-anchor': 'middle' }, 'Each epoch adds a point here');
    }
    series('cost', yCost);
    series('accuracy', yAcc);

    drawLegend(svg, PAD.left + this.layout.costLegend);
  }
}

/** The legend, above the plot so that no point hides it; the cost's entry starts at `costAt`. */
function drawLegend(svg: SVGSVGElement, costAt: number): void {
  el(svg, 'line', { x1: PAD.left, x2: PAD.left + 16, y1: 12, y2: 12, class: 'line accuracy' });
  el(svg, 'text', { x: PAD.left + 20, y: 16, class: 'legend' }, 'accuracy (left)');
  el(svg, 'line', { x1: costAt, x2: costAt + 16, y1: 12, y2: 12, class: 'line cost' });
  el(svg, 'text', { x: costAt + 20, y: 16, class: 'legend' }, 'cost (right)');
}

function el(parent: Element, name: string, attributes: Record<string, string | number>, text?: string): SVGElement {
  const node = document.createElementNS(SVG, name);
  for (const [k, v] of Object.entries(attributes)) node.setAttribute(k, String(v));
  if (text !== undefined) node.textContent = text;
  parent.append(node);
  return node;
}

/** The accuracy axis starts at the highest of these at or below the lowest point: quarters of 100 − floor are round. */
const ACCURACY_FLOORS = [90, 80, 60, 20, 0];

/** The smallest of 1, 2, 4, 8 × 10^k at or above v (a quarter of each is round too). */
function niceCeil(v: number): number {
  const p = 10 ** Math.floor(Math.log10(v));
  for (const m of [1, 2, 4, 8, 10]) if (m * p >= v) return m * p;
  return 10 * p;
}

/** At most three significant digits, no trailing zeros: 0.25, 2.5, 92.5. */
function round(v: number): string {
  return String(Number(v.toPrecision(3)));
}

function formatCost(c: number): string {
  return c === 0 ? '0' : round(c);
}
