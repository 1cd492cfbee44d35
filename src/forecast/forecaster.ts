/** A recurrent direct multi-step forecaster: one LSTM/GRU pass over a window, a dense head emits the whole horizon. */
import type { CellType } from '../layers/cells';
import { mse } from '../losses/mse';
import { Sequential } from '../model';
import { adam } from '../optim/optimizers';
import { ShapeError } from '../core/seq';
import { fit } from '../train/fit';
import type { History } from '../train/fit-state';
import { anchoredScale, checkWindowSpec, featuresPerStep, makeWindows, windowInputs, type WindowSpec } from './windows';

export interface ForecasterSpec extends WindowSpec {
  cell?: CellType;
  hiddenSize?: number;
  seed?: number;
}

export interface ForecasterFitOptions {
  epochs: number;
  batchSize?: number;
  lr?: number;
  /** Clip the global gradient norm (default 1). */
  clipNorm?: number;
  log?: ((line: string) => void) | false;
}

export class WindowForecaster {
  readonly model: Sequential;
  /** Set by fit: the unit of the anchored values, from the training series only. */
  scale = 1;

  constructor(readonly spec: ForecasterSpec) {
    checkWindowSpec(spec);
    this.model = new Sequential({
      inputFeatures: featuresPerStep(spec),
      seed: spec.seed ?? 0,
      layers: [
        { type: spec.cell ?? 'lstm', hiddenSize: spec.hiddenSize ?? 32, returnSequences: false, unitForgetBias: true },
        { type: 'dense', units: spec.horizon },
      ],
    });
  }

  fit(train: ArrayLike<number>, opts: ForecasterFitOptions): History {
    this.scale = anchoredScale(train, this.spec);
    const data = makeWindows(train, this.spec, this.scale);
    return fit(this.model, data, {
      loss: mse(),
      optimizer: adam({ lr: opts.lr ?? 3e-3 }),
      epochs: opts.epochs,
      batchSize: opts.batchSize ?? 32,
      clipNorm: opts.clipNorm ?? 1,
      log: opts.log,
    });
  }

  /** Forecasts the `horizon` values that follow `history` (uses its last `inputLength` values). */
  forecast(history: ArrayLike<number>): Float64Array {
    const { inputLength: L, horizon: H } = this.spec;
    if (history.length < L) throw new ShapeError(`forecast needs at least ${L} past values, got ${history.length}`);
    const F = featuresPerStep(this.spec);
    const x = new Float32Array(L * F);
    windowInputs(history, history.length, this.spec, this.scale, x, 0);
    const y = this.model.predict({ data: x, batch: 1, time: L, features: F }).data;
    const anchor = history[history.length - 1];
    return Float64Array.from({ length: H }, (_, h) => anchor + y[h] * this.scale);
  }
}
