/**
 * The values a notebook computed, shown as a table and attached as JSON so that the test
 * suite can assert on what the executed notebook produced (test/notebooks.test.ts).
 */
import { displayBundle } from './display';

export const RESULTS_MIME = 'application/vnd.rnnkit.results+json';

export type ResultValue = number | string | boolean | number[] | string[];

export function report(results: Record<string, ResultValue>): void {
  const rows = Object.entries(results).map(([k, v]) => `| ${k} | ${formatValue(v)} |`);
  const markdown = ['| result | value |', '|---|---|', ...rows].join('\n');
  displayBundle({ 'text/markdown': markdown, [RESULTS_MIME]: results, 'text/plain': JSON.stringify(results) }, (display) =>
    display.markdown(markdown),
  );
}

function formatValue(v: ResultValue): string {
  if (typeof v === 'number') return Number.isInteger(v) ? String(v) : v.toPrecision(4);
  if (Array.isArray(v)) return v.map((x) => (typeof x === 'number' ? formatValue(x) : x)).join(', ');
  return String(v);
}
