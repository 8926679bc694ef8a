/**
 * Reading the numbers of an ONNX file: float32 tensors (raw_data or
 * float_data), int64 tensors (Reshape's shape, ReduceSum's axes) and node
 * attributes, each checked against its shape. Every problem is one line
 * through `fail`, naming the tensor.
 */
import { MAX_PARAMETERS } from '../nn/network.js';
import { type AttributeProto, DATA_TYPE, EXTERNAL_DATA, int64, type NodeProto, type TensorProto } from './onnx-schema.js';

export type Fail = (why: string) => never;

export interface FloatTensor {
  dims: number[];
  values: Float32Array;
}

/** A tensor's dimensions and element count, refused past DigitNet's parameter limit before anything is copied. */
function shapeOf(t: TensorProto, what: string, fail: Fail): { dims: number[]; count: number } {
  if (t.dataLocation === EXTERNAL_DATA) fail(`${what} keeps its values in an external file; DigitNet reads self-contained .onnx files`);
  const dims = (t.dims ?? []).map((d) => int64(d));
  if (dims.some((d) => !Number.isSafeInteger(d) || d < 0)) fail(`${what} has a bad shape [${dims.join(', ')}]`);
  const count = dims.reduce((a, b) => a * b, 1);
  if (count > MAX_PARAMETERS) fail(`${what} holds ${count.toLocaleString('en')} values; DigitNet builds networks of at most ${MAX_PARAMETERS.toLocaleString('en')} parameters`);
  return { dims, count };
}

export function readFloatTensor(t: TensorProto, what: string, fail: Fail): FloatTensor {
  if (t.dataType !== DATA_TYPE.FLOAT) fail(`${what} is ${typeName(t.dataType)}; DigitNet reads float32 weights`);
  const { dims, count } = shapeOf(t, what, fail);
  const values = new Float32Array(count);
  const raw = t.rawData;
  if (raw && raw.length > 0) {
    if (raw.length !== count * 4) fail(`${what}: shape [${dims.join(', ')}] needs ${count * 4} bytes of raw_data, found ${raw.length}`);
    const view = new DataView(raw.buffer, raw.byteOffset, raw.byteLength);
    for (let i = 0; i < count; i++) values[i] = view.getFloat32(i * 4, true);
  } else {
    const data = t.floatData ?? [];
    if (data.length !== count) fail(`${what}: shape [${dims.join(', ')}] needs ${count} values, found ${data.length}`);
    values.set(data);
  }
  for (let i = 0; i < count; i++) if (!Number.isFinite(values[i])) fail(`${what}: value ${i} is not a finite number`);
  return { dims, values };
}

export function readInt64Tensor(t: TensorProto, what: string, fail: Fail): { dims: number[]; values: number[] } {
  if (t.dataType !== DATA_TYPE.INT64) fail(`${what} is ${typeName(t.dataType)}; expected int64`);
  const { dims, count } = shapeOf(t, what, fail);
  const raw = t.rawData;
  let values: number[];
  if (raw && raw.length > 0) {
    if (raw.length !== count * 8) fail(`${what}: shape [${dims.join(', ')}] needs ${count * 8} bytes of raw_data, found ${raw.length}`);
    const view = new DataView(raw.buffer, raw.byteOffset, raw.byteLength);
    values = Array.from({ length: count }, (_, i) => Number(view.getBigInt64(i * 8, true)));
  } else {
    values = (t.int64Data ?? []).map((v) => int64(v));
    if (values.length !== count) fail(`${what}: shape [${dims.join(', ')}] needs ${count} values, found ${values.length}`);
  }
  return { dims, values };
}

/** A Constant node's value as a tensor: `value`, or the scalar and list forms (value_float, value_ints, …). */
export function constantTensor(node: NodeProto, fail: Fail): TensorProto {
  const a = node.attribute?.[0];
  const where = `Constant '${node.name || node.output?.[0]}'`;
  if (!a || (node.attribute?.length ?? 0) !== 1) return fail(`${where} must have one value attribute`);
  const scalar = (dataType: number, key: 'floatData' | 'int64Data', values: unknown[], dims: number[]): TensorProto => ({ dataType, dims, [key]: values });
  switch (a.name) {
    case 'value':
      return a.t ?? fail(`${where} has no tensor`);
    case 'value_float':
      return scalar(DATA_TYPE.FLOAT, 'floatData', [a.f ?? 0], []);
    case 'value_floats':
      return scalar(DATA_TYPE.FLOAT, 'floatData', a.floats ?? [], [a.floats?.length ?? 0]);
    case 'value_int':
      return scalar(DATA_TYPE.INT64, 'int64Data', [a.i ?? 0], []);
    case 'value_ints':
      return scalar(DATA_TYPE.INT64, 'int64Data', a.ints ?? [], [a.ints?.length ?? 0]);
    default:
      return fail(`${where} holds a ${a.name}, which DigitNet does not read`);
  }
}

function attribute(node: NodeProto, name: string): AttributeProto | undefined {
  return node.attribute?.find((a) => a.name === name);
}

/** An integer attribute, or `fallback` when the node does not set it. */
export function intAttribute(node: NodeProto, name: string, fallback: number): number {
  const a = attribute(node, name);
  return a ? int64(a.i) : fallback;
}

export function floatAttribute(node: NodeProto, name: string, fallback: number): number {
  const a = attribute(node, name);
  return a ? (a.f ?? 0) : fallback;
}

/** "float64", "int64"…, for messages. */
export function typeName(dataType: number | null | undefined): string {
  const names: Record<number, string> = {
    [DATA_TYPE.FLOAT]: 'float32', [DATA_TYPE.DOUBLE]: 'float64', [DATA_TYPE.FLOAT16]: 'float16', [DATA_TYPE.BFLOAT16]: 'bfloat16',
    [DATA_TYPE.INT8]: 'int8', [DATA_TYPE.UINT8]: 'uint8', [DATA_TYPE.INT32]: 'int32', [DATA_TYPE.INT64]: 'int64', [DATA_TYPE.BOOL]: 'bool', [DATA_TYPE.STRING]: 'string',
  };
  return names[dataType ?? 0] ?? `ONNX data type ${dataType ?? 0}`;
}
