import { Sequential, type LayerSpec } from '../src';
import { exportEnsembleOnnx } from '../src/onnx/ensemble';
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

  it('refuses members that read or write other shapes, or return one step', () => {
    expect(() => exportEnsembleOnnx([])).toThrow('an ensemble needs at least one model');
    expect(() => exportEnsembleOnnx([members[0], new Sequential({ inputFeatures: 3, layers: layers(5), seed: 3 })])).toThrow(
      'ensemble member 1 maps 3 -> 5 features, member 0 3 -> 6: members must read and write the same shapes');
    expect(() => exportEnsembleOnnx([members[0], new Sequential({ inputFeatures: 4, layers: layers(6), seed: 3 })])).toThrow(/member 1 maps 4 -> 6/);
    const lastStep = new Sequential({ inputFeatures: 3, layers: [{ type: 'gru', hiddenSize: 5, returnSequences: false }, { type: 'dense', units: 6 }], seed: 4 });
    expect(() => exportEnsembleOnnx([members[0], lastStep])).toThrow('ensemble member 1 returns one step, not a sequence');
  });
});
