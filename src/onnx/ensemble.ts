import { onnx } from 'onnx-proto';
import type { Sequential } from '../model';
import { writeFileAtomic } from '../io/atomic-write';
import { readBytes } from '../io/read-file';
import { MAX_ONNX_BYTES } from '../limits';
import { exportOnnx, ONNX_IR_VERSION, ONNX_OPSET } from './export';
import { floatToHalf, halfToFloat } from './tensor';

export interface EnsembleExportOptions {
  /** How the weights are stored: float32 (default) or float16 (half the file; see exportEnsembleOnnx). */
  weights?: 'float32' | 'float16';
}

/** The inputs every member reads; every other name of member i is prefixed `m<i>/`. */
const SHARED = new Set(['input', 'sequence_lens', '']);
/** What marks a file as exportEnsembleOnnx's: the graph's name, and the node that joins the members' outputs (one input a member). */
const ENSEMBLE_GRAPH = 'rnnkit-ensemble';
const ENSEMBLE_CONCAT = 'ensemble_concat';

/**
 * One ONNX graph from several models that read the same input: each member runs on `input` and
 * `sequence_lens`, and `output` holds their outputs side by side on the last axis
 * ([batch, time, members × units]), so one file and one run give every member's output (an
 * ensemble decoder splits them: src/speech/ensemble-decode.ts). The members' final states and
 * initial-state inputs are left out.
 * With `weights: 'float16'` the weights are stored as float16 and cast to float32 when the session
 * starts: half the file. They must be float16 values already (roundWeightsToHalf), so that the file
 * holds the members exactly and runs as their rnnkit models do; other weights are refused.
 */
export function exportEnsembleOnnx(members: readonly Sequential[], { weights = 'float32' }: EnsembleExportOptions = {}): Uint8Array {
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
  // ONNX lists nodes in topological order: the casts of float16 weights come before the nodes reading them.
  const casts: onnx.INodeProto[] = [];
  const node: onnx.INodeProto[] = [];
  const initializer: onnx.ITensorProto[] = [];
  graphs.forEach((g, i) => {
    const r = rename(i);
    for (const n of g.node ?? []) node.push({ ...n, name: r(n.name ?? ''), input: (n.input ?? []).map(r), output: (n.output ?? []).map(r) });
    for (const t of g.initializer ?? []) {
      const name = r(t.name ?? '');
      if (weights === 'float16' && t.dataType === onnx.TensorProto.DataType.FLOAT) {
        initializer.push({ ...t, name: `${name}/float16`, dataType: onnx.TensorProto.DataType.FLOAT16, rawData: halfBytes(t.rawData!, `member ${i}: ${t.name}`) });
        casts.push({ name: `${name}/cast`, opType: 'Cast', input: [`${name}/float16`], output: [name], attribute: [{ name: 'to', type: onnx.AttributeProto.AttributeType.INT, i: onnx.TensorProto.DataType.FLOAT }] });
      } else {
        initializer.push({ ...t, name });
      }
    }
  });
  node.push({ name: ENSEMBLE_CONCAT, opType: 'Concat', input: graphs.map((_, i) => `m${i}/output`), output: ['output'], attribute: [{ name: 'axis', type: onnx.AttributeProto.AttributeType.INT, i: 2 }] });
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
    graph: { name: ENSEMBLE_GRAPH, node: [...casts, ...node], initializer, input: graphs[0].input, output: [output] },
  };
  return onnx.ModelProto.encode(model).finish();
}

/**
 * How many members an ONNX graph made by exportEnsembleOnnx runs side by side (the inputs of the
 * node joining their outputs); 0 for any other graph (a single model's).
 */
export function ensembleMemberCount(graph: onnx.IGraphProto | null | undefined): number {
  if (graph?.name !== ENSEMBLE_GRAPH) return 0;
  return graph.node?.find((n) => n.name === ENSEMBLE_CONCAT && n.opType === 'Concat')?.input?.length ?? 0;
}

/** ensembleMemberCount of an ONNX file's graph (0 when the file is a single model's). */
export function ensembleMemberCountOfFile(file: string): number {
  // Bounded as the ONNX importer bounds what it reads.
  const bytes = readBytes(file, (problem) => new Error(`${file}: ${problem}`), MAX_ONNX_BYTES);
  let proto: onnx.ModelProto;
  try {
    proto = onnx.ModelProto.decode(bytes);
  } catch (err) {
    throw new Error(`${file}: not a readable ONNX file (${(err as Error).message})`);
  }
  return ensembleMemberCount(proto.graph);
}

/** Writes the ensemble's ONNX file atomically. */
export function saveEnsembleOnnx(members: readonly Sequential[], file: string, opts: EnsembleExportOptions = {}): void {
  writeFileAtomic(file, exportEnsembleOnnx(members, opts));
}

/** Rounds every weight of the model to the nearest float16 value, in place (for exportEnsembleOnnx's float16 weights). */
export function roundWeightsToHalf(model: Sequential): void {
  // Every weight rounded and checked before any is changed: one past float16's largest value (65504) would become infinite.
  const rounded = model.params().map((p) => {
    const r = p.value.map((w) => halfToFloat(floatToHalf(w)));
    const i = r.findIndex((v, k) => !Number.isFinite(v) && Number.isFinite(p.value[k]));
    if (i >= 0) throw new Error(`${p.qualifiedName}[${i}] = ${p.value[i]} is beyond float16's range`);
    return r;
  });
  model.params().forEach((p, k) => p.value.set(rounded[k]));
}

/** Little-endian float32 bytes as float16 bytes; refused unless every value is a float16 value. */
function halfBytes(raw: Uint8Array, what: string): Uint8Array {
  const floats = new Float32Array(raw.buffer.slice(raw.byteOffset, raw.byteOffset + raw.byteLength));
  const out = new Uint16Array(floats.length);
  floats.forEach((v, k) => {
    out[k] = floatToHalf(v);
    if (halfToFloat(out[k]) !== v && !Number.isNaN(v)) throw new Error(`${what}[${k}] = ${v} is not a float16 value: round the members first (roundWeightsToHalf)`);
  });
  return new Uint8Array(out.buffer);
}
