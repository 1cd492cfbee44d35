import type { Conv1DSpec } from '../../src/layers/conv1d';
import type { LayerSpec } from '../../src/model';

/** Conv1D specs the tests run: each padding with an odd and an even kernel span, dilation, each activation. */
export const CONV1D_SPECS: Conv1DSpec[] = [
  { type: 'conv1d', filters: 3, kernelSize: 3 },
  { type: 'conv1d', filters: 3, kernelSize: 4, activation: 'tanh' },
  { type: 'conv1d', filters: 3, kernelSize: 3, dilation: 2, activation: 'relu' },
  { type: 'conv1d', filters: 3, kernelSize: 3, padding: 'causal', activation: 'tanh' },
  { type: 'conv1d', filters: 3, kernelSize: 2, dilation: 3, padding: 'causal', activation: 'relu' },
];

export const conv1dName = (s: Conv1DSpec): string => `kernel ${s.kernelSize} dilation ${s.dilation ?? 1} ${s.padding ?? 'same'} ${s.activation ?? 'linear'}`;

/**
 * conv1d around recurrent layers, ending in a conv1d after a last-step LSTM (one step left, lengths
 * still counting the original ones): the ONNX parity and import round-trip tests run it.
 */
export const CONV_AFTER_LAST_STEP: LayerSpec[] = [
  { type: 'conv1d', filters: 6, kernelSize: 3, dilation: 3, padding: 'causal', activation: 'relu' },
  { type: 'gru', hiddenSize: 4, bidirectional: true },
  { type: 'conv1d', filters: 4, kernelSize: 3, activation: 'tanh' },
  { type: 'lstm', hiddenSize: 3, returnSequences: false },
  { type: 'conv1d', filters: 2, kernelSize: 3 },
];
