import * as fs from 'fs';
import * as path from 'path';

/** The version in the package's package.json (src/ and dist/ both sit one level below it). */
export function packageVersion(): string {
  const file = path.join(__dirname, '..', '..', 'package.json');
  return (JSON.parse(fs.readFileSync(file, 'utf8')) as { version: string }).version;
}
