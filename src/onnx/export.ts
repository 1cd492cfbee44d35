import { Conv1D } from '../layers/conv1d';
import { Dense } from '../layers/dense';
import { Dropout } from '../layers/dropout';
import { Embedding } from '../layers/embedding';
import { Recurrent, recurrentWithDefaults } from '../layers/recurrent';
import type { Sequential } from '../model';
import { writeFileAtomic } from '../io/atomic-write';
import { concatFloat32 } from '../core/dtype';
import { transposed } from '../core/gemm';
import { GraphBuilder, type Dim } from './graph-builder';
import { ONNX_FROM_RNNKIT, ONNX_OP, permuteBlocks } from './gate-order';
import { conv1dNode } from './conv1d-node';

export const ONNX_OPSET = 17;
export const ONNX_IR_VERSION = 8;

export interface OnnxExportOptions {
  /** Append Softmax or LogSoftmax over the last axis (default: raw outputs, as the engine). */
  outputActivation?: 'none' | 'softmax' | 'log_softmax';
  /** Add initial_h_l<k> (and initial_c_l<k>) graph inputs for every recurrent layer (default true). */
  initialStateInputs?: boolean;
}

/**
 * Translates a Sequential into an ONNX graph of standard ops (opset 17):
 * inputs `input` [batch, time, features] (int64 ids [batch, time] for embedding models),
 * `sequence_lens` int32 [batch], optional initial states [directions, batch, hidden];
 * outputs `output` [batch, time, units] and the final states `h_n_l<k>`, `c_n_l<k>`.
 * Inside, activations are time-major ([time, batch, features], ONNX layout 0). Conv1D layers become
 * Conv between transposes, with the steps past each sequence's length zeroed (src/onnx/conv1d-node.ts).
 */
export function exportOnnx(model: Sequential, opts: OnnxExportOptions = {}): Uint8Array {
  const g = new GraphBuilder();
  const withStates = opts.initialStateInputs ?? true;
  const seqLens = g.input('sequence_lens', 'int32', ['batch']);
  // The main output is declared first; a layer returning only its final state makes time 1.
  const timeDim: Dim = model.recurrentLayers().some((l) => !l.returnSequences) ? 1 : 'time';
  g.output('output', 'float', ['batch', timeDim, model.outputFeatures]);
  let x: string;
  const first = model.layers[0];
  if (first instanceof Embedding) {
    const ids = g.input('input', 'int64', ['batch', 'time']);
    const table = g.floatTensor('embedding.weight', first.weight.shape, first.weight.value);
    const [emb] = g.node('Gather', [table, ids], 1, { axis: 0 });
    [x] = g.node('Transpose', [emb], 1, { perm: [1, 0, 2] });
  } else {
    const input = g.input('input', 'float', ['batch', 'time', model.inputFeatures]);
    [x] = g.node('Transpose', [input], 1, { perm: [1, 0, 2] });
  }

  model.layers.forEach((layer, k) => {
    if (layer instanceof Embedding && k === 0) return;
    if (layer instanceof Dropout) return; // identity at inference
    if (layer instanceof Dense) {
      const wt = transposed(layer.weight.value, layer.outputFeatures, layer.inputFeatures);
      const w = g.floatTensor(`l${k}.weight_t`, [layer.inputFeatures, layer.outputFeatures], wt);
      const b = g.floatTensor(`l${k}.bias`, [layer.outputFeatures], layer.bias.value);
      const [mm] = g.node('MatMul', [x, w], 1);
      [x] = g.node('Add', [mm, b], 1);
      return;
    }
    if (layer instanceof Recurrent) {
      x = recurrentNode(g, layer, k, x, seqLens, withStates);
      return;
    }
    if (layer instanceof Conv1D) {
      x = conv1dNode(g, layer, k, x, seqLens);
      return;
    }
    throw new Error(`ONNX export: layer ${k} of type '${layer.type}' has no ONNX translation`);
  });

  const act = opts.outputActivation ?? 'none';
  if (act !== 'none') [x] = g.node(act === 'softmax' ? 'Softmax' : 'LogSoftmax', [x], 1, { axis: -1 });
  g.node('Transpose', [x], 1, { perm: [1, 0, 2] }, ['output']);
  return g.model('rnnkit', ONNX_OPSET, ONNX_IR_VERSION, model.summary());
}

function recurrentNode(g: GraphBuilder, layer: Recurrent, k: number, x: string, seqLens: string, withStates: boolean): string {
  const dirs = layer.directions;
  const D = dirs.length;
  const H = layer.spec.hiddenSize;
  const I = layer.inputFeatures;
  const G = dirs[0].cell.gates;
  const order = ONNX_FROM_RNNKIT[layer.type];
  const W = g.floatTensor(`l${k}.W`, [D, G * H, I], concatFloat32(dirs.map((d) => permuteBlocks(d.wIh.value, H, I, order))));
  const R = g.floatTensor(`l${k}.R`, [D, G * H, H], concatFloat32(dirs.map((d) => permuteBlocks(d.wHh.value, H, H, order))));
  const B = g.floatTensor(
    `l${k}.B`, [D, 2 * G * H],
    concatFloat32(dirs.flatMap((d) => [permuteBlocks(d.bIh.value, H, 1, order), permuteBlocks(d.bHh.value, H, 1, order)])),
  );
  const isLstm = layer.type === 'lstm';
  const stateDims: Dim[] = [D, 'batch', H];
  const h0 = withStates ? g.input(`initial_h_l${k}`, 'float', stateDims) : '';
  const c0 = withStates && isLstm ? g.input(`initial_c_l${k}`, 'float', stateDims) : '';
  const attrs: Record<string, number | string | string[]> = {
    hidden_size: H,
    direction: D === 2 ? 'bidirectional' : 'forward',
    layout: 0,
  };
  const settings = recurrentWithDefaults(layer.spec);
  if (layer.type === 'gru') attrs.linear_before_reset = settings.resetAfter ? 1 : 0;
  if (layer.type === 'rnn') attrs.activations = Array(D).fill(settings.activation === 'relu' ? 'Relu' : 'Tanh');
  const inputs = [x, W, R, B, seqLens, h0, ...(isLstm ? [c0] : [])];
  const y = g.fresh(`l${k}_Y`);
  const outputs = [y, `h_n_l${k}`, ...(isLstm ? [`c_n_l${k}`] : [])];
  g.node(ONNX_OP[layer.type], inputs, outputs.length, attrs, outputs);
  g.output(`h_n_l${k}`, 'float', stateDims);
  if (isLstm) g.output(`c_n_l${k}`, 'float', stateDims);

  if (layer.returnSequences) {
    // Y is [time, D, batch, H] -> [time, batch, D*H]
    const [t] = g.node('Transpose', [y], 1, { perm: [0, 2, 1, 3] });
    return g.node('Reshape', [t, g.int64Tensor(g.fresh('shape'), [0, 0, D * H])], 1)[0];
  }
  // Final state Y_h [D, batch, H] -> [1, batch, D*H] (a one-step sequence)
  const [t] = g.node('Transpose', [`h_n_l${k}`], 1, { perm: [1, 0, 2] });
  return g.node('Reshape', [t, g.int64Tensor(g.fresh('shape'), [1, -1, D * H])], 1)[0];
}

/** Writes the ONNX file atomically. */
export function saveOnnx(model: Sequential, file: string, opts: OnnxExportOptions = {}): void {
  writeFileAtomic(file, exportOnnx(model, opts));
}
