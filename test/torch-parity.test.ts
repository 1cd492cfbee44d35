import * as fs from 'fs';
import * as path from 'path';
import { fromArray, type Arr, type DType } from '../src/core/dtype';
import type { Param } from '../src/core/param';
import { crossEntropy } from '../src/losses/cross-entropy';
import { mse } from '../src/losses/mse';
import { Recurrent } from '../src/layers/recurrent';
import { Sequential } from '../src/model';
import { Adam, RMSProp, SGD } from '../src/optim/optimizers';
import { maxAbsDiff } from './helpers/compare';

// Fixtures come from scripts/make-torch-fixtures.py (PyTorch, float64).
const DIR = path.join(__dirname, 'fixtures', 'torch');
const load = (name: string) => JSON.parse(fs.readFileSync(path.join(DIR, `${name}.json`), 'utf8'));

/** Slice of torch's [layers*D, B, H] state tensor for one layer and direction. */
function stateSlice(all: number[], layer: number, dir: number, D: number, BH: number): number[] {
  const k = layer * D + dir;
  return all.slice(k * BH, (k + 1) * BH);
}

const recurrentFixtures = fs.readdirSync(DIR).filter((f) => /-(uni|bi)-\dlayer\.json$/.test(f)).map((f) => f.replace('.json', ''));

describe.each(recurrentFixtures)('PyTorch parity: %s', (name) => {
  const fx = load(name);
  const c = fx.case;
  const D = c.bidirectional ? 2 : 1;
  const BH = c.batch * c.hiddenSize;

  const run = (dtype: DType) => {
    const model = new Sequential({
      inputFeatures: c.inputSize,
      dtype,
      layers: Array.from({ length: c.numLayers }, () => ({
        type: c.type, hiddenSize: c.hiddenSize, bidirectional: c.bidirectional, activation: c.activation,
      })),
    });
    const layers = model.layers as Recurrent[];
    // torch names weight_ih_l1_reverse; ours are "<layer>.weight_ih_reverse".
    for (const p of model.params()) {
      const [layer, pname] = p.qualifiedName.split('.');
      const torchName = pname.replace(/(_reverse)?$/, `_l${layer}$1`);
      p.value.set(fx.params[torchName]);
    }
    layers.forEach((l, li) => {
      l.initialState = Array.from({ length: D }, (_, d) => {
        const s: { h: Arr; c?: Arr } = { h: Float64Array.from(stateSlice(fx.h0, li, d, D, BH)) };
        if (fx.c0) s.c = Float64Array.from(stateSlice(fx.c0, li, d, D, BH));
        return s;
      });
    });
    const x = { data: Float64Array.from(fx.input), batch: c.batch, time: c.time, features: c.inputSize };
    const y = model.forward(x, { lengths: c.lengths });
    model.zeroGrad();
    // Loss = sum(out*R) + sum(h_n*S) (+ sum(c_n*Sc)): feed R as dL/dout and S as dL/dfinal state per layer.
    let dy: { data: Arr; batch: number; time: number; features: number } | null = {
      ...y, data: Float64Array.from(fx.outputWeights),
    };
    const h0Grad: number[] = new Array(fx.h0.length).fill(0);
    const c0Grad: number[] = fx.c0 ? new Array(fx.c0.length).fill(0) : [];
    for (let li = layers.length - 1; li >= 0; li--) {
      const dFinal = Array.from({ length: D }, (_, d) => ({
        h: Float64Array.from(stateSlice(fx.hNWeights, li, d, D, BH)),
        c: fx.cNWeights ? Float64Array.from(stateSlice(fx.cNWeights, li, d, D, BH)) : undefined,
      }));
      dy = layers[li].backwardWithState(dy, dFinal);
      layers[li].initialStateGrad.forEach((g, d) => {
        const k = (li * D + d) * BH;
        g.h.forEach((v, i) => (h0Grad[k + i] = v));
        g.c?.forEach((v, i) => (c0Grad[k + i] = v));
      });
    }
    return { model, layers, y, dx: dy!, h0Grad, c0Grad };
  };

  const tolerances: [DType, number, number][] = [
    ['float64', 1e-10, 1e-10],
    // float32 engine against float64 PyTorch: outputs to 1e-5; gradients sum over batch and time.
    ['float32', 1e-5, 1e-4],
  ];
  it.each(tolerances)('%s engine: outputs, final states and gradients', (dtype, outTol, gradTol) => {
    const { model, layers, y, dx, h0Grad, c0Grad } = run(dtype);
    expect(maxAbsDiff(y.data, fx.output)).toBeLessThan(outTol);
    const hN = layers.flatMap((l) => l.finalState.flatMap((s) => Array.from(s.h)));
    expect(maxAbsDiff(hN, fx.hN)).toBeLessThan(outTol);
    if (fx.cN) expect(maxAbsDiff(layers.flatMap((l) => l.finalState.flatMap((s) => Array.from(s.c!))), fx.cN)).toBeLessThan(outTol);
    for (const p of model.params()) {
      const [layer, pname] = p.qualifiedName.split('.');
      expect(maxAbsDiff(p.grad, fx.grads[pname.replace(/(_reverse)?$/, `_l${layer}$1`)])).toBeLessThan(gradTol);
    }
    expect(maxAbsDiff(dx.data, fx.inputGrad)).toBeLessThan(gradTol);
    expect(maxAbsDiff(h0Grad, fx.h0Grad)).toBeLessThan(gradTol);
    if (fx.c0Grad) expect(maxAbsDiff(c0Grad, fx.c0Grad)).toBeLessThan(gradTol);
  });
});

const conv1dFixtures = fs.readdirSync(DIR).filter((f) => f.startsWith('conv1d-')).map((f) => f.replace('.json', ''));

describe.each(conv1dFixtures)('PyTorch parity: %s (torch.nn.Conv1d)', (name) => {
  const fx = load(name);
  const c = fx.case;
  it.each([
    ['float64', 1e-12, 1e-12],
    ['float32', 1e-5, 1e-4],
  ] as [DType, number, number][])('%s engine: outputs and gradients of weight, bias and input', (dtype, outTol, gradTol) => {
    const { filters, kernelSize, dilation, padding, activation } = c;
    const model = new Sequential({ inputFeatures: c.inputSize, dtype, layers: [{ type: 'conv1d', filters, kernelSize, dilation, padding, activation }] });
    model.setWeights([fx.weight, fx.bias]);
    const y = model.forward({ data: fromArray(dtype, fx.input), batch: c.batch, time: c.time, features: c.inputSize });
    expect(maxAbsDiff(y.data, fx.output)).toBeLessThan(outTol);
    model.zeroGrad();
    // Loss = sum(out * R): R is dL/dout.
    const dx = model.backward({ ...y, data: fromArray(dtype, fx.outputWeights) })!;
    const [w, b] = model.params();
    expect(maxAbsDiff(w.grad, fx.weightGrad)).toBeLessThan(gradTol);
    expect(maxAbsDiff(b.grad, fx.biasGrad)).toBeLessThan(gradTol);
    expect(maxAbsDiff(dx.data, fx.inputGrad)).toBeLessThan(gradTol);
  });
});

describe('PyTorch parity: optimizers', () => {
  const fx = load('optimizers');
  const make: Record<string, () => SGD | Adam | RMSProp> = {
    sgd: () => new SGD({ lr: 0.1, momentum: 0.9 }),
    'sgd-nesterov': () => new SGD({ lr: 0.1, momentum: 0.9, nesterov: true, weightDecay: 0.01 }),
    adam: () => new Adam({ lr: 0.01 }),
    'adam-wd': () => new Adam({ lr: 0.01, weightDecay: 0.1 }),
    rmsprop: () => new RMSProp({ lr: 0.01, alpha: 0.99, eps: 1e-8 }),
    'rmsprop-momentum': () => new RMSProp({ lr: 0.01, alpha: 0.9, momentum: 0.5 }),
  };
  it.each(Object.keys(make))('%s matches torch.optim over 5 steps', (name) => {
    expect(Object.keys(fx.runs)).toContain(name);
    const p: Param = { name: 'p', shape: [7], value: Float64Array.from(fx.initial), grad: new Float64Array(7) };
    const opt = make[name]();
    fx.grads.forEach((g: number[], k: number) => {
      p.grad.set(g);
      opt.step([p]);
      expect(maxAbsDiff(p.value, fx.runs[name].steps[k])).toBeLessThan(1e-12);
    });
  });
});

describe('PyTorch parity: losses', () => {
  const fx = load('losses');
  it('per-step softmax cross-entropy', () => {
    const logits = { data: Float64Array.from(fx.logits), batch: 3, time: 4, features: 5 };
    const r = crossEntropy({ perStep: true }).compute(logits, { data: Int32Array.from(fx.labels), batch: 3, time: 4, features: 1 }, Int32Array.of(4, 4, 4));
    expect(Math.abs(r.loss - fx.ce)).toBeLessThan(1e-12);
    expect(maxAbsDiff(r.grad.data, fx.ceGrad)).toBeLessThan(1e-12);
  });
  it('mean squared error', () => {
    const pred = { data: Float64Array.from(fx.pred), batch: 3, time: 4, features: 2 };
    const r = mse().compute(pred, { data: Float64Array.from(fx.target), batch: 3, time: 4, features: 2 }, Int32Array.of(4, 4, 4));
    expect(Math.abs(r.loss - fx.mse)).toBeLessThan(1e-12);
    expect(maxAbsDiff(r.grad.data, fx.mseGrad)).toBeLessThan(1e-12);
  });
});
