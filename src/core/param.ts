import { alloc, type Arr, type DType } from './dtype';
import { ShapeError } from './seq';

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

/** A parameter another layer shares (weight tying), checked to have the shape this layer needs. */
export function checkedShared(layer: string, p: Param, shape: number[]): Param {
  if (p.shape.join('x') !== shape.join('x')) throw new ShapeError(`${layer}: the shared weight is ${p.shape.join('x')}, this layer needs ${shape.join('x')}`);
  return p;
}
