/** Carrying recurrent state from one forward call to the next (streaming evaluation, generation). */
import type { Sequential } from '../model';

/** Makes the next forward start where the last one ended. */
export function carryState(model: Sequential): void {
  for (const layer of model.recurrentLayers()) layer.initialState = layer.finalState;
}

/** Makes the next forward start from zero states again. */
export function resetState(model: Sequential): void {
  for (const layer of model.recurrentLayers()) layer.initialState = null;
}
