/**
 * Word error rate and sentence accuracy of the shipped ONNX transcriber (run by
 * onnxruntime-node, as `rnnkit transcribe` does) on the test corpus: voices never used in
 * training, every utterance clean and with noise at 20 and 10 dB SNR, and utterances that
 * did not pick the training epoch (that is the val corpus).
 * Usage: npm run eval:speech -- [--model models/speech.onnx] [--decoder grammar|beam|greedy] [--corpus test|val]
 */
import * as path from 'path';
import { OnnxModel } from '../src/onnx/onnx-model';
import { beamDecode, greedyDecode } from '../src/decode/ctc-decode';
import { loadCorpus } from '../src/speech/corpus';
import { grammarDecode } from '../src/speech/grammar-decode';
import { corpusBatch, lengthBuckets } from '../src/speech/dataset';
import { Scoreboard } from '../src/speech/metrics';
import { CLASSES, decodeWords, utteranceKind } from '../src/speech/vocabulary';

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const opt = (n: string) => (args.includes(`--${n}`) ? args[args.indexOf(`--${n}`) + 1] : undefined);
  const modelFile = opt('model') ?? path.join(__dirname, '..', 'models', 'speech.onnx');
  const decoder = opt('decoder') ?? 'grammar';
  if (!['greedy', 'beam', 'grammar'].includes(decoder)) throw new Error(`unknown decoder ${decoder} (grammar, beam or greedy)`);
  const corpusName = opt('corpus') ?? 'test';
  if (!['test', 'val'].includes(corpusName)) throw new Error(`unknown corpus ${corpusName} (test or val)`);
  const corpus = loadCorpus(path.join(__dirname, '..', 'data', 'speech', corpusName));
  const model = await OnnxModel.load(modelFile);
  const board = new Scoreboard();
  for (const ids of lengthBuckets(corpus, 32)) {
    const b = corpusBatch(corpus, ids);
    const { output } = await model.run(b.x, { lengths: b.lengths });
    ids.forEach((id, k) => {
      const u = corpus.utterances[id];
      const logits = output.data.subarray(k * output.time * CLASSES);
      const T = b.lengths[k];
      const ids = decoder === 'grammar' ? grammarDecode(logits, T, CLASSES) : decoder === 'beam' ? beamDecode(logits, T, CLASSES, 8) : greedyDecode(logits, T, CLASSES);
      const hyp = decodeWords(ids);
      const kind = utteranceKind(u.text);
      board.add(`${kind}/${u.noise}`, u.text, hyp);
    });
  }
  await model.release();
  console.log(`${modelFile} on ${corpus.utterances.length} ${corpusName} utterances (voices: ${[...new Set(corpus.utterances.map((u) => u.voice))].join(', ')}), ${decoder} decoding`);
  console.log(board.format());
}

main().catch((err) => {
  console.error(`eval-speech: ${err instanceof Error ? err.message : err}`);
  process.exit(1);
});
