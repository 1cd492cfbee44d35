import type { Param } from '../core/param';

/** Global L2 norm of all gradients. */
export function gradNorm(params: Param[]): number {
  let sq = 0;
  for (const p of params) for (let i = 0; i < p.grad.length; i++) sq += p.grad[i] * p.grad[i];
  return Math.sqrt(sq);
}

/** Rescales all gradients so their global norm is at most maxNorm; returns the norm before clipping. */
export function clipGradNorm(params: Param[], maxNorm: number): number {
  const norm = gradNorm(params);
  if (norm > maxNorm && Number.isFinite(norm)) {
    const s = maxNorm / (norm + 1e-6);
    for (const p of params) for (let i = 0; i < p.grad.length; i++) p.grad[i] *= s;
  }
  return norm;
}

/** Clamps every gradient entry to [-limit, limit]. */
export function clipGradValue(params: Param[], limit: number): void {
  for (const p of params) {
    for (let i = 0; i < p.grad.length; i++) {
      const g = p.grad[i];
      if (g > limit) p.grad[i] = limit;
      else if (g < -limit) p.grad[i] = -limit;
    }
  }
}
