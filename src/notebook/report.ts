/**
 * The values a notebook computed, shown as a table and attached as JSON (one MIME type of its
 * own) so that tests can assert on what an executed notebook produced.
 */
import { displayBundle } from './display';

export const RESULTS_MIME = 'application/vnd.rnnkit.results+json';

export type ResultValue = number | string | boolean | number[] | string[];

export function report(results: Record<string, ResultValue>): void {
  const rows = Object.entries(results).map(([k, v]) => `| ${k} | ${formatValue(v)} |`);
  const markdown = ['| result | value |', '|---|---|', ...rows].join('\n');
  const bundle = { 'text/markdown': markdown, [RESULTS_MIME]: results, 'text/plain': JSON.stringify(results) };
  if (!displayBundle(bundle)) console.log(markdown);
}

function formatValue(v: ResultValue): string {
  if (typeof v === 'number') return Number.isInteger(v) ? String(v) : v.toPrecision(4);
  if (Array.isArray(v)) return v.map((x) => (typeof x === 'number' ? formatValue(x) : x)).join(', ');
  return String(v);
}
