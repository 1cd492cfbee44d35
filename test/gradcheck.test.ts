import type { Seq } from '../src/core/seq';
import { crossEntropy } from '../src/losses/cross-entropy';
import type { Loss, Target } from '../src/losses/loss';
import { mse } from '../src/losses/mse';
import { Sequential, type LayerSpec } from '../src/model';
import { CONV1D_SPECS, conv1dName } from './helpers/conv1d-specs';
import { randomLabels, randomSeq } from './helpers/data';
import { gradientRelativeError } from './helpers/gradcheck';

// Float64 models, so central differences are accurate to ~1e-9; 1e-6 leaves a wide margin
// while still catching any wrong term (those show up as errors of 1e-2 or more).
const TOL = 1e-6;
const B = 3;
const T = 5;
const I = 4;
const lengths = [5, 3, 1];

interface Case {
  name: string;
  layers: LayerSpec[];
  loss: Loss;
  target: (out: { time: number; features: number }) => Target;
  inputFeatures?: number;
  input?: Seq;
  training?: boolean;
}

const ceStep = (classes: number): Pick<Case, 'loss' | 'target'> => ({
  loss: crossEntropy({ perStep: true }),
  target: () => ({ data: randomLabels(B * T, classes), batch: B, time: T, features: 1 }),
});
const ceLast = (classes: number): Pick<Case, 'loss' | 'target'> => ({
  loss: crossEntropy({ perStep: false }),
  target: () => ({ data: randomLabels(B, classes), batch: B, time: 1, features: 1 }),
});
const mseTarget: Pick<Case, 'loss' | 'target'> = {
  loss: mse(),
  target: (o) => randomSeq('float64', B, o.time, o.features, 9),
};

// The GRU twice: PyTorch's form and Keras's reset_after=False (reset gate before W_hn).
const cells: [string, LayerSpec][] = [
  ['rnn', { type: 'rnn', hiddenSize: 3 }],
  ['lstm', { type: 'lstm', hiddenSize: 3 }],
  ['gru', { type: 'gru', hiddenSize: 3 }],
  ['gru resetAfter=false', { type: 'gru', hiddenSize: 3, resetAfter: false }],
];
const cases: Case[] = [];
for (const [type, spec] of cells) {
  const rec = (extra: object = {}): LayerSpec => ({ ...spec, ...extra }) as LayerSpec;
  cases.push(
    { name: `${type} per-step CE`, layers: [rec(), { type: 'dense', units: 4 }], ...ceStep(4) },
    { name: `${type} bidirectional MSE`, layers: [rec({ bidirectional: true }), { type: 'dense', units: 2 }], ...mseTarget },
    {
      name: `${type} stacked + dropout, per-step CE`,
      layers: [rec(), { type: 'dropout', rate: 0.3 }, rec({ bidirectional: true }), { type: 'dense', units: 3 }],
      training: true,
      ...ceStep(3),
    },
    { name: `${type} last step CE`, layers: [rec({ returnSequences: false }), { type: 'dense', units: 3 }], ...ceLast(3) },
    {
      name: `${type} bidirectional last step MSE`,
      layers: [rec({ bidirectional: true, returnSequences: false }), { type: 'dense', units: 2 }],
      ...mseTarget,
    },
  );
}
cases.push(
  { name: 'rnn relu per-step MSE', layers: [{ type: 'rnn', hiddenSize: 3, activation: 'relu' }, { type: 'dense', units: 2 }], ...mseTarget },
  {
    name: 'embedding + lstm + CE on sequence output',
    inputFeatures: 1,
    input: { data: Float64Array.from(randomLabels(B * T, 6, 5)), batch: B, time: T, features: 1 },
    layers: [{ type: 'embedding', vocabSize: 6, embeddingDim: 3 }, { type: 'lstm', hiddenSize: 3 }, { type: 'dense', units: 6 }],
    ...ceStep(6),
  },
  { name: 'dense alone, MSE', layers: [{ type: 'dense', units: 3 }], ...mseTarget },
  { name: 'last-step CE on a per-step head', layers: [{ type: 'gru', hiddenSize: 3 }, { type: 'dense', units: 3 }], ...ceLast(3) },
);
// conv1d: each padding (an even 'same' span puts the odd pad on the right), dilation, each activation;
// stacked, so the second layer's gradient reaches the first through padded and ragged steps.
for (const conv of CONV1D_SPECS) {
  cases.push({
    name: `conv1d ${conv1dName(conv)}, stacked, MSE`,
    layers: [conv, { ...conv, filters: 2 }],
    ...mseTarget,
  });
}
cases.push({ name: 'conv1d -> gru -> dense, per-step CE', layers: [CONV1D_SPECS[2], { type: 'gru', hiddenSize: 3 }, { type: 'dense', units: 3 }], ...ceStep(3) });
// conv1d after a last-step layer: one step left while the lengths still count up to 5 (clamped to 1).
cases.push(
  {
    name: 'conv1d -> last-step lstm -> conv1d same tanh, MSE',
    layers: [CONV1D_SPECS[0], { type: 'lstm', hiddenSize: 3, returnSequences: false }, CONV1D_SPECS[1]],
    ...mseTarget,
  },
  {
    name: 'bidirectional last-step gru -> conv1d causal -> dense, last-step CE',
    layers: [{ type: 'gru', hiddenSize: 3, bidirectional: true, returnSequences: false }, CONV1D_SPECS[3], { type: 'dense', units: 3 }],
    ...ceLast(3),
  },
);

describe.each(cases)('finite-difference gradient check: $name', (c) => {
  const model = new Sequential({ inputFeatures: c.inputFeatures ?? I, layers: c.layers, seed: 3, dtype: 'float64' });
  const x = c.input ?? randomSeq('float64', B, T, I, 4);
  const rngState = model.rng.getState();
  const out0 = model.forward(x, { lengths });
  const target = c.target(out0);
  const lossAt = (): { loss: number; grad: Seq } => {
    model.rng.setState(rngState); // same dropout mask on every evaluation
    const out = model.forward(x, { lengths, training: c.training });
    return c.loss.compute(out, target, model.lengthsOfLastForward());
  };
  model.zeroGrad();
  const { grad } = lossAt();
  const dx = model.backward(grad);
  const f = (): number => lossAt().loss;

  it.each(model.params().map((p) => [p.qualifiedName, p] as const))('%s', (_name, p) => {
    expect(gradientRelativeError(f, p.value, p.grad)).toBeLessThan(TOL);
  });

  if (!c.input) {
    it('input', () => {
      expect(dx).not.toBeNull();
      expect(gradientRelativeError(f, x.data, dx!.data)).toBeLessThan(TOL);
    });
  }
});

// dL/d(initial state) through both GRU forms (an encoder-decoder hands it to the encoder), with ragged lengths.
describe.each([true, false])('finite-difference gradient check of the initial state: gru resetAfter=%s, bidirectional', (resetAfter) => {
  const H = 3;
  const model = new Sequential({ inputFeatures: I, layers: [{ type: 'gru', hiddenSize: H, bidirectional: true, resetAfter }, { type: 'dense', units: 2 }], seed: 5, dtype: 'float64' });
  const rec = model.recurrentLayers()[0];
  rec.initialState = [0, 1].map((d) => ({ h: randomSeq('float64', 1, B, H, 11 + d).data }));
  const x = randomSeq('float64', B, T, I, 4);
  const target = randomSeq('float64', B, T, 2, 9);
  const lossAt = () => mse().compute(model.forward(x, { lengths }), target, model.lengthsOfLastForward());
  model.zeroGrad();
  model.backward(lossAt().grad);
  const dInitial = rec.initialStateGrad.map((s) => s.h);
  it.each([0, 1])('direction %i', (d) => {
    expect(gradientRelativeError(() => lossAt().loss, rec.initialState![d].h, dInitial[d])).toBeLessThan(TOL);
  });
});
