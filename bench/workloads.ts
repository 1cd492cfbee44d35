/** The benchmark workloads of `npm run bench` (issue #3), shared by every implementation. */
export interface Workload {
  id: string;
  title: string;
  cell: 'lstm' | 'gru';
  input: number;
  hidden: number;
  time: number;
  batch: number;
  /** Classes of the per-step dense head (training workloads). */
  classes: number;
  mode: 'train' | 'infer';
}

/** Threads for every implementation that can use several (rnnkit's native kernel splits a batch over 2). */
export const BENCH_THREADS = 2;

export const WORKLOADS: Workload[] = [
  { id: 'W1', title: 'LSTM train step', cell: 'lstm', input: 13, hidden: 128, time: 100, batch: 32, classes: 11, mode: 'train' },
  { id: 'W2', title: 'GRU train step', cell: 'gru', input: 13, hidden: 128, time: 100, batch: 32, classes: 11, mode: 'train' },
  { id: 'W3a', title: 'LSTM inference, batch 1', cell: 'lstm', input: 13, hidden: 128, time: 100, batch: 1, classes: 11, mode: 'infer' },
  { id: 'W3b', title: 'LSTM inference, batch 32', cell: 'lstm', input: 13, hidden: 128, time: 100, batch: 32, classes: 11, mode: 'infer' },
  { id: 'W4', title: 'LSTM train step (large)', cell: 'lstm', input: 40, hidden: 256, time: 200, batch: 16, classes: 11, mode: 'train' },
];

/** FLOPs of the recurrent layer: forward 2·B·T·(I+H)·G·H, training counts forward + backward as 3x. */
export function flops(w: Workload): number {
  const gates = w.cell === 'lstm' ? 4 : 3;
  const fwd = 2 * w.batch * w.time * (w.input + w.hidden) * gates * w.hidden;
  return w.mode === 'train' ? 3 * fwd : fwd;
}

/** Deterministic pseudo-random inputs so every implementation sees the same data. */
export function workloadData(w: Workload): { x: Float32Array; labels: Int32Array } {
  const x = new Float32Array(w.batch * w.time * w.input);
  let s = 12345;
  for (let i = 0; i < x.length; i++) {
    s = (Math.imul(s, 1103515245) + 12345) >>> 0;
    x[i] = (s / 4294967296) * 2 - 1;
  }
  const labels = Int32Array.from({ length: w.batch * w.time }, (_, i) => (i * 7) % w.classes);
  return { x, labels };
}
