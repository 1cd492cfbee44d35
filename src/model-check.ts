import { array, boolean, FieldError, integer, number, object, oneOf, positiveInteger } from './io/field-checks';
import { DEFAULT_MODEL_LIMITS, MODEL_LIMIT_OPTIONS, type ModelLimits } from './limits';
import type { ModelConfig } from './model';
import { CONV1D_ACTIVATIONS, CONV1D_PADDINGS } from './layers/conv1d';

const GATES = { rnn: 1, lstm: 4, gru: 3 } as const;
const LAYER_TYPES = ['rnn', 'lstm', 'gru', 'dense', 'embedding', 'dropout', 'conv1d'] as const;
const LAYER_FIELDS: Record<(typeof LAYER_TYPES)[number], readonly string[]> = {
  rnn: ['type', 'hiddenSize', 'bidirectional', 'returnSequences', 'activation'],
  lstm: ['type', 'hiddenSize', 'bidirectional', 'returnSequences', 'unitForgetBias'],
  gru: ['type', 'hiddenSize', 'bidirectional', 'returnSequences', 'resetAfter'],
  dense: ['type', 'units'],
  embedding: ['type', 'vocabSize', 'embeddingDim'],
  dropout: ['type', 'rate'],
  conv1d: ['type', 'filters', 'kernelSize', 'dilation', 'padding', 'activation'],
};

/** A parameter tensor a config implies: qualified name (as Sequential.params() names it) and shape. */
export interface ParamShape {
  name: string;
  shape: number[];
}

/**
 * Checks a model config from an untrusted file without allocating anything: every field's type,
 * the limits, and the parameter tensors it implies (returned, so that loaders can compare them with
 * the bytes a file holds before building the model). `strict` also refuses unknown fields
 * (training specs, where a typo would be ignored silently; model files stay lenient).
 */
export function checkModelConfig(
  raw: unknown,
  opts: { field?: string; limits?: Partial<ModelLimits>; strict?: boolean } = {},
): { config: ModelConfig; parameters: number; shapes: ParamShape[] } {
  const at = opts.field ?? 'config';
  const limits = { ...DEFAULT_MODEL_LIMITS, ...opts.limits };
  const overLimit = (field: string, value: number, limit: keyof ModelLimits) => {
    if (value > limits[limit]) {
      throw new FieldError(field, `${value} is over the limit of ${limits[limit]} (raise it with ${MODEL_LIMIT_OPTIONS[limit]}, or ${limit} in the API)`);
    }
    return value;
  };
  const widthField = (field: string, v: unknown, limit: keyof ModelLimits) => overLimit(field, positiveInteger(field, v, Infinity), limit);
  const c = object(at, raw, opts.strict ? ['inputFeatures', 'layers', 'seed', 'dtype'] : undefined);
  const inputFeatures = widthField(`${at}.inputFeatures`, c.inputFeatures, 'maxWidth');
  const layers = array(`${at}.layers`, c.layers, limits.maxLayers);
  if (layers.length === 0) throw new FieldError(`${at}.layers`, 'a model needs at least one layer');
  if (c.seed !== undefined) integer(`${at}.seed`, c.seed, -(2 ** 31), 2 ** 32 - 1);
  if (c.dtype !== undefined) oneOf(`${at}.dtype`, c.dtype, ['float32', 'float64']);
  let features = inputFeatures;
  let parameters = 0;
  const shapes: ParamShape[] = [];
  const add = (layer: number, name: string, shape: number[]) => {
    shapes.push({ name: `${layer}.${name}`, shape });
    parameters += shape.reduce((a, b) => a * b, 1);
  };
  layers.forEach((rawLayer, i) => {
    const lf = `${at}.layers[${i}]`;
    const type = oneOf(`${lf}.type`, object(lf, rawLayer).type, LAYER_TYPES);
    const l = object(lf, rawLayer, opts.strict ? LAYER_FIELDS[type] : undefined);
    for (const flag of ['bidirectional', 'returnSequences', 'unitForgetBias', 'resetAfter'] as const) if (l[flag] !== undefined) boolean(`${lf}.${flag}`, l[flag]);
    if (type === 'rnn' || type === 'lstm' || type === 'gru') {
      const H = widthField(`${lf}.hiddenSize`, l.hiddenSize, 'maxWidth');
      if (l.activation !== undefined) oneOf(`${lf}.activation`, l.activation, ['tanh', 'relu']);
      const GH = GATES[type] * H;
      for (const suffix of l.bidirectional ? ['', '_reverse'] : ['']) {
        add(i, `weight_ih${suffix}`, [GH, features]);
        add(i, `weight_hh${suffix}`, [GH, H]);
        add(i, `bias_ih${suffix}`, [GH]);
        add(i, `bias_hh${suffix}`, [GH]);
      }
      features = (l.bidirectional ? 2 : 1) * H;
    } else if (type === 'dense') {
      const units = widthField(`${lf}.units`, l.units, 'maxVocab');
      add(i, 'weight', [units, features]);
      add(i, 'bias', [units]);
      features = units;
    } else if (type === 'embedding') {
      if (i !== 0 || inputFeatures !== 1) throw new FieldError(lf, 'an embedding must be the first layer, with inputFeatures 1 (one token id per step)');
      const V = widthField(`${lf}.vocabSize`, l.vocabSize, 'maxVocab');
      const E = widthField(`${lf}.embeddingDim`, l.embeddingDim, 'maxWidth');
      add(i, 'weight', [V, E]);
      features = E;
    } else if (type === 'conv1d') {
      const filters = widthField(`${lf}.filters`, l.filters, 'maxWidth');
      const kernelSize = widthField(`${lf}.kernelSize`, l.kernelSize, 'maxWidth');
      // No limit beyond int32: the padding a dilation implies is never allocated.
      if (l.dilation !== undefined) positiveInteger(`${lf}.dilation`, l.dilation, 2 ** 31 - 1);
      if (l.padding !== undefined) oneOf(`${lf}.padding`, l.padding, CONV1D_PADDINGS);
      if (l.activation !== undefined) oneOf(`${lf}.activation`, l.activation, CONV1D_ACTIVATIONS);
      add(i, 'weight', [filters, features, kernelSize]);
      add(i, 'bias', [filters]);
      features = filters;
    } else {
      number(`${lf}.rate`, l.rate, { min: 0, max: 1, exclusiveMax: true });
    }
    overLimit(`${at} (parameters up to layer ${i})`, parameters, 'maxParameters');
  });
  return { config: c as unknown as ModelConfig, parameters, shapes };
}
