/** Beam-search translation with a Seq2Seq model: the model's decoder as a StepDecoder over width copies of each source. */
import { alloc, type Arr } from '../core/dtype';
import { beamSearch, type StepDecoder } from '../decode/beam-search';
import type { DecodingState, Seq2Seq, Translation } from './model';
import { BOS, EOS } from './token-vocabulary';

export interface BeamTranslateOptions {
  width?: number;
  maxLength?: number;
  /** Length normalisation exponent (see beamSearch). */
  alpha?: number;
}

/** Copies every row (of `size` values) of a, `times` times in a row. */
function repeatRows(a: Arr, size: number, times: number): Arr {
  const rows = a.length / size;
  const out = alloc(a instanceof Float64Array ? 'float64' : 'float32', a.length * times);
  for (let r = 0; r < rows; r++) for (let j = 0; j < times; j++) out.set(a.subarray(r * size, (r + 1) * size), (r * times + j) * size);
  return out;
}

function gatherRows(a: Arr, size: number, parents: Int32Array): Arr {
  const out = a.slice();
  parents.forEach((p, r) => out.set(a.subarray(p * size, (p + 1) * size), r * size));
  return out;
}

class Seq2SeqStepper implements StepDecoder {
  readonly vocabSize: number;
  private readonly d: DecodingState;
  private readonly H: number;

  constructor(private readonly model: Seq2Seq, sources: string[][], width: number) {
    const d = model.startDecoding(sources);
    const { enc } = d;
    const H = (this.H = model.decoder.spec.hiddenSize);
    this.vocabSize = model.spec.target.size;
    this.d = {
      enc: { ...enc, data: repeatRows(enc.data, enc.time * enc.features, width), batch: enc.batch * width },
      srcLengths: Int32Array.from({ length: d.srcLengths.length * width }, (_, r) => d.srcLengths[Math.floor(r / width)]),
      state: { h: repeatRows(d.state.h, H, width), c: d.state.c && repeatRows(d.state.c, H, width) },
    };
  }

  step(prev: Int32Array): { logits: Arr; attention: Arr; attentionWidth: number } {
    return { ...this.model.decodeStep(this.d, prev), attentionWidth: this.d.enc.time };
  }

  reorder(parents: Int32Array): void {
    const s = this.d.state;
    this.d.state = { h: gatherRows(s.h, this.H, parents), c: s.c && gatherRows(s.c, this.H, parents) };
  }
}

/** Beam-search translations of token sequences (width 1 gives the greedy translations). */
export function beamTranslate(model: Seq2Seq, sources: string[][], opts: BeamTranslateOptions = {}): Translation[] {
  if (sources.length === 0) return [];
  const width = opts.width ?? 5;
  const stepper = new Seq2SeqStepper(model, sources, width);
  const best = beamSearch(stepper, sources.length, { width, maxLength: opts.maxLength ?? 32, alpha: opts.alpha, startToken: BOS, endToken: EOS });
  return best.map((h, n) => ({
    tokens: model.spec.target.decode(h.tokens),
    attention: h.attention.map((row) => Array.from(row.subarray(0, Math.max(1, model.spec.source.encode(sources[n]).length)))),
  }));
}
