/**
 * The drawing pad: dark ink on white paper, drawn with a mouse, pen or
 * finger through Pointer Events (the canvas has touch-action: none, so a
 * finger draws instead of scrolling). While a stroke is drawn, `onChange`
 * fires at most every THROTTLE_MS, and once more when the stroke ends.
 */

/** The canvas's own pixels per side; CSS scales it to fit the screen. */
export const PAD_SIZE = 280;
/** Ink width in canvas pixels: about 2 MNIST pixels once the digit is scaled to 20. */
const INK_WIDTH = 20;
const THROTTLE_MS = 50;
const PAPER = '#ffffff';
const INK = '#111111';

export class DrawPad {
  private readonly context: CanvasRenderingContext2D;
  private drawing: number | null = null;
  private last: { x: number; y: number } | null = null;
  private lastChange = 0;
  private timer: number | null = null;
  private inked = false;

  constructor(
    readonly canvas: HTMLCanvasElement,
    private readonly onChange: () => void,
  ) {
    canvas.width = PAD_SIZE;
    canvas.height = PAD_SIZE;
    // The page reads the pixels back after every stroke.
    this.context = canvas.getContext('2d', { willReadFrequently: true })!;
    this.clear();
    canvas.addEventListener('pointerdown', (e) => this.down(e));
    canvas.addEventListener('pointermove', (e) => this.move(e));
    canvas.addEventListener('pointerup', (e) => this.up(e));
    canvas.addEventListener('pointercancel', (e) => this.up(e));
  }

  /** True once anything has been drawn since the last clear. */
  get hasInk(): boolean {
    return this.inked;
  }

  clear(): void {
    this.context.fillStyle = PAPER;
    this.context.fillRect(0, 0, PAD_SIZE, PAD_SIZE);
    this.inked = false;
    this.drawing = null;
    this.last = null;
    if (this.timer !== null) clearTimeout(this.timer);
    this.timer = null;
  }

  /** The pad's pixels (RGBA), for preprocessing. */
  imageData(): ImageData {
    return this.context.getImageData(0, 0, PAD_SIZE, PAD_SIZE);
  }

  private point(e: PointerEvent): { x: number; y: number } {
    const rect = this.canvas.getBoundingClientRect();
    return { x: ((e.clientX - rect.left) * PAD_SIZE) / rect.width, y: ((e.clientY - rect.top) * PAD_SIZE) / rect.height };
  }

  private down(e: PointerEvent): void {
    if (this.drawing !== null || (e.pointerType === 'mouse' && e.button !== 0)) return;
    e.preventDefault();
    this.canvas.setPointerCapture(e.pointerId);
    this.drawing = e.pointerId;
    this.last = this.point(e);
    this.stroke([this.last]); // a click is a dot
    this.changed(false);
  }

  private move(e: PointerEvent): void {
    if (e.pointerId !== this.drawing) return;
    e.preventDefault();
    // Coalesced events: every point the pointer passed since the last frame, for smooth fast strokes.
    const events = typeof e.getCoalescedEvents === 'function' ? e.getCoalescedEvents() : [];
    this.stroke((events.length > 0 ? events : [e]).map((p) => this.point(p)));
    this.changed(false);
  }

  private up(e: PointerEvent): void {
    if (e.pointerId !== this.drawing) return;
    this.drawing = null;
    this.last = null;
    this.changed(true);
  }

  private stroke(points: { x: number; y: number }[]): void {
    const c = this.context;
    c.strokeStyle = INK;
    c.lineWidth = INK_WIDTH;
    c.lineCap = 'round';
    c.lineJoin = 'round';
    c.beginPath();
    const from = this.last ?? points[0];
    c.moveTo(from.x, from.y);
    for (const p of points) c.lineTo(p.x, p.y);
    if (points.length === 1 && from === points[0]) c.lineTo(from.x + 0.01, from.y);
    c.stroke();
    this.last = points[points.length - 1];
    this.inked = true;
  }

  /** Tell the listener now, or at the end of the throttle window. */
  private changed(final: boolean): void {
    const now = performance.now();
    if (final || now - this.lastChange >= THROTTLE_MS) {
      if (this.timer !== null) clearTimeout(this.timer);
      this.timer = null;
      this.lastChange = now;
      this.onChange();
    } else if (this.timer === null) {
      this.timer = window.setTimeout(() => {
        this.timer = null;
        this.lastChange = performance.now();
        this.onChange();
      }, THROTTLE_MS - (now - this.lastChange));
    }
  }
}
