/**
 * The committed notebooks as people share them: `jupyter nbconvert --to html` must show every
 * figure as a real image (Debian's nbconvert strips inline SVG, so each figure needs its PNG), and
 * code lines stay within 100 characters so that cells read without sideways scrolling.
 */
import { basename } from 'node:path';
import { notebookFiles } from '../scripts/run-notebooks';
import { figures, readNotebook, text } from './helpers/notebook-file';
import { pngSize } from './helpers/png';
import { runProcess } from './helpers/run-process';

const MAX_LINE = 100;
const files = notebookFiles().map((f) => [basename(f), f]);

/** The PNG data URLs of <img> elements in an HTML page. */
function htmlImages(html: string): Buffer[] {
  return [...html.matchAll(/<img\b[^>]*\bsrc="data:image\/png;base64,([^"]+)"/g)].map((m) => Buffer.from(m[1], 'base64'));
}

describe.each(files)('%s', (_name, file) => {
  const nb = readNotebook(file);

  it('every figure is stored as PNG', () => {
    const shown = figures(nb);
    expect(shown.length).toBeGreaterThan(0);
    for (const f of shown) expect(pngSize(f.data!['image/png'] as string).width).toBeGreaterThan(100);
  });

  it('nbconvert HTML shows every figure as a non-empty image', async () => {
    const r = await runProcess('jupyter', ['nbconvert', '--to', 'html', '--stdout', file], { cwd: __dirname });
    expect(r.code).toBe(0);
    const images = htmlImages(r.out);
    expect(images.length).toBeGreaterThanOrEqual(figures(nb).length);
    for (const png of images) {
      const { width, height } = pngSize(png);
      expect(width).toBeGreaterThan(100);
      expect(height).toBeGreaterThan(100);
    }
    // no figure left to nbconvert's SVG path (which empties it)
    expect(r.out.match(/<div class="jp-RenderedSVG/g)).toBeNull();
  }, 60_000);

  it(`code lines are at most ${MAX_LINE} characters`, () => {
    const long = nb.cells
      .filter((c) => c.cell_type === 'code')
      .flatMap((c) => text(c.source).split('\n'))
      .filter((line) => [...line].length > MAX_LINE);
    expect(long).toEqual([]);
  });
});
