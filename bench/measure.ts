/** How long one measurement may run: at most `steps` timed steps, or fewer once `maxSeconds` of them have passed. */
export interface MeasureOptions {
  steps: number;
  maxSeconds: number;
}

/** Timed steps kept even when the time cap is reached, so a median means something. */
export const MIN_STEPS = 3;
/** Untimed warm-up steps (JIT, allocation, thread pools); fewer for a step slower than the cap allows. */
const WARMUP_STEPS = 3;

/**
 * Runs `step` a few times untimed, then times it: `steps` times, or fewer (at least MIN_STEPS) once
 * the timed steps have taken `maxSeconds`. Returns the times in ms. Each implementation of the bench
 * goes through this one loop (PyTorch's bench/torch_bench.py mirrors it).
 */
export async function measureSteps(step: () => unknown, { steps, maxSeconds }: MeasureOptions): Promise<number[]> {
  const budgetMs = maxSeconds * 1000;
  let warm = 0;
  for (let i = 0; i < WARMUP_STEPS && warm < budgetMs / 4; i++) warm += await timed(step);
  const times: number[] = [];
  let spent = 0;
  while (times.length < steps && (times.length < MIN_STEPS || spent < budgetMs)) {
    const ms = await timed(step);
    times.push(ms);
    spent += ms;
  }
  return times;
}

async function timed(step: () => unknown): Promise<number> {
  const t0 = process.hrtime.bigint();
  const r = step();
  if (r instanceof Promise) await r; // synchronous steps pay no await
  return Number(process.hrtime.bigint() - t0) / 1e6;
}
