/**
 * Image files for the predict and server tests: "user" pictures of MNIST
 * test digits (user-image.ts), and one of each kind of file that must be
 * refused, with the message it must be refused with.
 */
import { loadMnist } from '../src/data/mnist.js';
import { concat, chunk, ihdr, PNG_SIGNATURE, rawPng } from './png-bytes.js';
import { userImage, type UserVariant } from './user-image.js';

export interface UserDigit {
  /** Index in the MNIST test set. */
  index: number;
  label: number;
  /** The 784 MNIST pixels (0..255), as the network was trained on them. */
  pixels: Uint8Array;
  variant: UserVariant;
  bytes: Uint8Array;
}

let testSet: ReturnType<typeof loadMnist>['test'] | null = null;

/** MNIST test digit `index` as a `variant` picture; the seed is the index, so a digit is always drawn the same. */
export function userDigit(index: number, variant: UserVariant): UserDigit {
  testSet ??= loadMnist({}).test;
  const pixels = testSet.images.subarray(index * 784, (index + 1) * 784);
  return { index, label: testSet.labels[index], pixels, variant, bytes: userImage(pixels, variant, 1000 + index) };
}

/** A tiny zlib stream of nothing: enough for a PNG whose header is all that is read. */
const NO_DATA = chunk('IDAT', Uint8Array.of(0x78, 0x9c, 0x03, 0x00, 0x00, 0x00, 0x00, 0x01));
const IEND = chunk('IEND', new Uint8Array(0));

export interface BadImage {
  name: string;
  bytes: Uint8Array;
  /** What the one-line error must say. */
  message: RegExp;
}

/** One of each way an upload can fail; `good` (a real PNG) supplies the truncated one. */
export function badImages(good: Uint8Array): BadImage[] {
  return [
    { name: 'empty.png', bytes: new Uint8Array(0), message: /the file is empty/ },
    { name: 'notes.png', bytes: new TextEncoder().encode('a shopping list, not a picture\n'), message: /not a PNG or JPEG image/ },
    { name: 'zero.png', bytes: concat([PNG_SIGNATURE, ihdr(0, 0, 8, 6), NO_DATA, IEND]), message: /empty image \(0×0 pixels\)/ },
    // 50,000² RGBA would be 10 GB: refused from the header, before anything is allocated.
    { name: 'huge.png', bytes: concat([PNG_SIGNATURE, ihdr(50_000, 50_000, 8, 6), NO_DATA, IEND]), message: /declares 50000×50000 pixels, more than the limit/ },
    { name: 'cut.png', bytes: good.subarray(0, good.length >> 1), message: /truncated PNG/ },
    { name: 'blank.png', bytes: rawPng(64, 48, 8, 0, new Uint8Array(64 * 48).fill(200)), message: /no digit found/ },
  ];
}
