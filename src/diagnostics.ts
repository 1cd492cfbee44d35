import type { Loss, Target } from './losses/loss';
import type { Sequential } from './model';
import type { Seq } from './core/seq';
import { Recurrent } from './layers/recurrent';

export interface GradientNormReport {
  /** Loss on the batch. */
  loss: number;
  /**
   * For each recurrent layer (in model order) and each direction: ||dL/dh_t|| per time
   * step t, the norm taken over the batch. Decay towards early steps = vanishing gradients;
   * growth = exploding ones.
   */
  layers: { layer: number; type: string; directions: number[][] }[];
}

/**
 * Runs forward and backward on one batch without updating weights and reports how the
 * gradient reaching each hidden state depends on the time step.
 */
export function gradientNormsPerStep(model: Sequential, x: Seq, y: Target, loss: Loss, lengths?: ArrayLike<number>): GradientNormReport {
  model.zeroGrad();
  const out = model.forward(x, { lengths, training: false });
  const r = loss.compute(out, y, model.lengthsOfLastForward());
  model.backward(r.grad);
  model.zeroGrad();
  const layers = model.layers.flatMap((l, i) =>
    l instanceof Recurrent ? [{ layer: i, type: l.type, directions: l.gradNorms().map((a) => Array.from(a)) }] : [],
  );
  return { loss: r.loss, layers };
}
