/** summary(model): the layers of a model as an HTML table (output shapes, parameter counts). */
import { Conv1D, conv1dNotes } from '../layers/conv1d';
import { Recurrent } from '../layers/recurrent';
import type { Sequential } from '../model';
import { displayBundle } from './display';

export interface LayerRow {
  index: number;
  layer: string;
  outputShape: string;
  parameters: number;
}

const escapeHtml = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

/** One row per layer; shapes are (batch, time, features) until a layer returns only its last step. */
export function layerRows(model: Sequential): LayerRow[] {
  let sequence = true;
  return model.layers.map((l, index) => {
    const spec = model.config.layers[index] as { bidirectional?: boolean; hiddenSize?: number };
    const details = l instanceof Recurrent ? ` ${spec.hiddenSize}${spec.bidirectional ? ', bidirectional' : ''}`
      : l instanceof Conv1D ? ` ${l.spec.filters} (${conv1dNotes(l.spec)})` : '';
    if (l instanceof Recurrent && !l.returnSequences) sequence = false;
    return {
      index,
      layer: `${l.type}${details}`,
      outputShape: sequence ? `(batch, time, ${l.outputFeatures})` : `(batch, ${l.outputFeatures})`,
      parameters: l.params().reduce((s, p) => s + p.value.length, 0),
    };
  });
}

export function summaryHtml(model: Sequential): string {
  const cell = (tag: string, v: string | number, right = false) => `<${tag}${right ? ' style="text-align:right"' : ''}>${escapeHtml(String(v))}</${tag}>`;
  const head = `<tr>${cell('th', '#')}${cell('th', 'layer')}${cell('th', 'output shape')}${cell('th', 'parameters', true)}</tr>`;
  const rows = layerRows(model).map((r) =>
    `<tr>${cell('td', r.index)}${cell('td', r.layer)}${cell('td', r.outputShape)}${cell('td', r.parameters.toLocaleString('en'), true)}</tr>`);
  const input = `<tr>${cell('td', '')}${cell('td', 'input')}${cell('td', `(batch, time, ${model.inputFeatures})`)}${cell('td', '')}</tr>`;
  const total = `<tr>${cell('th', '')}${cell('th', `total (${model.dtype})`)}${cell('th', '')}`
    + `${cell('th', model.parameterCount().toLocaleString('en'), true)}</tr>`;
  return `<table class="rnnkit-summary">${head}${input}${rows.join('')}${total}</table>`;
}

/** Displays the model's summary table; outside a notebook, prints model.summary(). */
export function summary(model: Sequential): void {
  if (!displayBundle({ 'text/html': summaryHtml(model), 'text/plain': model.summary() })) console.log(model.summary());
}
