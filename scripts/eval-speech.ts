/**
 * Word error rate of digit strings and accuracy of command words for the shipped ONNX
 * transcriber (run by onnxruntime-node, as `rnnkit transcribe` does) on the test corpus:
 * voices never used in training or validation (an unseen espeak-ng accent and a held-out
 * recorded speaker), every utterance in every recording condition (wideband, telephone
 * μ-law and GSM, a reverberant room, a cheap microphone, a low recording level, a noise gate; white, pink
 * and babble noise); a corpus made with other conditions is refused. One table per voice family; the results are also written to
 * models/speech-eval.json (the README and notebook 04 show them).
 * With --audio the corpus is synthesised again (the same seeds as npm run speech:corpus) and each
 * clip goes through Transcriber.transcribe, as a file given to `rnnkit transcribe` does: the
 * no-speech gate and the cut to the speech included, which the stored features skip.
 * Each utterance is judged as the transcriber judges a clip: by the model's outputs for every speed view
 * (speed-views.ts; the corpus stores the features of each), or only those of --speeds.
 * Usage: npm run eval:speech -- [--model models/speech.onnx] [--decoder grammar|beam|greedy] [--corpus test|val]
 *   [--data data/speech (the corpora's folder, as speech:corpus --out and train:speech --data)] [--speeds 1,0.9,1.1]
 *   [--audio [--dereverb]] [--out FILE]
 * (a corpus made with speech:corpus --dereverb holds WPE features: its figures are transcribe --dereverb's, and need --out)
 */
import * as path from 'path';
import { OnnxModel } from '../src/onnx/onnx-model';
import { writeFileAtomic } from '../src/io/atomic-write';
import { atSpeed, checkConditions, CORPUS_SETUP, corpusShards, loadCorpus, renderCorpus, type Corpus } from '../src/speech/corpus';
import { voiceName } from '../src/speech/synthesize';
import { Transcriber, type Decoder, type TranscriberOptions } from '../src/speech/transcriber';
import { batchOutputs, decodeMembers, DECODERS } from '../src/speech/ensemble-decode';
import type { StepLogits } from '../src/speech/grammar-decode';
import { parseSpeeds, SPEED_VIEWS } from '../src/speech/speed-views';
import { corpusBatch, lengthBuckets } from '../src/speech/dataset';
import { ConditionReport } from '../src/speech/report';
import { CLASSES, decodeWords } from '../src/speech/vocabulary';
import { ScriptOptions } from './options';

async function main(): Promise<void> {
  const options = new ScriptOptions({ values: ['model', 'decoder', 'corpus', 'data', 'speeds', 'out'], flags: ['audio', 'dereverb'] });
  const root = path.join(__dirname, '..');
  const modelFile = options.path('model', path.join(root, 'models', 'speech.onnx'));
  const decoder = options.choice('decoder', DECODERS, 'grammar');
  const corpusName = options.choice('corpus', ['test', 'val'] as const, 'test');
  const givenOut = options.has('out') ? options.path('out', '') : undefined;
  // models/speech-eval.json holds the shipped model's test figures (README, notebook 04), and only those.
  const speeds = options.has('speeds') ? parseSpeeds(options.string('speeds', '')) : SPEED_VIEWS;
  const shippedFigures = corpusName === 'test' && decoder === 'grammar' && !options.has('model') && !options.has('data') && speeds.join() === SPEED_VIEWS.join();
  const outFile = givenOut ?? (shippedFigures ? path.join(root, 'models', 'speech-eval.json') : undefined);
  if (options.flag('audio') && options.has('data')) throw new Error('--audio synthesises the clips again: it reads no corpus, so --data has no meaning with it');
  const dereverb = options.flag('dereverb');
  if (dereverb && !options.flag('audio')) throw new Error('--dereverb is for --audio (the transcriber with WPE); a corpus made with speech:corpus --dereverb already holds WPE features');
  if (options.flag('audio')) {
    const report = await transcribeAudio(corpusName, modelFile, decoder, { dereverberate: dereverb, speeds });
    console.log(`${path.relative(root, modelFile)} on the ${corpusName} corpus synthesised again, through the transcriber${dereverb ? ' with WPE' : ''}, ${decoder} decoding\n`);
    console.log(report.format());
    if (givenOut) writeFigures(givenOut, { model: path.relative(root, modelFile), corpus: corpusName, decoder, speeds, audio: true, ...(dereverb ? { dereverberated: true } : {}) }, report);
    return;
  }
  const dataDir = options.path('data', path.join(root, 'data', 'speech'));
  const corpus = loadCorpus(path.join(dataDir, corpusName));
  checkConditions(corpus, corpusName, path.join(dataDir, corpusName));
  if (corpus.dereverberated && shippedFigures && !givenOut) throw new Error(`${dataDir} holds features through WPE (speech:corpus --dereverb), not the shipped transcriber's: give --out for its figures`);
  const views = speeds.map((speed) => viewOf(corpus, speed, path.join(dataDir, corpusName)));
  const model = await OnnxModel.load(modelFile);
  const report = new ConditionReport();
  for (const ids of lengthBuckets(corpus, 32)) {
    const outputs: StepLogits[][] = ids.map(() => []); // per utterance: every member of every view
    for (const view of views) {
      const b = corpusBatch(view, ids);
      const { output } = await model.run(b.x, { lengths: b.lengths });
      batchOutputs(output.data, output.time, b.lengths, CLASSES).forEach((members, k) => outputs[k].push(...members));
    }
    ids.forEach((id, k) => {
      const u = corpus.utterances[id];
      report.add(u.voice, u.condition, u.text, decodeWords(decodeMembers(outputs[k], CLASSES, decoder)));
    });
  }
  await model.release();
  console.log(`${path.relative(root, modelFile)} on ${corpus.utterances.length} ${corpusName} utterances${corpus.dereverberated ? ' (features through WPE)' : ''}, speed views ${speeds.join(', ')}, ${decoder} decoding\n`);
  console.log(report.format());
  if (outFile) {
    writeFigures(outFile, { model: path.relative(root, modelFile), corpus: corpusName, ...(options.has('data') ? { data: dataDir } : {}), ...(corpus.dereverberated ? { dereverberated: true } : {}), decoder, speeds }, report);
    console.log(`\nwrote ${path.relative(root, outFile)}`);
  }
}

/** The figures file (models/speech-eval.json's format): what was measured and how, every row, the pooled rows, then the misheard command words. */
function writeFigures(file: string, how: Record<string, unknown>, report: ConditionReport): void {
  writeFileAtomic(file, JSON.stringify({ ...how, results: report.results(), overall: report.overall(), commandConfusions: report.commandConfusions() }, null, 1) + '\n');
}

/** The corpus's features read at `speed`, as speech:corpus stored them. */
function viewOf(corpus: Corpus, speed: number, base: string): Corpus {
  const view = atSpeed(corpus, speed);
  if (!view) throw new Error(`${base} has no features read at speed ${speed} (made before speed views, or with others): npm run speech:corpus remakes it; --speeds 1 judges with the corpus alone`);
  return view;
}

/** The corpus's clips, made again as npm run speech:corpus makes them (default sizes), through Transcriber.transcribe. */
async function transcribeAudio(kind: 'val' | 'test', modelFile: string, decoder: Decoder, options: TranscriberOptions): Promise<ConditionReport> {
  const transcriber = await Transcriber.load(modelFile, decoder, options);
  const report = new ConditionReport();
  for (const shard of corpusShards(kind, CORPUS_SETUP[kind].count)) {
    for await (const u of renderCorpus(shard)) report.add(voiceName(u.voice), u.condition, u.text, await transcriber.transcribe(u.signal));
  }
  await transcriber.release();
  return report;
}

main().catch((err) => {
  console.error(`eval-speech: ${err instanceof Error ? err.message : err}`);
  process.exit(1);
});
