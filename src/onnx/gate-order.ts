import type { CellType } from '../layers/cells';

/**
 * Gate block orders. rnnkit (like PyTorch) stores LSTM gates as i,f,g,o and GRU gates
 * as r,z,n; ONNX wants LSTM i,o,f,c and GRU z,r,h. Entry k names the rnnkit block that
 * goes to ONNX block k.
 */
export const ONNX_FROM_RNNKIT: Record<CellType, number[]> = {
  rnn: [0],
  lstm: [0, 3, 1, 2],
  gru: [1, 0, 2],
};

/** Inverse permutation: entry k names the ONNX block that becomes rnnkit block k. */
export const RNNKIT_FROM_ONNX: Record<CellType, number[]> = {
  rnn: [0],
  lstm: [0, 2, 3, 1],
  gru: [1, 0, 2],
};

/** Reorders gate blocks of `rows` rows each (each row `cols` wide) by `order`. */
export function permuteBlocks(src: ArrayLike<number>, rows: number, cols: number, order: number[]): Float32Array {
  const block = rows * cols;
  const out = new Float32Array(order.length * block);
  order.forEach((from, to) => {
    for (let i = 0; i < block; i++) out[to * block + i] = src[from * block + i];
  });
  return out;
}

export const ONNX_OP: Record<CellType, string> = { rnn: 'RNN', lstm: 'LSTM', gru: 'GRU' };
