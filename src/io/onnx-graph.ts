/**
 * An ONNX graph read as a chain of fully connected layers: from the one
 * input, each value feeds exactly one node, until the output. Gemm and
 * MatMul (with the Add of its bias) become linear steps with weights in
 * DigitNet's layout (O×I row-major, nn/network.ts); Relu, Sigmoid, Tanh,
 * LeakyRelu and Softmax become activation steps; Flatten, Reshape (to
 * [N, features]) and Identity only have their shapes checked. Weights and
 * biases must be constants (initializers or Constant nodes). Anything else is
 * refused with one line naming the operator or the node.
 */
import type { ActivationName } from '../nn/activations.js';
import { LEAKY_SLOPE } from '../nn/activations.js';
import { MAX_PARAMETERS } from '../nn/network.js';
import { DATA_TYPE, type GraphProto, int64, type NodeProto, type TensorProto } from './onnx-schema.js';
import { constantTensor, type Fail, floatAttribute, intAttribute, readFloatTensor, readInt64Tensor, typeName } from './onnx-tensor.js';

export interface LinearStep {
  kind: 'linear';
  where: string;
  inputs: number;
  outputs: number;
  /** outputs×inputs, row-major: weights[j·inputs + k]. */
  weights: Float64Array;
  biases: Float64Array;
}

export interface ActivationStep {
  kind: 'activation';
  where: string;
  activation: ActivationName;
  /** The ONNX operator, for messages. */
  op: string;
}

export type Step = LinearStep | ActivationStep;

export const SUPPORTED_TEXT = 'DigitNet reads fully connected networks (Gemm or MatMul+Add, Relu, Sigmoid, Tanh, LeakyRelu, Softmax, Flatten, Reshape)';
const SUPPORTED = new Set(['Gemm', 'MatMul', 'Add', 'Relu', 'Sigmoid', 'Tanh', 'LeakyRelu', 'Softmax', 'Flatten', 'Reshape', 'Identity']);
const ACTIVATIONS: Record<string, ActivationName> = { Relu: 'relu', Sigmoid: 'sigmoid', Tanh: 'tanh', LeakyRelu: 'leaky-relu', Softmax: 'softmax' };

/** What is known of the value flowing along the chain: its rank and its size per example (null: not stated). */
interface Shape {
  rank: number | null;
  features: number | null;
}

export interface ChainOptions {
  /** The value where the chain ends (the graph's output, or DigitNet's scores before its normalisation). */
  end: string;
  /** Nodes to leave out (DigitNet's own normalisation). */
  ignore: (node: NodeProto) => boolean;
  /** The standard opset the file imports: Softmax's default axis depends on it. */
  opset: number;
}

/** The graph's steps, input to output; `fail` throws the one-line error. */
export function readChain(graph: GraphProto, options: ChainOptions, fail: Fail): Step[] {
  return new ChainReader(graph, options, fail).read();
}

/** "Gemm 'fc1'", or just "Gemm" for an unnamed node. */
export function describeNode(node: NodeProto): string {
  return node.name ? `${node.opType} '${node.name}'` : String(node.opType);
}

/** An operator of the standard ONNX domain (written '' or 'ai.onnx'), not a runtime's own (com.microsoft:…). */
function isStandard(node: NodeProto): boolean {
  return !node.domain || node.domain === 'ai.onnx';
}

class ChainReader {
  private readonly constants = new Map<string, TensorProto>();
  private readonly nodes: NodeProto[];
  private readonly steps: Step[] = [];
  private shape: Shape = { rank: null, features: null };
  private parameters = 0;

  constructor(
    private readonly graph: GraphProto,
    private readonly options: ChainOptions,
    private readonly fail: Fail,
  ) {
    for (const t of graph.initializer ?? []) if (t.name) this.constants.set(t.name, t);
    const all = (graph.node ?? []).filter((n) => !options.ignore(n));
    const isConstant = (n: NodeProto) => n.opType === 'Constant' && isStandard(n);
    for (const n of all) if (isConstant(n)) this.constants.set(n.output?.[0] ?? '', constantTensor(n, fail));
    this.nodes = all.filter((n) => !isConstant(n));
  }

  read(): Step[] {
    for (const n of this.nodes) {
      const op = isStandard(n) ? String(n.opType) : `${n.domain}:${n.opType}`;
      if (!SUPPORTED.has(op)) this.fail(`operator ${op} is not supported: ${SUPPORTED_TEXT}`);
    }
    let value = this.input();
    const visited = new Set<NodeProto>();
    while (value !== this.options.end) {
      const node = this.nextNode(value);
      if (visited.has(node)) this.fail(`not a chain: ${describeNode(node)} is reached twice`);
      visited.add(node);
      this.apply(node, value);
      value = node.output?.[0] || this.fail(`${describeNode(node)} has no output`);
    }
    const stray = this.nodes.find((n) => !visited.has(n));
    if (stray) this.fail(`not a chain: ${describeNode(stray)} is not on the path from the input to '${this.options.end}'`);
    if (!this.steps.some((s) => s.kind === 'linear')) this.fail('the graph has no Gemm or MatMul: there is no layer to read');
    return this.steps;
  }

  /** The one graph input that is not a constant (older files list initializers among the inputs); float32. */
  private input(): string {
    const inputs = (this.graph.input ?? []).filter((i) => !this.constants.has(i.name ?? ''));
    if (inputs.length !== 1) this.fail(`the graph has ${inputs.length} inputs; DigitNet reads networks with one (the pixels)`);
    const tensor = inputs[0].type?.tensorType;
    if (!tensor) return this.fail(`the input '${inputs[0].name}' is not a tensor`);
    if (tensor.elemType !== DATA_TYPE.FLOAT) this.fail(`the input '${inputs[0].name}' is ${typeName(tensor.elemType)}; DigitNet feeds float32 pixels`);
    const dims = tensor.shape?.dim;
    if (dims) {
      const sizes = dims.slice(1).map((d) => (d.dimValue !== null && d.dimValue !== undefined ? int64(d.dimValue) : 0));
      this.shape = { rank: dims.length, features: sizes.every((s) => s > 0) ? sizes.reduce((a, b) => a * b, 1) : null };
      if (dims.length < 2) this.fail(`the input '${inputs[0].name}' has rank ${dims.length}; DigitNet feeds a batch of images, [N, 784]`);
    }
    return inputs[0].name ?? '';
  }

  /** The one node that reads `value`; its other inputs must be constants. */
  private nextNode(value: string): NodeProto {
    const readers = this.nodes.filter((n) => n.input?.includes(value));
    if (readers.length === 0) this.fail(`not a chain: nothing reads '${value}' and it is not the output '${this.options.end}'`);
    if (readers.length > 1) this.fail(`not a chain: '${value}' feeds ${readers.length} nodes (${readers.map(describeNode).join(', ')}); DigitNet reads one layer after another`);
    const node = readers[0];
    for (const name of node.input ?? []) {
      if (name !== value && name !== '' && !this.constants.has(name)) this.fail(`not a chain: ${describeNode(node)} also reads '${name}', which is neither the previous layer nor a constant`);
    }
    if (node.input?.filter((name) => name === value).length !== 1) this.fail(`not a chain: ${describeNode(node)} reads '${value}' twice`);
    return node;
  }

  private apply(node: NodeProto, value: string): void {
    const op = String(node.opType);
    if (op === 'Gemm') this.gemm(node, value);
    else if (op === 'MatMul') this.matMul(node, value);
    else if (op === 'Add') this.add(node, value);
    else if (op === 'Flatten') this.flatten(node);
    else if (op === 'Reshape') this.reshape(node, value);
    else if (op in ACTIVATIONS) this.activation(node);
    // Identity changes nothing.
  }

  private constant(node: NodeProto, index: number, what: string): TensorProto {
    const name = node.input?.[index] ?? '';
    return this.constants.get(name) ?? this.fail(`${describeNode(node)} has no ${what}`);
  }

  /** Y = alpha·A·B′ + beta·C, B′ = Bᵀ when transB: A is the chain's value, B and C constants. */
  private gemm(node: NodeProto, value: string): void {
    const where = describeNode(node);
    if (node.input?.[0] !== value) this.fail(`${where} takes the previous layer as its second operand; DigitNet reads Gemm(input, weights, bias)`);
    if (intAttribute(node, 'transA', 0) !== 0) this.fail(`${where} has transA=1; DigitNet reads Gemm with the batch first (transA=0)`);
    const alpha = floatAttribute(node, 'alpha', 1);
    const beta = floatAttribute(node, 'beta', 1);
    const transB = intAttribute(node, 'transB', 0) !== 0;
    const b = readFloatTensor(this.constant(node, 1, 'weights (B)'), `${where} weights`, this.fail);
    if (b.dims.length !== 2) this.fail(`${where} weights have shape [${b.dims.join(', ')}]; a layer's weights are a matrix`);
    const [inputs, outputs] = transB ? [b.dims[1], b.dims[0]] : b.dims;
    const step = this.linear(where, inputs, outputs, (j, k) => alpha * b.values[transB ? j * inputs + k : k * outputs + j]);
    if (node.input?.[2]) this.addBias(step, this.constant(node, 2, 'bias (C)'), beta, where);
  }

  /** X·W with W constant, [inputs, outputs]; the bias comes with the Add that follows. */
  private matMul(node: NodeProto, value: string): void {
    const where = describeNode(node);
    if (node.input?.[0] !== value) this.fail(`${where} multiplies the weights by the previous layer; DigitNet reads MatMul(input, weights)`);
    const w = readFloatTensor(this.constant(node, 1, 'weights'), `${where} weights`, this.fail);
    if (w.dims.length !== 2) this.fail(`${where} weights have shape [${w.dims.join(', ')}]; a layer's weights are a matrix`);
    const [inputs, outputs] = w.dims;
    this.linear(where, inputs, outputs, (j, k) => w.values[k * outputs + j]);
  }

  private linear(where: string, inputs: number, outputs: number, weight: (j: number, k: number) => number): LinearStep {
    const { rank, features } = this.shape;
    if (rank !== null && rank !== 2) this.fail(`${where} receives a rank-${rank} tensor; DigitNet reads [N, features] (add a Flatten)`);
    if (features !== null && features !== inputs) this.fail(`${where} takes ${inputs} inputs but receives ${features}`);
    this.parameters += outputs * (inputs + 1);
    if (this.parameters > MAX_PARAMETERS) this.fail(`the network has more than ${MAX_PARAMETERS.toLocaleString('en')} weights and biases, more than DigitNet builds`);
    const weights = new Float64Array(outputs * inputs);
    for (let j = 0; j < outputs; j++) for (let k = 0; k < inputs; k++) weights[j * inputs + k] = weight(j, k);
    const step: LinearStep = { kind: 'linear', where, inputs, outputs, weights, biases: new Float64Array(outputs) };
    this.steps.push(step);
    this.shape = { rank: 2, features: outputs };
    return step;
  }

  /** An Add right after Gemm or MatMul: its constant is the layer's bias. */
  private add(node: NodeProto, value: string): void {
    const where = describeNode(node);
    const last = this.steps[this.steps.length - 1];
    if (last?.kind !== 'linear') this.fail(`${where} is not the bias of a Gemm or MatMul; DigitNet reads Add only right after one`);
    const index = node.input?.[0] === value ? 1 : 0;
    this.addBias(last, this.constant(node, index, 'bias'), 1, where);
  }

  /** Add `scale`·C to the step's biases; C is a scalar, [outputs] or [1, outputs]. */
  private addBias(step: LinearStep, tensor: TensorProto, scale: number, where: string): void {
    const c = readFloatTensor(tensor, `${where} bias`, this.fail);
    const n = c.values.length;
    const fits = c.dims.length <= 2 && (n === 1 || (n === step.outputs && c.dims[c.dims.length - 1] === step.outputs));
    if (!fits) this.fail(`${where} bias has shape [${c.dims.join(', ')}], which does not add to [N, ${step.outputs}]`);
    for (let j = 0; j < step.outputs; j++) step.biases[j] += scale * c.values[n === 1 ? 0 : j];
  }

  private activation(node: NodeProto): void {
    const op = String(node.opType);
    const where = describeNode(node);
    if (op === 'LeakyRelu') {
      const alpha = floatAttribute(node, 'alpha', 0.01);
      // Compared in float32, which is how the attribute is stored.
      if (Math.fround(alpha) !== Math.fround(LEAKY_SLOPE)) this.fail(`${where} has alpha ${+alpha.toPrecision(7)}; DigitNet's leaky ReLU has slope ${LEAKY_SLOPE}`);
    }
    if (op === 'Softmax') {
      const axis = intAttribute(node, 'axis', this.options.opset >= 13 ? -1 : 1);
      if (axis !== 1 && axis !== -1) this.fail(`${where} has axis ${axis}; DigitNet's softmax runs over each example's outputs (axis 1)`);
      if (this.shape.rank !== null && this.shape.rank !== 2) this.fail(`${where} receives a rank-${this.shape.rank} tensor; DigitNet reads [N, classes]`);
    }
    this.steps.push({ kind: 'activation', where, activation: ACTIVATIONS[op], op });
  }

  /** Flatten with axis 1: [N, …] → [N, product]. */
  private flatten(node: NodeProto): void {
    const axis = intAttribute(node, 'axis', 1);
    const rank = this.shape.rank;
    if (axis !== 1 && !(rank !== null && axis + rank === 1)) this.fail(`${describeNode(node)} has axis ${axis}; DigitNet reads Flatten to [N, features] (axis 1)`);
    this.shape = { rank: 2, features: this.shape.features };
  }

  /** Reshape to [-1, K] or [0, K] (or [0, -1]): the batch stays first, the rest becomes one row per example. */
  private reshape(node: NodeProto, value: string): void {
    const where = describeNode(node);
    if (node.input?.[0] !== value) this.fail(`${where} reshapes a constant; DigitNet reads Reshape(input, shape)`);
    const { dims, values } = readInt64Tensor(this.constant(node, 1, 'shape'), `${where} shape`, this.fail);
    const [batch, rest] = values;
    const zeroIsZero = intAttribute(node, 'allowzero', 0) !== 0 && values.includes(0);
    const features = this.shape.features;
    const fits = dims.length === 1 && values.length === 2 && (batch === -1 || batch === 0) && !zeroIsZero &&
      !(batch === -1 && rest === -1) && (rest === -1 || (rest > 0 && (features === null || rest === features)));
    if (!fits) this.fail(`${where} reshapes to [${values.join(', ')}]; DigitNet reads Reshape to [N, ${features ?? 'features'}] (shape [-1, ${features ?? 'K'}])`);
    this.shape = { rank: 2, features: rest > 0 ? rest : features };
  }
}
