/**
 * A phone photo of a digit, made to measure: an MNIST digit drawn large in
 * dark ink on unevenly lit, grainy paper, encoded by sharp as a JPEG or PNG
 * of any size, and if asked stored sideways with an EXIF orientation, as
 * phones do. For the decode tests and bench/decode.ts, which need 12 MP
 * pictures that no repository should carry. Deterministic.
 */
import sharp from 'sharp';

export interface PhotoOptions {
  width: number;
  height: number;
  format: 'jpeg' | 'png';
  /**
   * 1: stored upright. 6: stored turned a quarter anticlockwise, with EXIF
   * orientation 6 telling a viewer to turn it clockwise (a phone held upright
   * whose sensor is landscape). @default 1
   */
  orientation?: 1 | 6;
}

/** Upright RGB pixels: the 784-byte MNIST `digit` (white on black) as ink 0.7 of the shorter side tall, centred. */
export function photoPixels(digit: Uint8Array, width: number, height: number): Buffer {
  const rgb = Buffer.alloc(width * height * 3);
  const size = 0.7 * Math.min(width, height);
  const left = (width - size) / 2;
  const top = (height - size) / 2;
  let seed = 12345;
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      // Bilinear sample of the digit at this pixel: smooth strokes, as a pen's are.
      const u = ((x - left) / size) * 28 - 0.5;
      const v = ((y - top) / size) * 28 - 0.5;
      const u0 = Math.floor(u);
      const v0 = Math.floor(v);
      const fu = u - u0;
      const fv = v - v0;
      const at = (i: number, j: number) => (i >= 0 && i < 28 && j >= 0 && j < 28 ? digit[j * 28 + i] / 255 : 0);
      const ink = (1 - fv) * ((1 - fu) * at(u0, v0) + fu * at(u0 + 1, v0)) + fv * ((1 - fu) * at(u0, v0 + 1) + fu * at(u0 + 1, v0 + 1));
      // Paper lit from the top left, a pen of dark blue, and sensor grain in each channel, about as
      // strong as a phone's indoors (grain is what makes a phone's JPEG big, and slow to decode).
      const light = 215 - (25 * (x + y)) / (width + height);
      const p = 3 * (y * width + x);
      const base = [light + (25 - light) * ink, light - 4 + (30 - light) * ink, light - 12 + (80 - light) * ink];
      for (let c = 0; c < 3; c++) {
        // A cheap LCG (12 M pixels): the sum of two bytes, a triangular grain of ±12 levels.
        seed = (Math.imul(seed, 1664525) + 1013904223) >>> 0;
        rgb[p + c] = clamp(base[c] + ((seed >>> 24) + ((seed >>> 16) & 0xff)) / 21.25 - 12);
      }
    }
  }
  return rgb;
}

/** The photo as a file: a quality-95 JPEG (as a phone writes it: 12 MP in 3–4 MB) or a PNG. */
export async function photoFile(digit: Uint8Array, options: PhotoOptions): Promise<Uint8Array> {
  const { width, height, format, orientation = 1 } = options;
  let image = sharp(photoPixels(digit, width, height), { raw: { width, height, channels: 3 } });
  if (orientation === 6) image = image.rotate(270).withMetadata({ orientation: 6 });
  return format === 'jpeg' ? image.jpeg({ quality: 95 }).toBuffer() : image.png({ compressionLevel: 6 }).toBuffer();
}

function clamp(v: number): number {
  return v < 0 ? 0 : v > 255 ? 255 : Math.round(v);
}
