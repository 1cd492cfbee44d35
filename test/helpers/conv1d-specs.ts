import type { Conv1DSpec } from '../../src/layers/conv1d';

/** Conv1D specs the tests run: each padding with an odd and an even kernel span, dilation, each activation. */
export const CONV1D_SPECS: Conv1DSpec[] = [
  { type: 'conv1d', filters: 3, kernelSize: 3 },
  { type: 'conv1d', filters: 3, kernelSize: 4, activation: 'tanh' },
  { type: 'conv1d', filters: 3, kernelSize: 3, dilation: 2, activation: 'relu' },
  { type: 'conv1d', filters: 3, kernelSize: 3, padding: 'causal', activation: 'tanh' },
  { type: 'conv1d', filters: 3, kernelSize: 2, dilation: 3, padding: 'causal', activation: 'relu' },
];

export const conv1dName = (s: Conv1DSpec): string => `kernel ${s.kernelSize} dilation ${s.dilation ?? 1} ${s.padding ?? 'same'} ${s.activation ?? 'linear'}`;
