import * as ort from 'onnxruntime-node';
import { ShapeError, type Seq } from '../core/seq';

export interface OnnxRunOptions {
  /** Valid steps per sequence (default: all). */
  lengths?: ArrayLike<number>;
  /** Initial states by graph input name (e.g. initial_h_l0), [directions, batch, hidden]; zeros when omitted. */
  initialStates?: Record<string, Float32Array>;
}

export interface OnnxRunResult {
  output: Seq & { data: Float32Array };
  /** Final states by graph output name (h_n_l<k>, c_n_l<k>). */
  states: Record<string, Float32Array>;
}

/**
 * Runs an ONNX model exported by rnnkit with onnxruntime-node. Fills in the inputs the
 * caller leaves out (full sequence lengths, zero initial states).
 */
export class OnnxModel {
  private constructor(private readonly session: ort.InferenceSession) {}

  static async load(source: string | Uint8Array, options: ort.InferenceSession.SessionOptions = {}): Promise<OnnxModel> {
    // Two calls because the overloads differ in the type of the first argument.
    const session = typeof source === 'string'
      ? await ort.InferenceSession.create(source, options)
      : await ort.InferenceSession.create(source, options);
    return new OnnxModel(session);
  }

  get inputNames(): readonly string[] {
    return this.session.inputNames;
  }

  get outputNames(): readonly string[] {
    return this.session.outputNames;
  }

  /** Features per step of the float input ([batch, time, features]); undefined when the model does not fix it or takes token ids. */
  get inputFeatures(): number | undefined {
    const meta = this.inputMetadata().find((m) => m.name === 'input');
    const features = meta?.type === 'int64' ? undefined : meta?.shape?.[2];
    return typeof features === 'number' ? features : undefined;
  }

  private inputMetadata(): { name: string; type?: string; shape?: (number | string)[] }[] {
    return this.session.inputMetadata as unknown as { name: string; type?: string; shape?: (number | string)[] }[];
  }

  /** x: [batch, time, features] floats, or token ids (features 1) for embedding models. */
  async run(x: Seq, opts: OnnxRunOptions = {}): Promise<OnnxRunResult> {
    const { batch: B, time: T } = x;
    const feeds: Record<string, ort.Tensor> = {};
    const inputMeta = this.inputMetadata();
    const idsInput = inputMeta.find((m) => m.name === 'input')?.type === 'int64';
    feeds.input = idsInput
      ? new ort.Tensor('int64', BigInt64Array.from(Array.from(x.data, (v) => BigInt(v))), [B, T])
      : new ort.Tensor('float32', Float32Array.from(x.data), [B, T, x.features]);
    const lengths = Int32Array.from(opts.lengths ?? new Array(B).fill(T));
    if (lengths.length !== B) throw new ShapeError(`lengths has ${lengths.length} entries for a batch of ${B}`);
    feeds.sequence_lens = new ort.Tensor('int32', lengths, [B]);
    for (const meta of inputMeta) {
      if (!meta.name.startsWith('initial_')) continue;
      const [D, , H] = meta.shape as [number, string, number];
      const given = opts.initialStates?.[meta.name];
      if (given && given.length !== D * B * H) throw new ShapeError(`${meta.name} needs ${D}x${B}x${H} values, got ${given.length}`);
      feeds[meta.name] = new ort.Tensor('float32', given ?? new Float32Array(D * B * H), [D, B, H]);
    }
    const out = await this.session.run(feeds);
    const y = out.output;
    const [, Ty, F] = y.dims as number[];
    const states: Record<string, Float32Array> = {};
    for (const name of this.session.outputNames) if (name !== 'output') states[name] = out[name].data as Float32Array;
    return { output: { data: y.data as Float32Array, batch: B, time: Ty, features: F }, states };
  }

  async release(): Promise<void> {
    await this.session.release();
  }
}
