import { onnx } from 'onnx-proto';
import { Sequential, type LayerSpec } from '../src';
import { ensembleMemberCount, exportEnsembleOnnx, roundWeightsToHalf } from '../src/onnx/ensemble';
import { floatToHalf, halfToFloat } from '../src/onnx/tensor';
import { exportOnnx } from '../src/onnx/export';
import { OnnxModel } from '../src/onnx/onnx-model';
import { Rng } from '../src/core/rng';

const layers = (units: number): LayerSpec[] => [{ type: 'gru', hiddenSize: 5, bidirectional: true }, { type: 'lstm', hiddenSize: 4 }, { type: 'dense', units }];

describe('ONNX ensemble (src/onnx/ensemble.ts)', () => {
  const members = [new Sequential({ inputFeatures: 3, layers: layers(6), seed: 1 }), new Sequential({ inputFeatures: 3, layers: layers(6), seed: 2 })];
  const rng = new Rng(9);
  const x = { data: Float32Array.from({ length: 3 * 7 * 3 }, () => rng.normal()), batch: 3, time: 7, features: 3 };
  const lengths = Int32Array.from([7, 4, 1]);

  it('one run gives every member its own output, side by side on the last axis, on a padded batch', async () => {
    const ensemble = await OnnxModel.load(exportEnsembleOnnx(members));
    expect(ensemble.inputFeatures).toBe(3);
    expect(ensemble.outputNames).toEqual(['output']);
    const { output } = await ensemble.run(x, { lengths });
    expect([output.batch, output.time, output.features]).toEqual([3, 7, 12]);
    for (const [m, member] of members.entries()) {
      const alone = await OnnxModel.load(exportOnnx(member));
      const own = (await alone.run(x, { lengths })).output.data;
      const engine = member.predict(x, lengths).data;
      let worstOnnx = 0;
      let worstEngine = 0;
      for (let b = 0; b < 3; b++) {
        for (let t = 0; t < lengths[b]; t++) {
          for (let c = 0; c < 6; c++) {
            const v = output.data[(b * 7 + t) * 12 + m * 6 + c];
            worstOnnx = Math.max(worstOnnx, Math.abs(v - own[(b * 7 + t) * 6 + c]));
            worstEngine = Math.max(worstEngine, Math.abs(v - engine[(b * 7 + t) * 6 + c]));
          }
        }
      }
      expect(worstOnnx).toBe(0); // the same graph under other names
      expect(worstEngine).toBeLessThan(1e-5);
      await alone.release();
    }
    await ensemble.release();
  });

  it('ensembleMemberCount: the members of an ensemble file, 0 for a single model', () => {
    const graph = (bytes: Uint8Array) => onnx.ModelProto.decode(bytes).graph;
    expect(ensembleMemberCount(graph(exportEnsembleOnnx(members)))).toBe(2);
    expect(ensembleMemberCount(graph(exportEnsembleOnnx([...members, members[0]], { weights: 'float32' })))).toBe(3);
    expect(ensembleMemberCount(graph(exportEnsembleOnnx([members[0]])))).toBe(1);
    expect(ensembleMemberCount(graph(exportOnnx(members[0])))).toBe(0);
  });

  it('refuses members that read or write other shapes, or return one step', () => {
    expect(() => exportEnsembleOnnx([])).toThrow('an ensemble needs at least one model');
    expect(() => exportEnsembleOnnx([members[0], new Sequential({ inputFeatures: 3, layers: layers(5), seed: 3 })])).toThrow(
      'ensemble member 1 maps 3 -> 5 features, member 0 3 -> 6: members must read and write the same shapes');
    expect(() => exportEnsembleOnnx([members[0], new Sequential({ inputFeatures: 4, layers: layers(6), seed: 3 })])).toThrow(/member 1 maps 4 -> 6/);
    const lastStep = new Sequential({ inputFeatures: 3, layers: [{ type: 'gru', hiddenSize: 5, returnSequences: false }, { type: 'dense', units: 6 }], seed: 4 });
    expect(() => exportEnsembleOnnx([members[0], lastStep])).toThrow('ensemble member 1 returns one step, not a sequence');
  });

  it('float16 weights: half the file, the rounded members exactly; weights that are not float16 values refused', async () => {
    const copies = members.map((m) => {
      const c = new Sequential(m.config);
      c.setWeights(m.getWeights());
      roundWeightsToHalf(c);
      return c;
    });
    const huge = new Sequential(members[0].config);
    huge.params()[0].value[3] = 70000;
    const before = huge.getWeights().map((w) => Float32Array.from(w));
    huge.params()[0].value[2] = 0.1; // not a float16 value: left as it is when the refusal comes
    before[0][2] = huge.params()[0].value[2];
    expect(() => roundWeightsToHalf(huge)).toThrow(`${huge.params()[0].qualifiedName}[3] = 70000 is beyond float16's range`);
    expect(huge.getWeights().map((w) => Float32Array.from(w))).toEqual(before);
    expect(() => exportEnsembleOnnx(members, { weights: 'float16' })).toThrow(/member 0: .* is not a float16 value: round the members first \(roundWeightsToHalf\)/);
    const half = exportEnsembleOnnx(copies, { weights: 'float16' });
    // two bytes per weight instead of four (the shipped speech model's file: 7.4 MB -> 3.7 MB)
    const weightBytes = (bytes: Uint8Array) => onnx.ModelProto.decode(bytes).graph!.initializer!.reduce((a, t) => a + (t.rawData?.length ?? 0), 0);
    const params = copies.reduce((a, m) => a + m.parameterCount(), 0);
    expect(weightBytes(exportEnsembleOnnx(copies))).toBeGreaterThanOrEqual(4 * params);
    expect(weightBytes(half)).toBeLessThan(2 * params + 100); // + the graph's few int64 shape constants
    const ensemble = await OnnxModel.load(half);
    const { output } = await ensemble.run(x, { lengths });
    const whole = await OnnxModel.load(exportEnsembleOnnx(copies));
    expect(Array.from(output.data)).toEqual(Array.from((await whole.run(x, { lengths })).output.data));
    for (const [m, member] of copies.entries()) {
      const engine = member.predict(x, lengths).data;
      let worst = 0;
      for (let b = 0; b < 3; b++) for (let t = 0; t < lengths[b]; t++) for (let c = 0; c < 6; c++) worst = Math.max(worst, Math.abs(output.data[(b * 7 + t) * 12 + m * 6 + c] - engine[(b * 7 + t) * 6 + c]));
      expect(worst).toBeLessThan(1e-5);
    }
    await Promise.all([ensemble.release(), whole.release()]);
  });
});

describe('floatToHalf', () => {
  it('gives back every float16 value it is given (all 63,490 that are not NaN)', () => {
    let wrong = 0;
    for (let bits = 0; bits < 0x10000; bits++) {
      const v = halfToFloat(bits);
      if (!Number.isNaN(v) && floatToHalf(v) !== bits) wrong++;
    }
    expect(wrong).toBe(0);
  });

  it('rounds to the nearest, ties to even, through subnormals and up to infinity', () => {
    expect(floatToHalf(1 + 2 ** -11)).toBe(0x3c00); // a tie: to the even 1.0
    expect(floatToHalf(1 + 3 * 2 ** -11)).toBe(0x3c02); // a tie: up to the even neighbour
    expect(floatToHalf(1 + 2 ** -11 + 2 ** -20)).toBe(0x3c01);
    expect(floatToHalf(65519)).toBe(0x7bff);
    expect(floatToHalf(65520)).toBe(0x7c00);
    expect(floatToHalf(-1e6)).toBe(0xfc00);
    expect(floatToHalf(2 ** -25)).toBe(0); // half the smallest subnormal: a tie, to even zero
    expect(floatToHalf(2 ** -25 * 1.5)).toBe(1);
    expect(floatToHalf(3 * 2 ** -25)).toBe(2); // tie between subnormals 1 and 2: to even
    expect(floatToHalf(2 ** -14 - 2 ** -25)).toBe(0x0400); // rounds up out of the subnormals
    expect(halfToFloat(floatToHalf(NaN))).toBeNaN();
    expect(floatToHalf(-0)).toBe(0x8000);
    // float64 inputs round once, to the nearest half, not first to float32 (which would make this a tie, to 1.0)
    expect(floatToHalf(1 + 2 ** -11 + 2 ** -40)).toBe(0x3c01);
    expect(floatToHalf(-(1 + 2 ** -11 + 2 ** -40))).toBe(0xbc01);
    expect(floatToHalf(65519.99999)).toBe(0x7bff);
  });
});
