import type { Param } from '../core/param';
import type { Optimizer, OptimizerState } from './optimizer';

/**
 * Optimizers with PyTorch's update rules, so that hyper-parameters carry over.
 * Moment buffers are float64 regardless of model dtype.
 */
abstract class BaseOptimizer implements Optimizer {
  abstract readonly name: string;
  protected t = 0;
  /** bufferCount moment arrays per parameter, in the order of the params passed to step. */
  protected buffers: Float64Array[][] = [];
  /** Moments came from setState and no step has used them yet: they must fit the parameters, not be reset. */
  private restored = false;
  constructor(public lr: number, private readonly bufferCount: number) {
    if (!(lr > 0)) throw new RangeError(`learning rate must be positive, got ${lr}`);
  }

  step(params: Param[]): void {
    if (!this.fits(params)) {
      if (this.restored) {
        throw new Error(`${this.name}: the restored state holds moments for ${this.buffers.length} parameters (${this.buffers.map((b) => b[0].length).join(', ')} values), not for the ${params.length} given (${params.map((p) => p.value.length).join(', ')})`);
      }
      this.buffers = params.map((p) => Array.from({ length: this.bufferCount }, () => new Float64Array(p.value.length)));
    }
    this.restored = false;
    this.t++;
    params.forEach((p, i) => this.update(p, this.buffers[i]));
  }

  protected abstract update(p: Param, buffers: Float64Array[]): void;

  private fits(params: Param[]): boolean {
    return this.buffers.length === params.length && this.buffers.every((b, i) => b[0].length === params[i].value.length);
  }

  getState(): OptimizerState {
    return { step: this.t, slots: { buffers: this.buffers.flatMap((bs) => bs.map((b) => Array.from(b))) } };
  }

  peekState(): OptimizerState {
    return { step: this.t, slots: { buffers: this.buffers.flat() } };
  }

  setState(state: OptimizerState): void {
    const flat = state.slots.buffers ?? [];
    const n = this.bufferCount;
    if (flat.length % n !== 0) throw new Error(`${this.name}: ${flat.length} moment buffers in the state to restore, not a multiple of the ${n} it keeps per parameter`);
    this.t = state.step;
    this.buffers = [];
    for (let i = 0; i * n < flat.length; i++) {
      this.buffers.push(Array.from({ length: n }, (_, k) => Float64Array.from(flat[i * n + k])));
    }
    this.restored = this.buffers.length > 0;
  }
}

export interface SgdOptions {
  lr: number;
  momentum?: number;
  nesterov?: boolean;
  weightDecay?: number;
}

/** SGD with (Nesterov) momentum: v = μv + g; p -= lr·v (or lr·(g + μv)). */
export class SGD extends BaseOptimizer {
  readonly name = 'sgd';
  constructor(private readonly opts: SgdOptions) {
    super(opts.lr, 1);
  }

  protected update(p: Param, [v]: Float64Array[]): void {
    const mu = this.opts.momentum ?? 0;
    const wd = this.opts.weightDecay ?? 0;
    for (let i = 0; i < p.value.length; i++) {
      const g = p.grad[i] + wd * p.value[i];
      v[i] = mu * v[i] + g;
      p.value[i] -= this.lr * (this.opts.nesterov ? g + mu * v[i] : v[i]);
    }
  }
}

export interface AdamOptions {
  lr?: number;
  beta1?: number;
  beta2?: number;
  eps?: number;
  weightDecay?: number;
}

/** Adam with bias correction (Kingma & Ba); weightDecay is L2 added to the gradient. */
export class Adam extends BaseOptimizer {
  readonly name = 'adam';
  constructor(private readonly opts: AdamOptions = {}) {
    super(opts.lr ?? 1e-3, 2);
  }

  protected update(p: Param, [m, v]: Float64Array[]): void {
    const b1 = this.opts.beta1 ?? 0.9;
    const b2 = this.opts.beta2 ?? 0.999;
    const eps = this.opts.eps ?? 1e-8;
    const wd = this.opts.weightDecay ?? 0;
    const c1 = 1 - Math.pow(b1, this.t);
    const c2 = 1 - Math.pow(b2, this.t);
    const stepSize = this.lr / c1;
    for (let i = 0; i < p.value.length; i++) {
      const g = p.grad[i] + wd * p.value[i];
      m[i] = b1 * m[i] + (1 - b1) * g;
      v[i] = b2 * v[i] + (1 - b2) * g * g;
      p.value[i] -= (stepSize * m[i]) / (Math.sqrt(v[i] / c2) + eps);
    }
  }
}

export interface RmsPropOptions {
  lr?: number;
  alpha?: number;
  eps?: number;
  momentum?: number;
}

/** RMSProp as in PyTorch: v = αv + (1-α)g²; p -= lr·g / (sqrt(v) + eps). */
export class RMSProp extends BaseOptimizer {
  readonly name = 'rmsprop';
  constructor(private readonly opts: RmsPropOptions = {}) {
    super(opts.lr ?? 1e-2, 2);
  }

  protected update(p: Param, [v, buf]: Float64Array[]): void {
    const alpha = this.opts.alpha ?? 0.99;
    const eps = this.opts.eps ?? 1e-8;
    const mu = this.opts.momentum ?? 0;
    for (let i = 0; i < p.value.length; i++) {
      const g = p.grad[i];
      v[i] = alpha * v[i] + (1 - alpha) * g * g;
      const step = g / (Math.sqrt(v[i]) + eps);
      if (mu > 0) {
        buf[i] = mu * buf[i] + step;
        p.value[i] -= this.lr * buf[i];
      } else {
        p.value[i] -= this.lr * step;
      }
    }
  }
}

export const sgd = (o: SgdOptions): SGD => new SGD(o);
export const adam = (o: AdamOptions = {}): Adam => new Adam(o);
export const rmsprop = (o: RmsPropOptions = {}): RMSProp => new RMSProp(o);
