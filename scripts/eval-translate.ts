/**
 * Scores the shipped translator on the held-out test sentences against the baselines (issue #14):
 * corpus BLEU and chrF (sacreBLEU's definitions) of seq2seq greedy and beam search, word-for-word
 * (IBM model 1 dictionary learnt on the training pairs) and copying the source; references are
 * Apertium's translations. Writes models/translate-eval.json and prints a Markdown table.
 * Usage: npm run eval:translate -- [--model models/translate-eng-spa.safetensors] [--beam 5] [--alpha 1] [--split test]
 */
import * as path from 'path';
import { writeFileAtomic } from '../src/io/atomic-write';
import { copySource, WordForWord } from '../src/translate/baselines';
import { scoreTranslations } from '../src/translate/evaluate';
import { corpusSplit, loadParallelCorpus, SPLITS } from '../src/translate/parallel-corpus';
import { loadTranslator } from '../src/translate/translator-file';
import { formatDuration } from '../src/train/progress';
import { ScriptOptions } from './options';

const options = new ScriptOptions({ values: ['model', 'beam', 'alpha', 'split'] });
const ROOT = path.join(__dirname, '..');
const MODEL = options.path('model', path.join(ROOT, 'models', 'translate-eng-spa.safetensors'));
const BEAM = options.number('beam', 5, { whole: true });
const ALPHA = options.number('alpha', 1);
const SPLIT = options.choice('split', SPLITS, 'test');

const pairs = loadParallelCorpus();
const train = corpusSplit(pairs, 'train');
const held = corpusSplit(pairs, SPLIT);
const sources = held.map((p) => p.en);
const references = held.map((p) => p.es);
const { translator, info } = loadTranslator(MODEL);

const rows: { system: string; bleu: number; chrf: number; seconds: number }[] = [];
const outputs: Record<string, string[]> = {};
function run(system: string, translate: () => string[]): void {
  const t0 = Date.now();
  const hyps = translate();
  const seconds = (Date.now() - t0) / 1000;
  outputs[system] = hyps;
  rows.push({ system, ...scoreTranslations(hyps, references), seconds });
  console.log(`${system}: BLEU ${rows[rows.length - 1].bleu.toFixed(2)} chrF ${rows[rows.length - 1].chrf.toFixed(2)} (${formatDuration(seconds)})`);
}

run('copy source', () => copySource(sources));
run('word for word (IBM model 1, 5 EM iterations)', () => {
  const wfw = WordForWord.learn(train.map((p) => ({ source: p.en, target: p.es })), 5);
  return sources.map((s) => wfw.translate(s));
});
run('seq2seq greedy', () => translator.translate(sources, { beam: 1 }));
run(`seq2seq beam ${BEAM} (alpha ${ALPHA})`, () => translator.translate(sources, { beam: BEAM, alpha: ALPHA }));

const examples = held.slice(0, 12).map((p, i) => ({ en: p.en, reference: p.es, beam: outputs[rows[3].system][i], wordForWord: outputs[rows[1].system][i] }));
const out = path.join(ROOT, 'models', SPLIT === 'test' ? 'translate-eval.json' : `translate-eval-${SPLIT}.json`);
writeFileAtomic(out, JSON.stringify({ model: path.relative(ROOT, MODEL), split: SPLIT, sentences: held.length, training: info, rows, examples }, null, 1) + '\n');
console.log(`\n| system (${held.length} ${SPLIT} sentences) | BLEU | chrF |\n|---|---:|---:|`);
for (const r of rows) console.log(`| ${r.system} | ${r.bleu.toFixed(2)} | ${r.chrf.toFixed(2)} |`);
console.log(`\nwrote ${out}`);
