/** Reading data files shipped by the npm package `vega-datasets` (its "exports" hide the data folder from require). */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { FileError } from '../io/file-error';

function packageDir(): string {
  let entry: string;
  try {
    entry = require.resolve('vega-datasets');
  } catch {
    throw new FileError('vega-datasets', 'the npm package vega-datasets is not installed (npm install vega-datasets)');
  }
  for (let dir = dirname(entry); dir !== dirname(dir); dir = dirname(dir)) {
    if (existsSync(join(dir, 'package.json')) && existsSync(join(dir, 'data'))) return dir;
  }
  throw new FileError(entry, 'cannot find the data folder of vega-datasets');
}

/** The text of data/<file> in vega-datasets, e.g. 'co2-concentration.csv'. */
export function readVegaDataset(file: string): string {
  const path = join(packageDir(), 'data', file);
  if (!existsSync(path)) throw new FileError(path, `vega-datasets has no data file '${file}'`);
  return readFileSync(path, 'utf8');
}

/** A CSV file without quoted fields as rows of named string fields. */
export function parseSimpleCsv(text: string): Record<string, string>[] {
  const [header, ...lines] = text.trim().split(/\r?\n/);
  const names = header.split(',');
  return lines.map((line, i) => {
    const cells = line.split(',');
    if (cells.length !== names.length) throw new FileError('csv', `line ${i + 2} has ${cells.length} fields, the header has ${names.length}`);
    return Object.fromEntries(names.map((n, k) => [n, cells[k]]));
  });
}
