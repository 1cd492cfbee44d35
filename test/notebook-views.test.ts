/**
 * rnnkit/notebook outside a kernel: the figure builders, the summary table, figures without a
 * browser, and fit's callbacks (which drive the live view) with the text lines kept by default.
 */
import { addingProblem, adam, fit, mse, Sequential, type BatchReport, type FitCallback } from '../src';
import {
  ctcPosteriorsFigure, figureOutput, gradientNormsFigure, historyFigure, layerRows, liveTraining, summaryHtml, waveformFigure,
} from '../src/notebook';

const model = () => new Sequential({
  inputFeatures: 2, seed: 1,
  layers: [{ type: 'lstm', hiddenSize: 8, bidirectional: true }, { type: 'gru', hiddenSize: 4, returnSequences: false }, { type: 'dense', units: 1 }],
});

describe('summary', () => {
  it('lists each layer with its output shape and parameters, totalling the model', () => {
    const m = model();
    const rows = layerRows(m);
    expect(rows.map((r) => [r.layer, r.outputShape])).toEqual([
      ['lstm 8, bidirectional', '(batch, time, 16)'], ['gru 4', '(batch, 4)'], ['dense', '(batch, 1)'],
    ]);
    expect(rows.reduce((s, r) => s + r.parameters, 0)).toBe(m.parameterCount());
    expect(summaryHtml(m)).toContain(`<th style="text-align:right">${m.parameterCount().toLocaleString('en')}</th>`);
  });
});

describe('figure builders', () => {
  it('history: loss, val_loss and the learning rate on a second axis', () => {
    const f = historyFigure({ loss: [1, 0.5], valLoss: [1.2, 0.7], lr: [0.1, 0.05] });
    expect(f.data).toMatchObject([{ name: 'loss', y: [1, 0.5] }, { name: 'val_loss' }, { name: 'lr', yaxis: 'y2' }]);
    expect(historyFigure({ loss: [1] }).data).toHaveLength(1);
  });

  it('gradient norms: one line per layer and direction of a gradientNormsPerStep report', () => {
    const f = gradientNormsFigure({ loss: 1, layers: [{ layer: 0, type: 'lstm', directions: [[1, 2], [3, 4]] }] });
    expect(f.data.map((t) => (t as { name: string }).name)).toEqual(['layer 0 lstm forward', 'layer 0 lstm backward']);
  });

  it('waveform: at most about 4000 points, on a time axis in seconds', () => {
    const f = waveformFigure(new Float32Array(16000 * 3), 16000);
    const trace = f.data[0] as { x: number[]; y: number[] };
    expect(trace.y.length).toBeLessThanOrEqual(4000);
    expect(trace.x[trace.x.length - 1]).toBeCloseTo(3, 1);
  });

  it('CTC posteriors: softmax per frame, classes that never reach minPeak left out', () => {
    const logits = Float32Array.from([5, 0, -5, 0, 5, -5]); // 2 frames x 3 classes
    const f = ctcPosteriorsFigure({ data: logits, steps: 2 }, ['blank', 'one', 'two']);
    const traces = f.data as { name: string; y: number[] }[];
    expect(traces.map((t) => t.name)).toEqual(['blank', 'one']);
    expect(traces[0].y[0] + traces[1].y[0]).toBeCloseTo(1, 3);
  });
});

describe('figures without Chromium', () => {
  const saved = process.env.RNNKIT_CHROMIUM;
  afterEach(() => (saved === undefined ? delete process.env.RNNKIT_CHROMIUM : (process.env.RNNKIT_CHROMIUM = saved)));

  it('keep the Plotly JSON and say why there is no image', () => {
    process.env.RNNKIT_CHROMIUM = '/nonexistent/chromium';
    const { data } = figureOutput({ data: [{ y: [1, 2] }], layout: { title: { text: 'loss' } } });
    expect(data['image/png']).toBeUndefined();
    expect(data['application/vnd.plotly.v1+json']).toMatchObject({ data: [{ y: [1, 2] }] });
    expect(data['text/plain']).toMatch(/^<Figure: loss> \(no static image: no Chromium found \(install the Debian package chromium/);
  });
});

describe('fit callbacks', () => {
  const data = addingProblem(64, 10, 1);
  const small = () => new Sequential({ inputFeatures: 2, seed: 2, layers: [{ type: 'gru', hiddenSize: 4, returnSequences: false }, { type: 'dense', units: 1 }] });

  it('report every batch (epoch, batch of batches, running loss, ETA) and the start and end of training', () => {
    const batches: BatchReport[] = [];
    const events: string[] = [];
    const callback: FitCallback = {
      onTrainBegin: (info) => events.push(`begin ${info.epochs}x${info.batches}`),
      onBatchEnd: (r) => batches.push(r),
      onEpochEnd: (r) => void events.push(`epoch ${r.epoch}`),
      onTrainEnd: (h) => events.push(`end ${h.loss.length}`),
    };
    const lines: string[] = [];
    fit(small(), data, { loss: mse(), optimizer: adam({ lr: 0.01 }), epochs: 2, batchSize: 16, callbacks: [callback], log: (l) => lines.push(l) });
    expect(events).toEqual(['begin 2x4', 'epoch 1', 'epoch 2', 'end 2']);
    expect(batches.map((b) => `${b.epoch}:${b.batch}/${b.batches}`)).toEqual(['1:1/4', '1:2/4', '1:3/4', '1:4/4', '2:1/4', '2:2/4', '2:3/4', '2:4/4']);
    expect(batches[batches.length - 1].etaSeconds).toBe(0);
    expect(batches.every((b) => b.loss > 0 && Number.isFinite(b.etaSeconds))).toBe(true);
    expect(lines).toHaveLength(2); // a callback that does not show progress leaves the text lines
  });

  it('outside a notebook the live view stays quiet and fit prints its text lines', () => {
    const live = liveTraining();
    expect(live.showsProgress).toBe(false);
    const lines: string[] = [];
    const log = jest.spyOn(console, 'log').mockImplementation((l: string) => void lines.push(l));
    try {
      fit(small(), data, { loss: mse(), epochs: 1, batchSize: 32, callbacks: [live] });
    } finally {
      log.mockRestore();
    }
    expect(lines).toEqual([expect.stringMatching(/^epoch 1\/1 - loss /)]);
    expect(live.updates).toBe(0);
  });

  it('a callback that shows progress itself silences the default text lines', () => {
    const log = jest.spyOn(console, 'log').mockImplementation(() => undefined);
    try {
      fit(small(), data, { loss: mse(), epochs: 1, callbacks: [{ showsProgress: true }] });
      expect(log).not.toHaveBeenCalled();
    } finally {
      log.mockRestore();
    }
  });
});
