import { alloc, type Arr, type DType } from './dtype';

/** A trainable tensor and its gradient accumulator. Shapes follow PyTorch's layouts. */
export interface Param {
  name: string;
  shape: number[];
  value: Arr;
  grad: Arr;
}

export function makeParam(name: string, shape: number[], dtype: DType): Param {
  const n = shape.reduce((a, b) => a * b, 1);
  return { name, shape, value: alloc(dtype, n), grad: alloc(dtype, n) };
}

export function zeroGrads(params: Param[]): void {
  for (const p of params) p.grad.fill(0);
}
