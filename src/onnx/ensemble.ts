import { onnx } from 'onnx-proto';
import type { Sequential } from '../model';
import { writeFileAtomic } from '../io/atomic-write';
import { exportOnnx, ONNX_IR_VERSION, ONNX_OPSET } from './export';

/** The inputs every member reads; every other name of member i is prefixed `m<i>/`. */
const SHARED = new Set(['input', 'sequence_lens', '']);

/**
 * One ONNX graph from several models that read the same input: each member runs on `input` and
 * `sequence_lens`, and `output` holds their outputs side by side on the last axis
 * ([batch, time, members × units]), so one file and one run give every member's output (an
 * ensemble decoder splits them: src/speech/ensemble-decode.ts). The members' final states and
 * initial-state inputs are left out.
 */
export function exportEnsembleOnnx(members: readonly Sequential[]): Uint8Array {
  if (members.length < 1) throw new Error('an ensemble needs at least one model');
  const [first] = members;
  members.forEach((m, i) => {
    if (m.inputFeatures !== first.inputFeatures || m.outputFeatures !== first.outputFeatures) {
      throw new Error(`ensemble member ${i} maps ${m.inputFeatures} -> ${m.outputFeatures} features, member 0 ${first.inputFeatures} -> ${first.outputFeatures}: members must read and write the same shapes`);
    }
    if (m.recurrentLayers().some((l) => !l.returnSequences)) throw new Error(`ensemble member ${i} returns one step, not a sequence`);
  });
  const graphs = members.map((m) => onnx.ModelProto.decode(exportOnnx(m, { initialStateInputs: false })).graph!);
  const rename = (i: number) => (name: string) => (SHARED.has(name) ? name : `m${i}/${name}`);
  const node: onnx.INodeProto[] = [];
  const initializer: onnx.ITensorProto[] = [];
  graphs.forEach((g, i) => {
    const r = rename(i);
    for (const n of g.node ?? []) node.push({ ...n, name: r(n.name ?? ''), input: (n.input ?? []).map(r), output: (n.output ?? []).map(r) });
    for (const t of g.initializer ?? []) initializer.push({ ...t, name: r(t.name ?? '') });
  });
  node.push({ name: 'ensemble_concat', opType: 'Concat', input: graphs.map((_, i) => `m${i}/output`), output: ['output'], attribute: [{ name: 'axis', type: onnx.AttributeProto.AttributeType.INT, i: 2 }] });
  const output: onnx.IValueInfoProto = {
    name: 'output',
    type: { tensorType: { elemType: onnx.TensorProto.DataType.FLOAT, shape: { dim: [{ dimParam: 'batch' }, { dimParam: 'time' }, { dimValue: members.length * first.outputFeatures }] } } },
  };
  const model: onnx.IModelProto = {
    irVersion: ONNX_IR_VERSION,
    producerName: 'rnnkit',
    producerVersion: '0.1.0',
    docString: `ensemble of ${members.length} models, outputs side by side:\n${members.map((m, i) => `member ${i}:\n${m.summary()}`).join('\n')}`,
    opsetImport: [{ domain: '', version: ONNX_OPSET }],
    graph: { name: 'rnnkit-ensemble', node, initializer, input: graphs[0].input, output: [output] },
  };
  return onnx.ModelProto.encode(model).finish();
}

/** Writes the ensemble's ONNX file atomically. */
export function saveEnsembleOnnx(members: readonly Sequential[], file: string): void {
  writeFileAtomic(file, exportEnsembleOnnx(members));
}
