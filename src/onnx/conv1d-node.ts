import { onnx } from 'onnx-proto';
import { conv1dLeftPad, conv1dWithDefaults, type Conv1D } from '../layers/conv1d';
import type { GraphBuilder } from './graph-builder';

const DT = onnx.TensorProto.DataType;
const ACTIVATION_OP = { relu: 'Relu', tanh: 'Tanh' } as const;

/**
 * A Conv1D layer on the time-major activations x [time, batch, in]: steps at or beyond each
 * sequence's length are zeroed before the Conv (the engine reads them as zeros) and after it
 * (the engine outputs zeros there); Conv wants [batch, channels, time], hence the transposes.
 * Returns the output [time, batch, filters].
 */
export function conv1dNode(g: GraphBuilder, layer: Conv1D, k: number, x: string, seqLens: string): string {
  const { spec } = layer;
  const { dilation, activation } = conv1dWithDefaults(spec);
  const mask = validStepMask(g, x, seqLens);
  const [masked] = g.node('Mul', [x, mask], 1);
  const [channelsFirst] = g.node('Transpose', [masked], 1, { perm: [1, 2, 0] });
  const W = g.floatTensor(`l${k}.weight`, layer.weight.shape, layer.weight.value);
  const B = g.floatTensor(`l${k}.bias`, layer.bias.shape, layer.bias.value);
  const left = conv1dLeftPad(spec);
  let [y] = g.node('Conv', [channelsFirst, W, B], 1, {
    kernel_shape: [spec.kernelSize],
    dilations: [dilation],
    strides: [1],
    pads: [left, dilation * (spec.kernelSize - 1) - left],
  });
  if (activation !== 'linear') [y] = g.node(ACTIVATION_OP[activation], [y], 1);
  const [timeMajor] = g.node('Transpose', [y], 1, { perm: [2, 0, 1] });
  return g.node('Mul', [timeMajor, mask], 1)[0];
}

/** [time, batch, 1] float: 1 where step t < sequence_lens[b], else 0; time taken from x's shape. */
function validStepMask(g: GraphBuilder, x: string, seqLens: string): string {
  const [shape] = g.node('Shape', [x], 1);
  const zero = g.int64Tensor(g.fresh('zero'), [0], []);
  const [time] = g.node('Gather', [shape, zero], 1, { axis: 0 });
  const [steps] = g.node('Range', [zero, time, g.int64Tensor(g.fresh('one'), [1], [])], 1);
  const [column] = g.node('Unsqueeze', [steps, g.int64Tensor(g.fresh('axes'), [1])], 1);
  const [lens] = g.node('Cast', [seqLens], 1, { to: DT.INT64 });
  const [valid] = g.node('Less', [column, lens], 1);
  const [validFloat] = g.node('Cast', [valid], 1, { to: DT.FLOAT });
  return g.node('Unsqueeze', [validFloat, g.int64Tensor(g.fresh('axes'), [2])], 1)[0];
}
