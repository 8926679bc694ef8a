/** Reading the configuration block that engine.ts writes (layout in ../abi.ts). */
import { HEADER_WORDS, LAYER_WORDS } from "../abi";

/** Header word `field` as an int32 (or a pointer). */
// @ts-ignore: decorator
@inline export function header(cfg: usize, field: i32): i32 {
  return load<i32>(cfg + (<usize>field << 2));
}

/** Header word `field` as a float32. */
// @ts-ignore: decorator
@inline export function headerF32(cfg: usize, field: i32): f32 {
  return load<f32>(cfg + (<usize>field << 2));
}

/** The descriptor of layer l (0 is the first layer after the input). */
// @ts-ignore: decorator
@inline export function layer(cfg: usize, l: i32): usize {
  return cfg + (<usize>(HEADER_WORDS + l * LAYER_WORDS) << 2);
}

/** Descriptor word `field` as an int32. */
// @ts-ignore: decorator
@inline export function field(desc: usize, f: i32): i32 {
  return load<i32>(desc + (<usize>f << 2));
}

/** Descriptor word `field` as a pointer. */
// @ts-ignore: decorator
@inline export function pointer(desc: usize, f: i32): usize {
  return <usize>load<u32>(desc + (<usize>f << 2));
}
