import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

/** A fresh temporary folder for one test file, removed after its tests. */
export function tempDir(prefix: string): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));
  return dir;
}
