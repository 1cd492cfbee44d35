/** The parts of a saved .ipynb that the notebook tests read. */
import { readFileSync } from 'fs';

export interface Output {
  output_type: string;
  data?: Record<string, unknown>;
  metadata?: Record<string, unknown>;
  text?: string | string[];
  ename?: string;
  evalue?: string;
}

export interface Cell {
  cell_type: string;
  source: string | string[];
  execution_count?: number | null;
  outputs?: Output[];
}

export interface Notebook {
  cells: Cell[];
}

export const readNotebook = (file: string): Notebook => JSON.parse(readFileSync(file, 'utf8')) as Notebook;
export const outputs = (nb: Notebook): Output[] => nb.cells.flatMap((c) => c.outputs ?? []);
export const text = (v: string | string[] | undefined): string => (Array.isArray(v) ? v.join('') : v ?? '');
export const errors = (nb: Notebook): Output[] => outputs(nb).filter((o) => o.output_type === 'error');
/** Figure outputs: the ones show() makes (Plotly JSON), plus any other image. */
export const figures = (nb: Notebook): Output[] =>
  outputs(nb).filter((o) => o.data?.['application/vnd.plotly.v1+json'] || o.data?.['image/png']);
