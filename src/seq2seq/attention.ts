/** Luong's "general" attention, kept under its former name: the math is src/layers/attention.ts. */
import type { DType } from '../core/dtype';
import type { Rng } from '../core/rng';
import { Attention } from '../layers/attention';

export class LuongAttention extends Attention {
  constructor(queryFeatures: number, valueFeatures: number, dtype: DType, rng: Rng) {
    super({ score: 'general', queryFeatures, keyFeatures: valueFeatures }, dtype, rng);
  }

  get weight() {
    return this.weights[0];
  }
}
