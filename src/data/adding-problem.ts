import { Rng } from '../core/rng';
import type { Dataset } from '../train/dataset';

/**
 * The adding problem (Hochreiter & Schmidhuber 1997): each step carries a random value
 * in [0,1) and a marker; exactly two steps are marked (one in each half of the
 * sequence) and the target is the sum of their values. Predicting the constant 1 gives
 * MSE ≈ 0.167 (variance of the sum of two U(0,1)), the baseline a model must beat.
 */
export function addingProblem(n: number, time: number, seed: number): Dataset {
  const rng = new Rng(seed);
  const x = new Float32Array(n * time * 2);
  const y = new Float32Array(n);
  const half = Math.floor(time / 2);
  for (let i = 0; i < n; i++) {
    for (let t = 0; t < time; t++) x[(i * time + t) * 2] = rng.next();
    const a = rng.int(half);
    const b = half + rng.int(time - half);
    x[(i * time + a) * 2 + 1] = 1;
    x[(i * time + b) * 2 + 1] = 1;
    y[i] = x[(i * time + a) * 2] + x[(i * time + b) * 2];
  }
  return { x: { data: x, batch: n, time, features: 2 }, y: { data: y, batch: n, time: 1, features: 1 } };
}
