/**
 * exp, sigmoid and tanh on four float32 lanes at once, so the activations of
 * a row cost a few vector instructions and never leave WebAssembly (a call
 * out to JavaScript's Math.exp per unit would cost more than the unit).
 * Accurate to about 2 ulp; inputs are clamped so that no finite z gives
 * Infinity or NaN.
 */

// exp(x) = 2ⁿ·eʳ with n = round(x·log₂e) and |r| ≤ ln2/2; eʳ by Cephes' expf polynomial.
const EXP_MAX: f32 = 88.0; // e⁸⁸ ≈ 1.65e38 < float32 max, and n ≤ 127 keeps 2ⁿ finite
const EXP_MIN: f32 = -87.0; // n ≥ −126 keeps 2ⁿ a normal number
const LOG2E: f32 = 1.44269504088896341;
const LN2_HI: f32 = 0.693359375; // ln 2 split in two so n·LN2_HI is exact
const LN2_LO: f32 = -2.12194440e-4;
const P0: f32 = 1.9875691500e-4;
const P1: f32 = 1.3981999507e-3;
const P2: f32 = 8.3334519073e-3;
const P3: f32 = 4.1665795894e-2;
const P4: f32 = 1.6666665459e-1;
const P5: f32 = 5.0000001201e-1;

/** eˣ lane by lane, x clamped to [−87, 88]. */
// @ts-ignore: decorator
@inline export function exp4(x: v128): v128 {
  x = f32x4.min(f32x4.max(x, f32x4.splat(EXP_MIN)), f32x4.splat(EXP_MAX));
  const n = f32x4.nearest(f32x4.mul(x, f32x4.splat(LOG2E)));
  let r = f32x4.sub(x, f32x4.mul(n, f32x4.splat(LN2_HI)));
  r = f32x4.sub(r, f32x4.mul(n, f32x4.splat(LN2_LO)));
  let p = f32x4.add(f32x4.mul(f32x4.splat(P0), r), f32x4.splat(P1));
  p = f32x4.add(f32x4.mul(p, r), f32x4.splat(P2));
  p = f32x4.add(f32x4.mul(p, r), f32x4.splat(P3));
  p = f32x4.add(f32x4.mul(p, r), f32x4.splat(P4));
  p = f32x4.add(f32x4.mul(p, r), f32x4.splat(P5));
  const er = f32x4.add(f32x4.add(f32x4.mul(p, f32x4.mul(r, r)), r), f32x4.splat(1.0));
  // 2ⁿ built from its exponent bits.
  const twoN = i32x4.shl(i32x4.add(i32x4.trunc_sat_f32x4_s(n), i32x4.splat(127)), 23);
  return f32x4.mul(er, twoN);
}

/** 1 / (1 + e⁻ᶻ). */
// @ts-ignore: decorator
@inline export function sigmoid4(z: v128): v128 {
  const one = f32x4.splat(1.0);
  return f32x4.div(one, f32x4.add(one, exp4(f32x4.neg(z))));
}

// tanh: Cephes' tanhf. Near 0 an odd polynomial (1 − 2/(e²ˣ + 1) would cancel there), else through exp.
const TANH_SMALL: f32 = 0.625;
const T0: f32 = -5.70498872745e-3;
const T1: f32 = 2.06390887954e-2;
const T2: f32 = -5.37397155531e-2;
const T3: f32 = 1.33314422036e-1;
const T4: f32 = -3.33332819422e-1;

/** tanh z lane by lane. */
// @ts-ignore: decorator
@inline export function tanh4(z: v128): v128 {
  const x = f32x4.abs(z);
  const x2 = f32x4.mul(z, z);
  let p = f32x4.add(f32x4.mul(f32x4.splat(T0), x2), f32x4.splat(T1));
  p = f32x4.add(f32x4.mul(p, x2), f32x4.splat(T2));
  p = f32x4.add(f32x4.mul(p, x2), f32x4.splat(T3));
  p = f32x4.add(f32x4.mul(p, x2), f32x4.splat(T4));
  const small = f32x4.add(f32x4.mul(f32x4.mul(p, x2), z), z);
  const one = f32x4.splat(1.0);
  const e = exp4(f32x4.add(x, x));
  const large = f32x4.sub(one, f32x4.div(f32x4.splat(2.0), f32x4.add(e, one)));
  const signed = v128.or(large, v128.and(z, f32x4.splat(-0.0))); // copy z's sign bit
  return v128.bitselect(small, signed, f32x4.lt(x, f32x4.splat(TANH_SMALL)));
}

/** The sum of the four lanes. */
// @ts-ignore: decorator
@inline export function sum4(v: v128): f32 {
  return f32x4.extract_lane(v, 0) + f32x4.extract_lane(v, 1) + (f32x4.extract_lane(v, 2) + f32x4.extract_lane(v, 3));
}
