/** Carrying recurrent state from one forward call to the next (streaming evaluation, generation). */
import { ShapeError } from '../core/seq';
import type { Sequential } from '../model';

/**
 * Makes the next forward start where the last one ended. Only recurrent state carries over, so a model
 * with conv1d is refused: at the edge of each chunk the convolution would read zeros where the previous
 * chunk's steps are, and compute something other than the whole sequence gives.
 */
export function carryState(model: Sequential): void {
  if (model.layers.some((l) => l.type === 'conv1d')) {
    throw new ShapeError('carryState cannot continue a model with conv1d layers across chunks (a convolution carries no state: the chunk edges would read zeros)');
  }
  for (const layer of model.recurrentLayers()) layer.initialState = layer.finalState;
}

/** Makes the next forward start from zero states again. */
export function resetState(model: Sequential): void {
  for (const layer of model.recurrentLayers()) layer.initialState = null;
}
