import { readBytes } from '../io/read-file';
import { onnx } from 'onnx-proto';
import type { CellType } from '../layers/cells';
import { Sequential, type LayerSpec } from '../model';
import { conv1dLeftPad, type Conv1DActivation, type Conv1DSpec } from '../layers/conv1d';
import { transposed } from '../core/gemm';
import { permuteBlocks, RNNKIT_FROM_ONNX } from './gate-order';
import { decodeTensor, TensorError, type Tensor } from './tensor';
import { DEFAULT_MODEL_LIMITS, MAX_ONNX_BYTES, type ModelLimits } from '../limits';
import { checkModelConfig } from '../model-check';
import { FieldError } from '../io/field-checks';
import { ensembleMemberCount } from './ensemble';

export class OnnxImportError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'OnnxImportError';
  }
}

export class UnsupportedOnnxOpError extends OnnxImportError {
  constructor(readonly op: string, readonly node: string, detail = '') {
    super(`unsupported ONNX op '${op}' (node '${node}')${detail ? `: ${detail}` : ''}`);
    this.name = 'UnsupportedOnnxOpError';
  }
}

export interface ImportedModel {
  model: Sequential;
  /** Activation the graph applies after the last layer, which the Sequential does not. */
  outputActivation: 'none' | 'softmax' | 'log_softmax';
}

/** Ops that only move data between layouts (batch/time-major, direction axes): skipped. */
const LAYOUT_OPS = new Set(['Transpose', 'Reshape', 'Squeeze', 'Unsqueeze', 'Identity', 'Dropout', 'Cast', 'Flatten']);
/** Ops that compute shapes or zero initial states off the data path. */
const SHAPE_OPS = new Set(['Shape', 'Constant', 'ConstantOfShape', 'Slice', 'Concat', 'Gather', 'Unsqueeze', 'Squeeze', 'Expand', 'Cast', 'Identity', 'Range', 'Less']);
const RECURRENT_OPS: Record<string, CellType> = { LSTM: 'lstm', GRU: 'gru', RNN: 'rnn' };
const CONV_ACTIVATIONS: Record<string, 'relu' | 'tanh'> = { Relu: 'relu', Tanh: 'tanh' };
const DATA_OPS = new Set([...LAYOUT_OPS, ...Object.keys(RECURRENT_OPS), ...Object.keys(CONV_ACTIVATIONS), 'MatMul', 'Add', 'Gemm', 'Gather', 'Softmax', 'LogSoftmax', 'Conv', 'Mul']);

type LayerWithWeights = { spec: LayerSpec; weights: Float32Array[] };

/**
 * Imports an ONNX graph made of LSTM/GRU/RNN nodes with MatMul+Add, Gemm, Gather (embedding) or
 * Conv (+ Relu/Tanh, 1-D, stride 1, same or causal pads) stages, as exported by rnnkit or by
 * torch.onnx.export, into a Sequential. The data path is
 * followed back from the first graph output; layout ops on it are skipped.
 */
export function importOnnx(bytes: Uint8Array, file = '<onnx>', limits?: Partial<ModelLimits>): ImportedModel {
  try {
    return importGraph(bytes, file, { ...DEFAULT_MODEL_LIMITS, ...limits });
  } catch (err) {
    if (err instanceof OnnxImportError) throw err;
    if (err instanceof TensorError || err instanceof FieldError) throw new OnnxImportError(`${file}: ${err.message}`);
    // A structurally valid protobuf can still hold an inconsistent graph; say so in the documented error type.
    throw new OnnxImportError(`${file}: malformed ONNX model (${(err as Error).message})`);
  }
}

function importGraph(bytes: Uint8Array, file: string, limits: ModelLimits): ImportedModel {
  let proto: onnx.ModelProto;
  try {
    proto = onnx.ModelProto.decode(bytes);
  } catch (err) {
    throw new OnnxImportError(`${file}: not a valid ONNX protobuf (${(err as Error).message})`);
  }
  const graph = proto.graph;
  if (!graph?.node?.length || !graph.output?.length) throw new OnnxImportError(`${file}: the ONNX model has no graph, nodes or outputs`);
  const members = ensembleMemberCount(graph);
  if (members > 0) {
    throw new OnnxImportError(`${file} is a ${members}-member ensemble (made by npm run speech:ensemble), which one model file cannot hold: load each member's own model file instead (the members of the shipped models/speech.onnx are models/speech.json, models/speech-2.json, ...)`);
  }
  const nodes = graph.node;
  for (const n of nodes) {
    if ((n.domain ?? '') !== '' && n.domain !== 'ai.onnx') throw new UnsupportedOnnxOpError(`${n.domain}.${n.opType}`, n.name ?? '?');
    if (!DATA_OPS.has(n.opType ?? '') && !SHAPE_OPS.has(n.opType ?? '')) throw new UnsupportedOnnxOpError(n.opType ?? '?', n.name ?? '?');
  }
  const constants = collectConstants(graph, limits.maxParameters);
  const producer = new Map<string, onnx.INodeProto>();
  for (const n of nodes) for (const o of n.output ?? []) producer.set(o, n);
  const graphInputs = new Set((graph.input ?? []).map((i) => i.name).filter((n) => !constants.has(n!)));

  const stages: LayerWithWeights[] = [];
  let outputActivation: ImportedModel['outputActivation'] = 'none';
  // rnnkit names its main output 'output' (the others are final states); else take the first.
  let name = (graph.output.find((o) => o.name === 'output') ?? graph.output[0]).name!;
  let inputFeatures = 0;
  let pendingBias: Tensor | null = null;
  let pendingActivation: { op: string; node: string } | null = null;
  /** The input of the last Conv passed (where its input mask may sit, behind a transpose). */
  let convInput: string | null = null;
  while (!graphInputs.has(name)) {
    const node = producer.get(name);
    if (!node) throw new OnnxImportError(`${file}: tensor '${name}' is neither produced by a node nor a graph input`);
    const op = node.opType!;
    const nodeName = node.name || op;
    const inputs = node.input ?? [];
    // An activation belongs to the Conv before it; elementwise steps (layout, masks) may come between.
    if (pendingActivation && !LAYOUT_OPS.has(op) && op !== 'Mul' && op !== 'Conv') {
      throw new UnsupportedOnnxOpError(pendingActivation.op, pendingActivation.node, 'only supported directly after a Conv');
    }
    if (op === 'Softmax' || op === 'LogSoftmax') {
      if (stages.length > 0 || pendingBias) throw new UnsupportedOnnxOpError(op, nodeName, 'only supported as the last op');
      outputActivation = op === 'Softmax' ? 'softmax' : 'log_softmax';
      name = inputs[0];
    } else if (LAYOUT_OPS.has(op)) {
      name = inputs[0];
    } else if (op in CONV_ACTIVATIONS) {
      if (pendingBias) throw new UnsupportedOnnxOpError('Add', nodeName, 'a bias add after an activation');
      pendingActivation = { op, node: nodeName };
      name = inputs[0];
    } else if (op === 'Mul') {
      // rnnkit's conv1d export zeroes the steps past each length with a mask, right before the Conv's input
      // transpose and right after its output one (the engine does that itself); any other Mul computes something.
      const masks = inputs.map((x) => isStepMask(x, producer, constants, graphInputs));
      const data = inputs[masks.indexOf(false)];
      const aroundConv = data !== undefined && (feedsConv(name, convInput, producer) || comesFromConv(data, producer));
      if (inputs.length !== 2 || masks.filter(Boolean).length !== 1 || !aroundConv) {
        throw new UnsupportedOnnxOpError(op, nodeName, 'only the mask of valid steps that rnnkit writes around a Conv is supported');
      }
      name = data;
    } else if (op === 'Conv') {
      if (pendingBias) throw new UnsupportedOnnxOpError('Add', nodeName, 'a bias add after Conv');
      const stage = convStage(node, constants, CONV_ACTIVATIONS[pendingActivation?.op ?? ''] ?? 'linear', file);
      stages.push(stage.layer);
      inputFeatures = stage.inputSize;
      pendingActivation = null;
      name = inputs[0];
      convInput = name;
    } else if (op === 'Add') {
      const bias = inputs.map((x) => constants.get(x)).find((t) => t);
      const data = inputs.find((x) => !constants.has(x));
      if (!bias || !data || pendingBias) throw new UnsupportedOnnxOpError(op, nodeName, 'only a bias add after MatMul is supported');
      pendingBias = bias;
      name = data;
    } else if (op === 'MatMul' || op === 'Gemm') {
      const w = constants.get(inputs[1]);
      if (!w || w.dims.length !== 2 || constants.has(inputs[0])) throw new UnsupportedOnnxOpError(op, nodeName, 'the second operand must be a constant matrix');
      const transB = op === 'Gemm' && attrInt(node, 'transB', 0) === 1;
      const [inF, outF] = transB ? [w.dims[1], w.dims[0]] : w.dims;
      const weight = transB ? w.values : transposed(w.values, w.dims[0], w.dims[1]);
      let bias: Tensor | null | undefined = op === 'Gemm' && inputs[2] ? constants.get(inputs[2]) : pendingBias;
      if (op === 'Gemm' && (attrFloat(node, 'alpha', 1) !== 1 || attrFloat(node, 'beta', 1) !== 1 || attrInt(node, 'transA', 0) !== 0)) {
        throw new UnsupportedOnnxOpError(op, nodeName, 'only alpha=1, beta=1, transA=0 is supported');
      }
      if (op === 'Gemm' && pendingBias) throw new UnsupportedOnnxOpError('Add', nodeName, 'a second bias after Gemm');
      bias ??= { name: 'zero bias', dims: [outF], values: new Float32Array(outF) };
      if (bias.values.length !== outF) throw new OnnxImportError(`${file}: node '${nodeName}': bias has ${bias.values.length} values for ${outF} outputs`);
      stages.push({ spec: { type: 'dense', units: outF }, weights: [weight, bias.values] });
      pendingBias = null;
      inputFeatures = inF;
      name = inputs[0];
    } else if (op === 'Gather') {
      const table = constants.get(inputs[0]);
      if (!table || table.dims.length !== 2) throw new UnsupportedOnnxOpError(op, nodeName, 'only an embedding lookup in a constant table is supported');
      stages.push({ spec: { type: 'embedding', vocabSize: table.dims[0], embeddingDim: table.dims[1] }, weights: [table.values] });
      inputFeatures = 1;
      name = inputs[1];
    } else if (op in RECURRENT_OPS) {
      if (pendingBias) throw new UnsupportedOnnxOpError('Add', nodeName, 'a bias add directly on recurrent outputs');
      // Y (output 0) is every step; Y_h (output 1) only the final state, a layer that returns the last step.
      const outputIndex = (node.output ?? []).indexOf(name);
      if (outputIndex !== 0 && outputIndex !== 1) throw new UnsupportedOnnxOpError(op, nodeName, 'only its outputs Y or Y_h can feed the next layer');
      const stage = recurrentStage(node, RECURRENT_OPS[op], constants, file, outputIndex === 0);
      stages.push(stage.layer);
      inputFeatures = stage.inputSize;
      name = inputs[0];
    } else {
      throw new UnsupportedOnnxOpError(op, nodeName, 'not supported on the data path');
    }
    if (!name) throw new OnnxImportError(`${file}: node '${nodeName}' has no data input`);
  }
  if (pendingBias) throw new UnsupportedOnnxOpError('Add', '?', 'a bias add directly on the graph input');
  if (pendingActivation) throw new UnsupportedOnnxOpError(pendingActivation.op, pendingActivation.node, 'only supported directly after a Conv');
  if (stages.length === 0) throw new OnnxImportError(`${file}: no LSTM, GRU, RNN, MatMul/Gemm or Gather layers found`);
  stages.reverse();
  const config = checkModelConfig({ inputFeatures, layers: stages.map((s) => s.spec) }, { field: 'the imported model', limits }).config;
  const model = new Sequential(config);
  model.setWeights(stages.flatMap((s) => s.weights));
  return { model, outputActivation };
}

export function importOnnxFile(file: string, limits?: Partial<ModelLimits>): ImportedModel {
  return importOnnx(readBytes(file, (problem) => new OnnxImportError(`${file}: ${problem}`), MAX_ONNX_BYTES), file, limits);
}

function recurrentStage(
  node: onnx.INodeProto, type: CellType, constants: Map<string, Tensor>, file: string, returnSequences: boolean,
): { layer: LayerWithWeights; inputSize: number } {
  const nodeName = node.name || node.opType!;
  const inputs = node.input ?? [];
  const W = constants.get(inputs[1]);
  const R = constants.get(inputs[2]);
  const Bt = inputs[3] ? constants.get(inputs[3]) : undefined;
  if (!W || !R || W.dims.length !== 3) throw new UnsupportedOnnxOpError(node.opType!, nodeName, 'W and R must be constant tensors');
  if (inputs[3] && !Bt) throw new UnsupportedOnnxOpError(node.opType!, nodeName, 'B must be a constant tensor');
  if (type === 'lstm' && inputs[7] && constants.get(inputs[7])?.values.some((v) => v !== 0)) {
    throw new UnsupportedOnnxOpError(node.opType!, nodeName, 'peephole connections (input P) are not supported');
  }
  const direction = attrString(node, 'direction', 'forward');
  if (direction === 'reverse') throw new UnsupportedOnnxOpError(node.opType!, nodeName, "direction='reverse' alone is not supported");
  if (attrFloat(node, 'clip', 0) !== 0) throw new UnsupportedOnnxOpError(node.opType!, nodeName, 'cell clipping is not supported');
  if (type === 'lstm' && attrInt(node, 'input_forget', 0) !== 0) throw new UnsupportedOnnxOpError(node.opType!, nodeName, 'input_forget=1 is not supported');
  // ONNX's default 0 is the Keras/TensorFlow form (tf2onnx writes it), 1 PyTorch's.
  const linearBeforeReset = type === 'gru' ? attrInt(node, 'linear_before_reset', 0) : 1;
  if (linearBeforeReset !== 0 && linearBeforeReset !== 1) {
    throw new UnsupportedOnnxOpError(node.opType!, nodeName, `linear_before_reset=${linearBeforeReset}`);
  }
  const acts = attrStrings(node, 'activations');
  let activation: 'tanh' | 'relu' = 'tanh';
  if (type === 'rnn' && acts.length > 0) {
    if (acts.every((a) => a.toLowerCase() === 'relu')) activation = 'relu';
    else if (!acts.every((a) => a.toLowerCase() === 'tanh')) throw new UnsupportedOnnxOpError(node.opType!, nodeName, `activations ${acts.join(',')}`);
  } else if (acts.length > 0) {
    const standard = type === 'lstm' ? ['sigmoid', 'tanh', 'tanh'] : ['sigmoid', 'tanh'];
    if (!acts.every((a, i) => a.toLowerCase() === standard[i % standard.length])) {
      throw new UnsupportedOnnxOpError(node.opType!, nodeName, `non-standard activations ${acts.join(',')}`);
    }
  }
  const [D, GH, I] = W.dims;
  const H = attrInt(node, 'hidden_size', R.dims[2]);
  const G = GH / H;
  const bad = (what: string) => new OnnxImportError(`${file}: node '${nodeName}': ${what}`);
  if (!Number.isInteger(G) || G !== { rnn: 1, lstm: 4, gru: 3 }[type]) {
    throw bad(`W has ${GH} rows, not a multiple of hidden_size ${H} for ${type}`);
  }
  if (D !== (direction === 'bidirectional' ? 2 : 1)) throw bad(`W has ${D} directions but direction is '${direction}'`);
  if (R.dims.join('x') !== [D, GH, H].join('x')) throw bad(`R has shape ${R.dims.join('x')}, expected ${D}x${GH}x${H}`);
  if (Bt && Bt.values.length !== D * 2 * GH) throw bad(`B has ${Bt.values.length} values, expected ${D * 2 * GH}`);
  const order = RNNKIT_FROM_ONNX[type];
  const weights: Float32Array[] = [];
  for (let d = 0; d < D; d++) {
    const b = Bt ? Bt.values.subarray(d * 2 * GH, (d + 1) * 2 * GH) : new Float32Array(2 * GH);
    weights.push(
      permuteBlocks(W.values.subarray(d * GH * I, (d + 1) * GH * I), H, I, order),
      permuteBlocks(R.values.subarray(d * GH * H, (d + 1) * GH * H), H, H, order),
      permuteBlocks(b.subarray(0, GH), H, 1, order),
      permuteBlocks(b.subarray(GH), H, 1, order),
    );
  }
  const spec: LayerSpec = {
    type, hiddenSize: H, bidirectional: D === 2,
    ...(type === 'rnn' ? { activation } : {}),
    ...(linearBeforeReset === 0 ? { resetAfter: false } : {}),
    ...(returnSequences ? {} : { returnSequences: false }),
  };
  return { layer: { spec, weights }, inputSize: I };
}

/**
 * Whether `name` is the [time, batch, 1] mask of valid steps rnnkit's conv1d export builds (conv1d-node.ts):
 * Unsqueeze(Cast(Less(Unsqueeze(Range(0, Gather(Shape(x), 0), 1), axes [1]), Cast(sequence_lens))), axes [2]),
 * with sequence_lens a graph input. Anything else (a gate computed from the data, x < c) is not a mask.
 */
function isStepMask(name: string, producer: Map<string, onnx.INodeProto>, constants: Map<string, Tensor>, graphInputs: Set<string | null | undefined>): boolean {
  const node = (tensor: string | undefined, op: string): onnx.INodeProto | null => {
    const n = producer.get(tensor ?? '');
    return n?.opType === op ? n : null;
  };
  const scalar = (tensor: string | undefined, value: number): boolean => {
    const t = constants.get(tensor ?? '');
    return !!t && t.dims.reduce((a, b) => a * b, 1) === 1 && t.values[0] === value;
  };
  // Unsqueeze's axes: an input from opset 13, an attribute before.
  const unsqueezedAt = (n: onnx.INodeProto | null, axis: number): string | null => {
    if (!n) return null;
    const axes = n.input?.[1] ? constants.get(n.input[1])?.values : getAttr(n, 'axes')?.ints?.map(Number);
    return axes?.length === 1 && axes[0] === axis ? n.input![0] : null;
  };
  const less = node(node(unsqueezedAt(node(name, 'Unsqueeze'), 2) ?? undefined, 'Cast')?.input?.[0], 'Less');
  if (!less || less.input?.length !== 2) return false;
  const range = node(unsqueezedAt(node(less.input[0], 'Unsqueeze'), 1) ?? undefined, 'Range');
  if (!range || !scalar(range.input?.[0], 0) || !scalar(range.input?.[2], 1)) return false;
  const time = node(range.input?.[1], 'Gather');
  if (!time || attrInt(time, 'axis', 0) !== 0 || !node(time.input?.[0], 'Shape') || !scalar(time.input?.[1], 0)) return false;
  const lens = node(less.input[1], 'Cast')?.input?.[0];
  return lens === 'sequence_lens' && graphInputs.has(lens);
}

/** Whether the Mul output `name` goes through one Transpose into the Conv whose input is `convInput`. */
function feedsConv(name: string, convInput: string | null, producer: Map<string, onnx.INodeProto>): boolean {
  const transpose = producer.get(convInput ?? '');
  return transpose?.opType === 'Transpose' && transpose.input?.[0] === name;
}

/** Whether `data` is a Conv's output, after an optional Relu/Tanh, through one Transpose. */
function comesFromConv(data: string, producer: Map<string, onnx.INodeProto>): boolean {
  const transpose = producer.get(data);
  if (transpose?.opType !== 'Transpose') return false;
  let n = producer.get(transpose.input?.[0] ?? '');
  if (n && n.opType! in CONV_ACTIVATIONS) n = producer.get(n.input?.[0] ?? '');
  return n?.opType === 'Conv';
}

/** A 1-D Conv over time as a conv1d layer: weight [filters, in, kernel], stride 1, no groups, pads that keep the length. */
function convStage(node: onnx.INodeProto, constants: Map<string, Tensor>, activation: Conv1DActivation, file: string): { layer: LayerWithWeights; inputSize: number } {
  const nodeName = node.name || 'Conv';
  const inputs = node.input ?? [];
  const unsupported = (detail: string) => new UnsupportedOnnxOpError('Conv', nodeName, detail);
  const W = constants.get(inputs[1]);
  if (!W || W.dims.length !== 3) throw unsupported('only a 1-D convolution with a constant weight [filters, in, kernel] is supported');
  const [F, I, k] = W.dims;
  const bias = inputs[2] ? constants.get(inputs[2]) : { name: 'zero bias', dims: [F], values: new Float32Array(F) };
  if (!bias) throw unsupported('the bias must be a constant tensor');
  if (bias.values.length !== F) throw new OnnxImportError(`${file}: node '${nodeName}': bias has ${bias.values.length} values for ${F} filters`);
  const ints = (name: string, dflt: number[]) => getAttr(node, name)?.ints?.map(Number) ?? dflt;
  const dilations = ints('dilations', [1]);
  if (dilations.length !== 1) throw unsupported(`dilations ${dilations.join(',')}: a 1-D convolution has one dilation`);
  const [dilation] = dilations;
  if (!Number.isInteger(dilation) || dilation < 1) throw unsupported(`dilation ${dilation} must be a positive integer`);
  const kernelShape = ints('kernel_shape', [k]);
  if (kernelShape.length !== 1 || kernelShape[0] !== k) throw unsupported(`kernel_shape ${kernelShape.join(',')} does not match the weight's kernel ${k}`);
  const strides = ints('strides', [1]);
  if (strides.length !== 1 || strides[0] !== 1) throw unsupported(`strides ${strides.join(',')}: only stride 1 without groups is supported`);
  const group = attrInt(node, 'group', 1);
  if (group !== 1) throw unsupported(`group ${group}: only stride 1 without groups is supported`);
  const autoPad = attrString(node, 'auto_pad', 'NOTSET');
  const pads = ints('pads', [0, 0]);
  if (pads.length !== 2) throw unsupported(`pads ${pads.join(',')}: a 1-D convolution has two pads (start, end)`);
  // VALID (no padding) keeps the length only when the kernel spans one step.
  if (autoPad === 'VALID' && (dilation * (k - 1) !== 0 || pads.some((p) => p !== 0))) {
    throw unsupported(`auto_pad VALID with kernel ${k}, dilation ${dilation} shortens the sequence (VALID keeps the length only for kernel 1; explicit same or causal pads are supported)`);
  }
  if (autoPad !== 'NOTSET' && autoPad !== 'VALID') throw unsupported(`auto_pad ${autoPad} is not supported (explicit pads are)`);
  const [left, right] = pads;
  const span = dilation * (k - 1);
  const spec: Conv1DSpec = { type: 'conv1d', filters: F, kernelSize: k, dilation, padding: 'same', activation };
  if (left + right !== span || (left !== conv1dLeftPad(spec) && left !== conv1dLeftPad({ ...spec, padding: 'causal' }))) {
    throw unsupported(`pads ${left},${right} change the length; only 'same' (${conv1dLeftPad(spec)},${span - conv1dLeftPad(spec)}) or causal (${span},0) padding is supported`);
  }
  if (left !== conv1dLeftPad(spec)) spec.padding = 'causal';
  return { layer: { spec, weights: [W.values, bias.values] }, inputSize: I };
}

function collectConstants(graph: onnx.IGraphProto, maxElements: number): Map<string, Tensor> {
  const out = new Map<string, Tensor>();
  for (const t of graph.initializer ?? []) out.set(t.name!, decodeTensor(t, maxElements));
  for (const n of graph.node ?? []) {
    if (n.opType !== 'Constant') continue;
    const value = n.attribute?.find((a) => a.name === 'value')?.t;
    if (value) out.set(n.output![0], decodeTensor(value, maxElements));
  }
  return out;
}

const getAttr = (node: onnx.INodeProto, name: string) => node.attribute?.find((a) => a.name === name);
const attrInt = (node: onnx.INodeProto, name: string, dflt: number): number => {
  const a = getAttr(node, name);
  return a ? Number(a.i) : dflt;
};
const attrFloat = (node: onnx.INodeProto, name: string, dflt: number): number => getAttr(node, name)?.f ?? dflt;
const attrString = (node: onnx.INodeProto, name: string, dflt: string): string => {
  const a = getAttr(node, name);
  return a?.s ? new TextDecoder().decode(a.s) : dflt;
};
const attrStrings = (node: onnx.INodeProto, name: string): string[] =>
  (getAttr(node, name)?.strings ?? []).map((s) => new TextDecoder().decode(s));
