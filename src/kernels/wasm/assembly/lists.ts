/**
 * Input lists: each layer reads its inputs as a list of (row offset of W,
 * value) pairs holding only the nonzero ones. For layer 1 this is the sparse
 * path: about 80% of MNIST's pixels are 0, and a zero input costs neither a
 * forward multiply nor a weight update. Hidden layers use the same lists
 * (ReLU zeros are skipped too), so one matmul kernel serves every layer.
 * The lists are kept until the batch's update, which reuses them.
 */

/** List the nonzero bytes of one image (I bytes) as (k·rowBytes, byte/255 from the 256-entry table `pixelValues`); returns how many. */
export function listPixels(image: usize, I: i32, pixelValues: usize, rowBytes: i32, rows: usize, values: usize): i32 {
  let n: usize = 0; // list length in bytes (4 per entry)
  let k = 0;
  const zero = i8x16.splat(0);
  // A bit mask of the nonzero pixels, 64 at a time, then its set bits visited. The visiting loop's
  // exit is a mispredicted branch (the count of set bits varies), so one per 64 pixels rather than
  // one per 16 (the SIMD compare's width) took the reference epoch from 84 to 78 ms.
  for (; k + 64 <= I; k += 64) {
    const at = image + <usize>k;
    const mask = <u64>i8x16.bitmask(i8x16.ne(v128.load(at), zero))
      | (<u64>i8x16.bitmask(i8x16.ne(v128.load(at, 16), zero)) << 16)
      | (<u64>i8x16.bitmask(i8x16.ne(v128.load(at, 32), zero)) << 32)
      | (<u64>i8x16.bitmask(i8x16.ne(v128.load(at, 48), zero)) << 48);
    n = listSetBits(mask, k, image, pixelValues, rowBytes, rows, values, n);
  }
  for (; k + 16 <= I; k += 16) {
    n = listSetBits(<u64>i8x16.bitmask(i8x16.ne(v128.load(image + <usize>k), zero)), k, image, pixelValues, rowBytes, rows, values, n);
  }
  // The last I mod 16 pixels, their mask made one by one.
  let tail: u64 = 0;
  for (let i = k; i < I; i++) if (load<u8>(image + <usize>i) != 0) tail |= <u64>1 << <u64>(i - k);
  n = listSetBits(tail, k, image, pixelValues, rowBytes, rows, values, n);
  return <i32>(n >> 2);
}

/** Append pixel k + i for each set bit i of mask to the list, whose length in bytes is n; returns the new length. */
// @ts-ignore: decorator
@inline function listSetBits(mask: u64, k: i32, image: usize, pixelValues: usize, rowBytes: i32, rows: usize, values: usize, n: usize): usize {
  while (mask != 0) {
    const p = k + <i32>ctz(mask);
    mask &= mask - 1;
    store<i32>(rows + n, p * rowBytes);
    store<f32>(values + n, load<f32>(pixelValues + (<usize>load<u8>(image + <usize>p) << 2)));
    n += 4;
  }
  return n;
}

/** List the nonzero activations a[0 .. I) of the previous layer as (k·rowBytes, a[k]); returns how many. */
export function listActivations(a: usize, I: i32, rowBytes: i32, rows: usize, values: usize): i32 {
  let n: usize = 0;
  // Every entry is written and the length moves on only past a nonzero one: no branch to
  // mispredict on ReLU's zeros, about half of a wide layer's units in no pattern.
  for (let k = 0; k < I; k++) {
    const x = load<f32>(a + (<usize>k << 2));
    store<i32>(rows + n, k * rowBytes);
    store<f32>(values + n, x);
    n += select<usize>(4, 0, x != 0);
  }
  return <i32>(n >> 2);
}
