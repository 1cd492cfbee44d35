/**
 * Word error rate of digit strings and accuracy of command words for the shipped ONNX
 * transcriber (run by onnxruntime-node, as `rnnkit transcribe` does) on the test corpus:
 * voices never used in training or validation (an unseen espeak-ng accent and a held-out
 * recorded speaker), every utterance in every recording condition (wideband, telephone
 * μ-law and GSM, a reverberant room, a cheap microphone, a low recording level; white, pink
 * and babble noise). One table per voice family; the results are also written to
 * models/speech-eval.json (the README and notebook 04 show them).
 * Usage: npm run eval:speech -- [--model models/speech.onnx] [--decoder grammar|beam|greedy] [--corpus test|val] [--out FILE]
 */
import * as path from 'path';
import { OnnxModel } from '../src/onnx/onnx-model';
import { writeFileAtomic } from '../src/io/atomic-write';
import { beamDecode, greedyDecode } from '../src/decode/ctc-decode';
import { loadCorpus } from '../src/speech/corpus';
import { grammarDecode } from '../src/speech/grammar-decode';
import { corpusBatch, lengthBuckets } from '../src/speech/dataset';
import { ConditionReport } from '../src/speech/report';
import { CLASSES, decodeWords } from '../src/speech/vocabulary';

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const opt = (n: string) => (args.includes(`--${n}`) ? args[args.indexOf(`--${n}`) + 1] : undefined);
  const root = path.join(__dirname, '..');
  const modelFile = opt('model') ?? path.join(root, 'models', 'speech.onnx');
  const decoder = opt('decoder') ?? 'grammar';
  if (!['greedy', 'beam', 'grammar'].includes(decoder)) throw new Error(`unknown decoder ${decoder} (grammar, beam or greedy)`);
  const corpusName = opt('corpus') ?? 'test';
  if (!['test', 'val'].includes(corpusName)) throw new Error(`unknown corpus ${corpusName} (test or val)`);
  const outFile = opt('out') ?? (corpusName === 'test' && decoder === 'grammar' && !opt('model') ? path.join(root, 'models', 'speech-eval.json') : undefined);
  const corpus = loadCorpus(path.join(root, 'data', 'speech', corpusName));
  const model = await OnnxModel.load(modelFile);
  const report = new ConditionReport();
  for (const ids of lengthBuckets(corpus, 32)) {
    const b = corpusBatch(corpus, ids);
    const { output } = await model.run(b.x, { lengths: b.lengths });
    ids.forEach((id, k) => {
      const u = corpus.utterances[id];
      const logits = output.data.subarray(k * output.time * CLASSES);
      const T = b.lengths[k];
      const labels = decoder === 'grammar' ? grammarDecode(logits, T, CLASSES) : decoder === 'beam' ? beamDecode(logits, T, CLASSES, 8) : greedyDecode(logits, T, CLASSES);
      report.add(u.voice, u.condition, u.text, decodeWords(labels));
    });
  }
  await model.release();
  console.log(`${path.relative(root, modelFile)} on ${corpus.utterances.length} ${corpusName} utterances, ${decoder} decoding\n`);
  console.log(report.format());
  if (outFile) {
    writeFileAtomic(outFile, JSON.stringify({ model: path.relative(root, modelFile), corpus: corpusName, decoder, results: report.results() }, null, 1) + '\n');
    console.log(`\nwrote ${path.relative(root, outFile)}`);
  }
}

main().catch((err) => {
  console.error(`eval-speech: ${err instanceof Error ? err.message : err}`);
  process.exit(1);
});
