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
  // Sixteen pixels at a time: a bit mask of the nonzero ones, then visit its set bits.
  for (; k + 16 <= I; k += 16) {
    let mask = i8x16.bitmask(i8x16.ne(v128.load(image + <usize>k), zero));
    while (mask != 0) {
      const p = k + ctz(mask);
      mask &= mask - 1;
      store<i32>(rows + n, p * rowBytes);
      store<f32>(values + n, load<f32>(pixelValues + (<usize>load<u8>(image + <usize>p) << 2)));
      n += 4;
    }
  }
  for (; k < I; k++) {
    const byte = load<u8>(image + <usize>k);
    if (byte != 0) {
      store<i32>(rows + n, k * rowBytes);
      store<f32>(values + n, load<f32>(pixelValues + (<usize>byte << 2)));
      n += 4;
    }
  }
  return <i32>(n >> 2);
}

/** List the nonzero activations a[0 .. I) of the previous layer as (k·rowBytes, a[k]); returns how many. */
export function listActivations(a: usize, I: i32, rowBytes: i32, rows: usize, values: usize): i32 {
  let n: usize = 0;
  for (let k = 0; k < I; k++) {
    const x = load<f32>(a + (<usize>k << 2));
    if (x != 0) {
      store<i32>(rows + n, k * rowBytes);
      store<f32>(values + n, x);
      n += 4;
    }
  }
  return <i32>(n >> 2);
}
