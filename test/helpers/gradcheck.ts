import type { Arr } from '../../src/core/dtype';

/**
 * Central-difference check of an analytic gradient. `f` must recompute the loss
 * from scratch using the current contents of `x`. Returns the relative error
 * ||analytic - numeric|| / (||analytic|| + ||numeric||) over the checked entries.
 */
export function gradientRelativeError(
  f: () => number,
  x: Arr,
  analytic: ArrayLike<number>,
  opts: { eps?: number; maxEntries?: number } = {},
): number {
  const eps = opts.eps ?? 1e-6;
  const n = x.length;
  const maxEntries = opts.maxEntries ?? 40;
  const stride = Math.max(1, Math.floor(n / maxEntries));
  let diff = 0;
  let na = 0;
  let nn = 0;
  for (let i = 0; i < n; i += stride) {
    const orig = x[i];
    x[i] = orig + eps;
    const lp = f();
    x[i] = orig - eps;
    const lm = f();
    x[i] = orig;
    const numeric = (lp - lm) / (2 * eps);
    diff += (numeric - analytic[i]) ** 2;
    na += analytic[i] ** 2;
    nn += numeric ** 2;
  }
  if (na === 0 && nn === 0) return 0;
  return Math.sqrt(diff) / (Math.sqrt(na) + Math.sqrt(nn));
}
