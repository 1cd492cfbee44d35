import { fromArray, type Arr, type DType } from './core/dtype';
import { zeroGrads, type Param } from './core/param';
import { Rng } from './core/rng';
import { firstDifference } from './io/json-diff';
import { resolveLengths, ShapeError, type Seq } from './core/seq';
import { Conv1D, conv1dNotes, conv1dWithDefaults, type Conv1DSpec } from './layers/conv1d';
import { Dense, type DenseSpec } from './layers/dense';
import { Dropout, type DropoutSpec } from './layers/dropout';
import { Embedding, type EmbeddingSpec } from './layers/embedding';
import type { Layer } from './layers/layer';
import { Recurrent, recurrentWithDefaults, type RecurrentSpec } from './layers/recurrent';

export type LayerSpec = RecurrentSpec | DenseSpec | EmbeddingSpec | DropoutSpec | Conv1DSpec;

export interface ModelConfig {
  /** Features per input step (1 when the first layer is an embedding of token ids). */
  inputFeatures: number;
  layers: LayerSpec[];
  /** Seed for weight init, dropout masks and shuffling. Same seed, same bits. */
  seed?: number;
  dtype?: DType;
}

/**
 * Where two configs first differ in what their weights compute (inputs and layers, settings such as a GRU's
 * resetAfter included; not the seed nor the dtype), as `config.layers[0].hiddenSize is 7 against 4`; null if nowhere.
 * A setting left out equals its default given explicitly (a GRU's resetAfter: true, a conv1d's padding: 'same').
 */
export function architectureDifference(a: ModelConfig, b: ModelConfig): string | null {
  const resolved = (c: ModelConfig) => ({ inputFeatures: c.inputFeatures, layers: c.layers.map(withDefaults) });
  const d = firstDifference(resolved(a), resolved(b), 'config');
  return d && `${d.path} is ${JSON.stringify(d.a) ?? '(not set)'} against ${JSON.stringify(d.b) ?? '(not set)'}`;
}

/** A layer spec with its layer type's defaults filled in. */
function withDefaults(spec: LayerSpec): LayerSpec {
  if (spec.type === 'conv1d') return conv1dWithDefaults(spec);
  if (spec.type === 'rnn' || spec.type === 'lstm' || spec.type === 'gru') return recurrentWithDefaults(spec);
  return spec;
}

export interface RunOptions {
  lengths?: ArrayLike<number>;
  training?: boolean;
  /** No backward will follow (see predict): faster kernels, no activation caches. */
  inference?: boolean;
}

export interface NamedParam extends Param {
  /** `<layer index>.<param name>`, e.g. `0.weight_ih_reverse`. */
  qualifiedName: string;
}

/** A stack of layers applied in order; the unit that is trained, saved and exported. */
export class Sequential {
  readonly config: Required<ModelConfig>;
  readonly layers: Layer[];
  readonly dtype: DType;
  /** Drives dropout masks and shuffling; state is part of a checkpoint. */
  readonly rng: Rng;
  private lastLengths: Int32Array = new Int32Array(0);

  constructor(config: ModelConfig) {
    const dtype = config.dtype ?? 'float32';
    const seed = config.seed ?? 0;
    this.config = { inputFeatures: config.inputFeatures, layers: config.layers.map((l) => ({ ...l })), seed, dtype };
    this.dtype = dtype;
    if (!Number.isInteger(config.inputFeatures) || config.inputFeatures <= 0) {
      throw new ShapeError(`inputFeatures must be a positive integer, got ${config.inputFeatures}`);
    }
    if (config.layers.length === 0) throw new ShapeError('a model needs at least one layer');
    const initRng = new Rng(seed);
    this.rng = new Rng(seed ^ 0x5bd1e995);
    let features = config.inputFeatures;
    this.layers = config.layers.map((spec, i) => {
      const layer = buildLayer(spec, features, dtype, initRng, i);
      features = layer.outputFeatures;
      return layer;
    });
  }

  get inputFeatures(): number {
    return this.config.inputFeatures;
  }

  get outputFeatures(): number {
    return this.layers[this.layers.length - 1].outputFeatures;
  }

  params(): NamedParam[] {
    return this.layers.flatMap((l, i) => l.params().map((p) => Object.assign(p, { qualifiedName: `${i}.${p.name}` })));
  }

  parameterCount(): number {
    return this.params().reduce((n, p) => n + p.value.length, 0);
  }

  zeroGrad(): void {
    zeroGrads(this.params());
  }

  recurrentLayers(): Recurrent[] {
    return this.layers.filter((l): l is Recurrent => l instanceof Recurrent);
  }

  /** Forward pass over [batch, time, features]; caches activations for backward. */
  forward(x: Seq, opts: RunOptions = {}): Seq {
    if (x.features !== this.inputFeatures) {
      throw new ShapeError(`model expects ${this.inputFeatures} features per step, input has ${x.features}`);
    }
    const lengths = resolveLengths(opts.lengths, x.batch, x.time);
    this.lastLengths = lengths;
    const fo = { lengths, training: opts.training ?? false, inference: opts.inference ?? false, rng: this.rng };
    let h = x.data instanceof (this.dtype === 'float64' ? Float64Array : Float32Array) ? x : { ...x, data: fromArray(this.dtype, x.data) };
    for (const layer of this.layers) h = layer.forward(h, fo);
    return h;
  }

  /** Backpropagates dL/doutput through every layer, accumulating parameter gradients. */
  backward(dy: Seq): Seq | null {
    let g: Seq | null = dy;
    for (let i = this.layers.length - 1; i >= 0 && g; i--) g = this.layers[i].backward(g);
    return g;
  }

  /**
   * Inference: a forward pass without dropout that keeps no activations for backward (and
   * runs on the native kernel when it is built).
   */
  predict(x: Seq, lengths?: ArrayLike<number>): Seq {
    return this.forward(x, { lengths, training: false, inference: true });
  }

  lengthsOfLastForward(): Int32Array {
    return this.lastLengths;
  }

  /** Copies values (not gradients) into this model's parameters, by position. */
  setWeights(values: Arr[]): void {
    const ps = this.params();
    if (values.length !== ps.length) throw new ShapeError(`expected ${ps.length} weight arrays, got ${values.length}`);
    ps.forEach((p, i) => {
      if (values[i].length !== p.value.length) {
        throw new ShapeError(`${p.qualifiedName}: expected ${p.value.length} values (shape ${p.shape.join('x')}), got ${values[i].length}`);
      }
      p.value.set(values[i]);
    });
  }

  getWeights(): Arr[] {
    return this.params().map((p) => p.value.slice());
  }

  summary(): string {
    const labels = this.layers.map((l, i) => {
      const spec = withDefaults(this.config.layers[i]);
      const notes = [
        'bidirectional' in spec && spec.bidirectional && 'bidirectional',
        spec.type === 'gru' && spec.resetAfter === false && 'reset before',
        spec.type === 'conv1d' && conv1dNotes(spec),
      ];
      const extra = notes.some(Boolean) ? ` (${notes.filter(Boolean).join(', ')})` : '';
      return `${String(i).padStart(2)}  ${l.type}${extra} `;
    });
    // The shapes column starts at 32, or right after the longest label (a conv1d's notes; labels end in a space).
    const width = Math.max(32, ...labels.map((s) => s.length));
    const rows = this.layers.map((l, i) => {
      const n = l.params().reduce((s, p) => s + p.value.length, 0);
      return labels[i].padEnd(width) + `${l.inputFeatures} -> ${l.outputFeatures}`.padEnd(16) + `${n} params`;
    });
    return [...rows, `total ${this.parameterCount()} params, ${this.dtype}`].join('\n');
  }
}

function buildLayer(spec: LayerSpec, inputFeatures: number, dtype: DType, rng: Rng, index: number): Layer {
  switch (spec.type) {
    case 'rnn':
    case 'lstm':
    case 'gru':
      return new Recurrent(spec, inputFeatures, dtype, rng);
    case 'dense':
      return new Dense(spec, inputFeatures, dtype, rng);
    case 'embedding':
      if (index !== 0) throw new ShapeError('an embedding layer must come first');
      return new Embedding(spec, inputFeatures, dtype, rng);
    case 'dropout':
      return new Dropout(spec, inputFeatures, dtype);
    case 'conv1d':
      return new Conv1D(spec, inputFeatures, dtype, rng);
    default:
      throw new ShapeError(`unknown layer type '${(spec as { type: string }).type}' (expected rnn, lstm, gru, dense, embedding, dropout or conv1d)`);
  }
}
