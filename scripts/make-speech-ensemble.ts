/**
 * Writes one ONNX file that runs several trained speech models side by side (src/onnx/ensemble.ts);
 * the transcriber decodes it by letting each member propose and all of them judge
 * (src/speech/ensemble-decode.ts). With --float16 the file stores the weights as float16 (half the
 * size) and each member's model file is rewritten in place with its weights rounded to float16, so
 * that the ONNX file holds exactly the models in those files.
 * How the shipped models/speech.onnx is made: README "How the four members were chosen", "The gated fine-tuning",
 * "Vocoded training speech, averaged" and "More rooms, averaged twice".
 * Usage: npm run speech:ensemble -- MODEL.json MODEL.json [...] [--float16] [--out models/speech.onnx]
 */
import * as fs from 'fs';
import * as path from 'path';
import { loadModel, saveModel } from '../src';
import { exportEnsembleOnnx, roundWeightsToHalf } from '../src/onnx/ensemble';
import { writeFileAtomic } from '../src/io/atomic-write';
import { ScriptOptions } from './options';

const options = new ScriptOptions({ values: ['out'], flags: ['float16'], positionals: true });
const out = options.path('out', path.join(__dirname, '..', 'models', 'speech.onnx'));
const files = options.positionals.map((f) => path.resolve(f));
if (files.length < 2) throw new Error('give two or more model files (train:speech writes speech.json in its --models-dir)');
const members = files.map((f) => loadModel(f));
const float16 = options.flag('float16');
if (float16) members.forEach(roundWeightsToHalf);
// Made whole before anything is written: a refusal leaves the members' files as they were.
const bytes = exportEnsembleOnnx(members, { weights: float16 ? 'float16' : 'float32' });
if (float16) {
  members.forEach((m, i) => saveModel(m, files[i]));
  console.log(`rounded the weights of ${files.join(', ')} to float16`);
}
writeFileAtomic(out, bytes);
console.log(`wrote ${out}: ${members.length} members, ${members.reduce((a, m) => a + m.parameterCount(), 0)} parameters, ${(fs.statSync(out).size / 1e6).toFixed(2)} MB`);
