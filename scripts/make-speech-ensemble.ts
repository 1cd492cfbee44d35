/**
 * Writes one ONNX file that runs several trained speech models side by side (src/onnx/ensemble.ts);
 * the transcriber decodes it by letting each member propose and all of them judge
 * (src/speech/ensemble-decode.ts). The shipped models/speech.onnx is the ensemble of
 * models/speech.json and models/speech-2.json: train:speech --seed 17 (writes models/speech.json, and a
 * one-model models/speech.onnx that this script then replaces) and train:speech --seed 18 --models-dir DIR
 * (DIR/speech.json, copied to models/speech-2.json).
 * Usage: npm run speech:ensemble -- MODEL.json MODEL.json [...] [--out models/speech.onnx]
 */
import * as fs from 'fs';
import * as path from 'path';
import { loadModel } from '../src';
import { saveEnsembleOnnx } from '../src/onnx/ensemble';
import { ScriptOptions } from './options';

const options = new ScriptOptions({ values: ['out'], positionals: true });
const out = options.path('out', path.join(__dirname, '..', 'models', 'speech.onnx'));
const files = options.positionals;
if (files.length < 2) throw new Error('give two or more model files (train:speech writes speech.json in its --models-dir)');
const members = files.map((f) => loadModel(path.resolve(f)));
saveEnsembleOnnx(members, out);
console.log(`wrote ${out}: ${members.length} members, ${members.reduce((a, m) => a + m.parameterCount(), 0)} parameters, ${(fs.statSync(out).size / 1e6).toFixed(2)} MB`);
