/**
 * optdigits digits as one person with one pen would send them, for the
 * fine-tuning measurement (bench/fine-tune.ts): every digit of a set in the
 * same pen, on the same paper, with the same sensor noise and file format,
 * evenly lit, at about the same size. What still varies digit to digit is
 * what varies in one person's hand and camera: a small rotation, the place
 * on the page, the size within ±15%. The drawing itself is bench:real's
 * (glyph.ts, render.ts, page.ts); only the choice of look is fixed here.
 */
import { Random } from '../../src/random.js';
import { glyphTile } from './glyph.js';
import { GLYPH_WEIGHT, type Look, randomLook } from './page.js';
import { fileName, itemSeed, onPage, randomAngle, type Rendered } from './render.js';

export interface Hand {
  look: Look;
  /** The set's digit height in pixels; each digit is within ±15% of it. */
  height: number;
}

/** One set's pen, paper, noise, format and size, drawn from `seed` as bench:real draws a digit's. */
export function drawHand(seed: number): Hand {
  const rng = new Random(itemSeed(seed, 2));
  // bench:real's range of heights, 100–300 px, less the ±15% each digit adds.
  return { look: randomLook(rng, 'even'), height: 118 + rng.int(137) };
}

/** The digit at `row` in the set's look; the same (grid, row, hand, seed) always gives the same bytes. */
export function renderInHand(grid: Uint8Array, row: number, hand: Hand, seed: number): Rendered {
  const rng = new Random(itemSeed(seed, 3, row));
  const height = Math.round(hand.height * (0.85 + 0.3 * rng.next()));
  const tile = glyphTile(grid, { height, angle: randomAngle(rng), weight: GLYPH_WEIGHT[hand.look.pen.width] });
  return { bytes: onPage(tile, height, hand.look, rng), name: fileName(`optdigits-${row}`, 'even', hand.look), look: hand.look };
}

/** "ballpoint (thin) on cream paper, JPEG q72, ~180 px": a set's look in words. */
export function describeHand(hand: Hand): string {
  const { pen, paper, encoding } = hand.look;
  const format = encoding.format === 'png' ? 'PNG' : `JPEG q${encoding.quality}`;
  return `${pen.kind} (${pen.width}) on ${paper.kind} paper, ${format}, ~${hand.height} px`;
}
