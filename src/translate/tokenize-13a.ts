/**
 * sacreBLEU's default tokenizer '13a' (mteval-v13a.pl): punctuation and symbols split off,
 * periods and commas split unless between digits, a dash split after a digit.
 */
const RULES: [RegExp, string][] = [
  // ASCII symbols {|}~ [\]^_` space-& (-+ :-@ /
  [/([{-~[-` -&(-+:-@/])/g, ' $1 '],
  [/([^0-9])([.,])/g, '$1 $2 '],
  [/([.,])([^0-9])/g, ' $1 $2'],
  [/([0-9])(-)/g, '$1 $2 '],
];

export function tokenize13a(line: string): string {
  let s = line.replace(/<skipped>/g, '').replace(/-\n/g, '').replace(/\n/g, ' ');
  if (s.includes('&')) s = s.replace(/&quot;/g, '"').replace(/&amp;/g, '&').replace(/&lt;/g, '<').replace(/&gt;/g, '>');
  s = ` ${s} `;
  for (const [re, to] of RULES) s = s.replace(re, to);
  return s.split(/\s+/).filter((w) => w.length > 0).join(' ');
}
