/** Training loop and exact-match evaluation for the encoder-decoder. */
import { Rng } from '../core/rng';
import { clipGradNorm } from '../optim/clip';
import { adam } from '../optim/optimizers';
import type { Schedule } from '../optim/schedules';
import { formatDuration } from '../train/progress';
import { NonFiniteError } from '../train/errors';
import type { Seq2Seq } from './model';

export interface Pair {
  source: string[];
  target: string[];
}

export interface Seq2SeqTrainOptions {
  epochs: number;
  batchSize?: number;
  lr?: number;
  /** Learning rate per epoch (overrides lr). */
  schedule?: Schedule;
  clipNorm?: number;
  /** Held-out pairs: exact-match accuracy is reported after every epoch. */
  validation?: Pair[];
  seed?: number;
  log?: ((line: string) => void) | false;
}

export interface Seq2SeqHistory {
  loss: number[];
  validAccuracy: number[];
  seconds: number;
}

/** Fraction of pairs whose greedy translation equals the target exactly. */
export function exactMatch(model: Seq2Seq, pairs: Pair[], batchSize = 256): number {
  let right = 0;
  for (let i = 0; i < pairs.length; i += batchSize) {
    const chunk = pairs.slice(i, i + batchSize);
    const out = model.translate(chunk.map((p) => p.source), Math.max(...chunk.map((p) => p.target.length)) + 5);
    out.forEach((o, k) => {
      if (o.tokens.join(' ') === chunk[k].target.join(' ')) right++;
    });
  }
  return right / pairs.length;
}

export function trainSeq2Seq(model: Seq2Seq, pairs: Pair[], opts: Seq2SeqTrainOptions): Seq2SeqHistory {
  const B = opts.batchSize ?? 64;
  const optimizer = adam({ lr: opts.lr ?? 3e-3 });
  const rng = new Rng(opts.seed ?? 0);
  const log = opts.log === false ? null : (opts.log ?? console.log);
  const params = model.params();
  const history: Seq2SeqHistory = { loss: [], validAccuracy: [], seconds: 0 };
  const t0 = Date.now();
  const order = pairs.map((_, i) => i);
  let step = 0;
  for (let epoch = 0; epoch < opts.epochs; epoch++) {
    if (opts.schedule) optimizer.lr = opts.schedule(epoch);
    rng.shuffle(order);
    let total = 0;
    let count = 0;
    for (let i = 0; i < order.length; i += B) {
      const idx = order.slice(i, i + B);
      const batch = model.makeBatch(idx.map((k) => pairs[k].source), idx.map((k) => pairs[k].target));
      model.zeroGrad();
      const r = model.lossAndBackward(batch);
      step++;
      if (!Number.isFinite(r.loss)) throw new NonFiniteError(step, 'the loss', r.loss);
      clipGradNorm(params, opts.clipNorm ?? 1);
      optimizer.step(params);
      total += r.loss * r.count;
      count += r.count;
    }
    history.loss.push(total / count);
    const acc = opts.validation ? exactMatch(model, opts.validation) : NaN;
    history.validAccuracy.push(acc);
    const sec = (Date.now() - t0) / 1000;
    log?.(
      `epoch ${epoch + 1}/${opts.epochs}  loss ${(total / count).toFixed(4)}` +
        (opts.validation ? `  held-out exact match ${(100 * acc).toFixed(1)}%` : '') +
        `  ${formatDuration(sec)}  ETA ${formatDuration((sec / (epoch + 1)) * (opts.epochs - epoch - 1))}`,
    );
  }
  history.seconds = (Date.now() - t0) / 1000;
  return history;
}
