/**
 * Writes the uniform mean of several models' weights (a model soup; averageWeightsInto): e.g. a fine-tuned speech
 * model and the one it started from. The models must be of one architecture (the layers and input of the first);
 * the output takes the first's settings. How the shipped speech members are made: README "Vocoded training speech,
 * averaged" and "More rooms, averaged twice".
 * Usage: npm run models:average -- MODEL MODEL [...] --out OUT (JSON or .safetensors, by the name; written atomically)
 */
import * as path from 'path';
import { architectureDifference, averageWeightsInto, loadModel, saveModel } from '../src';
import { ScriptOptions } from './options';

const options = new ScriptOptions({ values: ['out'], flags: [], positionals: true });
const files = options.positionals.map((f) => path.resolve(f));
if (files.length < 2) throw new Error('give two or more model files to average');
if (!options.has('out')) throw new Error('give --out FILE for the averaged model');
const out = options.path('out', '');
const models = files.map((f) => loadModel(f));
// Inputs and layers decide what the weights compute (averageWeightsInto then refuses another dtype).
models.forEach((m, i) => {
  const d = architectureDifference(m.config, models[0].config);
  if (d) throw new Error(`${files[i]} is another model than ${files[0]}: ${d}`);
});
averageWeightsInto(models[0].params(), models.slice(1).map((m) => m.params()));
saveModel(models[0], out);
console.log(`wrote ${out}: the mean of ${files.length} models' weights`);
