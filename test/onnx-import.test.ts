import * as fs from 'fs';
import * as path from 'path';
import { onnx } from 'onnx-proto';
import { Sequential, type LayerSpec } from '../src';
import * as ort from 'onnxruntime-node';
import { exportOnnx, ONNX_IR_VERSION, ONNX_OPSET } from '../src/onnx/export';
import { GraphBuilder } from '../src/onnx/graph-builder';
import { OnnxModel } from '../src/onnx/onnx-model';
import { importOnnx, importOnnxFile, OnnxImportError, UnsupportedOnnxOpError } from '../src/onnx/import';
import { randomSeq } from './helpers/data';
import { maxAbsDiff } from './helpers/compare';
import { CONV_AFTER_LAST_STEP } from './helpers/conv1d-specs';

const DIR = path.join(__dirname, 'fixtures', 'torch-onnx');

// Exported by torch.onnx.export (scripts/make-torch-onnx-fixtures.py); reference outputs from PyTorch.
const fixtures = fs.readdirSync(DIR).filter((f) => f.endsWith('.onnx')).map((f) => f.replace('.onnx', ''));

describe.each(fixtures)('import of a PyTorch-exported model: %s', (name) => {
  it('matches PyTorch outputs to 1e-5 at a batch size and length other than the traced ones', () => {
    const fx = JSON.parse(fs.readFileSync(path.join(DIR, `${name}.json`), 'utf8'));
    const { model, outputActivation } = importOnnxFile(path.join(DIR, `${name}.onnx`));
    expect(outputActivation).toBe('none');
    expect(model.recurrentLayers()[0].type).toBe(fx.case.kind);
    expect(model.recurrentLayers()).toHaveLength(fx.case.layers);
    if (fx.case.filters) {
      // Conv1d(padding=dilation·(kernel-1)/2) then torch.relu: a 'same' conv1d with the relu folded in.
      expect(model.config.layers[0]).toEqual({
        type: 'conv1d', filters: fx.case.filters, kernelSize: fx.case.kernel, dilation: fx.case.dilation, padding: 'same', activation: 'relu',
      });
    }
    const [B, T, F] = fx.shape;
    const y = model.predict({ data: Float32Array.from(fx.input), batch: B, time: T, features: F });
    expect([y.batch, y.time, y.features]).toEqual(fx.outputShape);
    expect(maxAbsDiff(y.data, fx.output)).toBeLessThan(1e-5);
  });
});

describe('import of rnnkit exports', () => {
  it('round-trips weights and outputs, including embedding and last-step layers', () => {
    const model = new Sequential({
      inputFeatures: 1, seed: 5,
      layers: [
        { type: 'embedding', vocabSize: 9, embeddingDim: 4 },
        { type: 'lstm', hiddenSize: 5, bidirectional: true },
        { type: 'rnn', hiddenSize: 3, activation: 'relu', returnSequences: false },
        { type: 'dense', units: 2 },
      ],
    });
    const { model: back, outputActivation } = importOnnx(exportOnnx(model, { outputActivation: 'log_softmax' }));
    expect(outputActivation).toBe('log_softmax');
    expect(back.config.layers).toEqual([
      { type: 'embedding', vocabSize: 9, embeddingDim: 4 },
      { type: 'lstm', hiddenSize: 5, bidirectional: true },
      { type: 'rnn', hiddenSize: 3, bidirectional: false, activation: 'relu', returnSequences: false },
      { type: 'dense', units: 2 },
    ]);
    // The graph reads the last-step layer's Y_h (its final state), not Y: returnSequences false.
    expect(back.getWeights()).toEqual(model.getWeights());
    const ids = { data: Float32Array.from([1, 4, 2, 8, 0, 3, 5, 7]), batch: 2, time: 4, features: 1 };
    const y = back.predict(ids, [4, 2]);
    expect([y.batch, y.time, y.features]).toEqual([2, 1, 2]);
    expect(maxAbsDiff(y.data, model.predict(ids, [4, 2]).data)).toBe(0);
  });

  it('refuses an LSTM whose cell state Y_c feeds the next layer', () => {
    const proto = onnx.ModelProto.decode(exportOnnx(new Sequential({ inputFeatures: 2, seed: 1, layers: [{ type: 'lstm', hiddenSize: 3, returnSequences: false }, { type: 'dense', units: 2 }] })));
    const lstm = proto.graph!.node!.find((n) => n.opType === 'LSTM')!;
    const reader = proto.graph!.node!.find((n) => n.input?.[0] === lstm.output![1])!;
    reader.input![0] = lstm.output![2];
    expect(() => importOnnx(onnx.ModelProto.encode(proto).finish())).toThrow(/unsupported ONNX op 'LSTM'.*only its outputs Y or Y_h/);
  });

  it('round-trips a GRU stack and gives the same outputs', () => {
    const model = new Sequential({ inputFeatures: 3, seed: 6, layers: [{ type: 'gru', hiddenSize: 4 }, { type: 'gru', hiddenSize: 4, bidirectional: true }, { type: 'dense', units: 2 }] });
    const { model: back } = importOnnx(exportOnnx(model));
    const x = randomSeq('float32', 4, 7, 3);
    expect(maxAbsDiff(back.predict(x, [7, 2, 5, 1]).data, model.predict(x, [7, 2, 5, 1]).data)).toBe(0);
  });
});

/**
 * The graph tf2onnx makes of a Keras/TensorFlow.js GRU (reset_after=False) with a Dense head: time-major
 * Transpose, a GRU without linear_before_reset, sequence_lens or recurrent bias (Keras has one bias), Squeeze of
 * the direction axis, Transpose back, MatMul + Add.
 */
function tf2onnxStyleGru(I: number, H: number, units: number): Uint8Array {
  const g = new GraphBuilder();
  const values = (n: number, seed: number) => randomSeq('float32', 1, 1, n, seed).data;
  const input = g.input('input', 'float', ['batch', 'time', I]);
  const [xt] = g.node('Transpose', [input], 1, { perm: [1, 0, 2] });
  const bias = new Float32Array(6 * H); // Wb, then Rb = 0
  bias.set(values(3 * H, 3));
  const [y] = g.node('GRU', [xt, g.floatTensor('W', [1, 3 * H, I], values(3 * H * I, 1)), g.floatTensor('R', [1, 3 * H, H], values(3 * H * H, 2)), g.floatTensor('B', [1, 6 * H], bias)], 2, { hidden_size: H });
  const [sq] = g.node('Squeeze', [y, g.int64Tensor('axes', [1])], 1);
  const [bt] = g.node('Transpose', [sq], 1, { perm: [1, 0, 2] });
  const [mm] = g.node('MatMul', [bt, g.floatTensor('dense_W', [H, units], values(H * units, 4))], 1);
  g.node('Add', [mm, g.floatTensor('dense_b', [units], values(units, 5))], 1, {}, ['output']);
  g.output('output', 'float', ['batch', 'time', units]);
  return g.model('tf2onnx-style', ONNX_OPSET, ONNX_IR_VERSION, '');
}

describe('import of GRUs with the reset gate before the product (Keras/TensorFlow.js via tf2onnx)', () => {
  it('a tf2onnx-style graph imports as resetAfter: false and matches onnxruntime to 1e-5', async () => {
    const bytes = tf2onnxStyleGru(3, 6, 2);
    const { model } = importOnnx(bytes);
    expect(model.config.layers).toEqual([{ type: 'gru', hiddenSize: 6, bidirectional: false, resetAfter: false }, { type: 'dense', units: 2 }]);
    const x = randomSeq('float32', 2, 7, 3, 6);
    const session = await ort.InferenceSession.create(bytes);
    const got = await session.run({ input: new ort.Tensor('float32', x.data as Float32Array, [2, 7, 3]) });
    await session.release();
    expect(maxAbsDiff(model.predict(x).data, got.output.data as Float32Array)).toBeLessThan(1e-5);
  });

  it('round-trips resetAfter: false through linear_before_reset=0, same outputs', () => {
    const layers = [{ type: 'gru', hiddenSize: 4, resetAfter: false }, { type: 'gru', hiddenSize: 4, bidirectional: true, resetAfter: false }, { type: 'dense', units: 2 }] as const;
    const model = new Sequential({ inputFeatures: 3, seed: 6, layers: [...layers] });
    const bytes = exportOnnx(model);
    const gru = onnx.ModelProto.decode(bytes).graph!.node!.find((n) => n.opType === 'GRU')!;
    expect(Number(gru.attribute!.find((a) => a.name === 'linear_before_reset')!.i)).toBe(0);
    const { model: back } = importOnnx(bytes);
    expect(back.config.layers.map((l) => ('resetAfter' in l ? l.resetAfter : undefined))).toEqual([false, false, undefined]);
    const x = randomSeq('float32', 4, 7, 3);
    expect(maxAbsDiff(back.predict(x, [7, 2, 5, 1]).data, model.predict(x, [7, 2, 5, 1]).data)).toBe(0);
  });

  it('imports a GRU without the attribute (ONNX default 0, as tf2onnx writes it) with onnxruntime parity', async () => {
    const proto = onnx.ModelProto.decode(exportOnnx(new Sequential({ inputFeatures: 2, seed: 1, layers: [{ type: 'gru', hiddenSize: 5, bidirectional: true }] })));
    const gru = proto.graph!.node!.find((n) => n.opType === 'GRU')!;
    gru.attribute = gru.attribute!.filter((a) => a.name !== 'linear_before_reset');
    const bytes = onnx.ModelProto.encode(proto).finish();
    const { model } = importOnnx(bytes);
    expect(model.config.layers[0]).toMatchObject({ type: 'gru', resetAfter: false });
    const x = randomSeq('float32', 3, 6, 2, 4);
    const onnxModel = await OnnxModel.load(bytes);
    const got = await onnxModel.run(x, { lengths: [6, 2, 5] });
    await onnxModel.release();
    expect(maxAbsDiff(model.predict(x, [6, 2, 5]).data, got.output.data)).toBeLessThan(1e-5);
  });
});

describe('import of conv1d', () => {
  const layers: LayerSpec[] = [
    { type: 'conv1d', filters: 5, kernelSize: 3, dilation: 2, padding: 'causal', activation: 'relu' },
    { type: 'conv1d', filters: 4, kernelSize: 4, activation: 'tanh' },
    { type: 'gru', hiddenSize: 3 },
    { type: 'conv1d', filters: 2, kernelSize: 1 },
  ];
  const model = new Sequential({ inputFeatures: 3, seed: 8, layers });

  it('round-trips rnnkit exports (the masks of valid steps skipped): specs, weights and outputs on a padded batch', () => {
    const { model: back } = importOnnx(exportOnnx(model));
    expect(back.config.layers).toEqual([
      { type: 'conv1d', filters: 5, kernelSize: 3, dilation: 2, padding: 'causal', activation: 'relu' },
      { type: 'conv1d', filters: 4, kernelSize: 4, dilation: 1, padding: 'same', activation: 'tanh' },
      { type: 'gru', hiddenSize: 3, bidirectional: false },
      { type: 'conv1d', filters: 2, kernelSize: 1, dilation: 1, padding: 'same', activation: 'linear' },
    ]);
    expect(back.getWeights()).toEqual(model.getWeights());
    const x = randomSeq('float32', 3, 6, 3);
    expect(maxAbsDiff(back.predict(x, [6, 2, 4]).data, model.predict(x, [6, 2, 4]).data)).toBe(0);
  });

  it('round-trips conv1d after a last-step LSTM (read from Y_h): returnSequences false, one step out, same outputs', () => {
    const original = new Sequential({ inputFeatures: 4, seed: 17, layers: CONV_AFTER_LAST_STEP });
    const { model: back } = importOnnx(exportOnnx(original));
    expect(back.config.layers[3]).toEqual({ type: 'lstm', hiddenSize: 3, bidirectional: false, returnSequences: false });
    expect(back.getWeights()).toEqual(original.getWeights());
    const x = randomSeq('float32', 3, 9, 4, 2);
    const y = back.predict(x, [9, 1, 4]);
    expect([y.batch, y.time, y.features]).toEqual([3, 1, 2]);
    expect(maxAbsDiff(y.data, original.predict(x, [9, 1, 4]).data)).toBe(0);
  });

  /** The export of `model` with its first Conv (kernel 3, dilation 2, causal), or its last (kernel 1), edited. */
  const edit = (change: (conv: onnx.INodeProto, graph: onnx.IGraphProto) => void, which: 'first' | 'last' = 'first') => {
    const proto = onnx.ModelProto.decode(exportOnnx(model));
    const convs = proto.graph!.node!.filter((n) => n.opType === 'Conv');
    change(convs[which === 'first' ? 0 : convs.length - 1], proto.graph!);
    return onnx.ModelProto.encode(proto).finish();
  };
  const ints = (conv: onnx.INodeProto, name: string) => conv.attribute!.find((a) => a.name === name)!;
  const setAttr = (conv: onnx.INodeProto, attr: onnx.IAttributeProto) => conv.attribute!.push(onnx.AttributeProto.create(attr));
  const AT = onnx.AttributeProto.AttributeType;
  const text = (s: string) => new TextEncoder().encode(s);
  /** The node producing `tensor`. */
  const producerOf = (g: onnx.IGraphProto, tensor: string) => g.node!.find((n) => n.output!.includes(tensor))!;

  it('imports a Conv without a bias input as a zero bias', () => {
    const { model: back } = importOnnx(edit((c) => (c.input = c.input!.slice(0, 2))));
    const want = model.getWeights();
    want[1] = new Float32Array(want[1].length);
    expect(back.getWeights()).toEqual(want);
  });

  it("imports auto_pad VALID on a kernel of 1 (no padding to add) as 'same'", () => {
    const bytes = edit((c) => {
      c.attribute = c.attribute!.filter((a) => a.name !== 'pads');
      setAttr(c, { name: 'auto_pad', type: AT.STRING, s: text('VALID') });
    }, 'last');
    const { model: back } = importOnnx(bytes);
    expect(back.config.layers[3]).toEqual({ type: 'conv1d', filters: 2, kernelSize: 1, dilation: 1, padding: 'same', activation: 'linear' });
    const x = randomSeq('float32', 2, 5, 3);
    expect(maxAbsDiff(back.predict(x, [5, 3]).data, model.predict(x, [5, 3]).data)).toBe(0);
  });

  it.each([
    ['stride 2', (c: onnx.INodeProto) => (ints(c, 'strides').ints = [2]), /Conv.*strides 2: only stride 1 without groups/],
    ['group 2', (c: onnx.INodeProto) => setAttr(c, { name: 'group', type: AT.INT, i: 2 }), /Conv.*group 2: only stride 1 without groups/],
    ['auto_pad SAME_UPPER', (c: onnx.INodeProto) => setAttr(c, { name: 'auto_pad', type: AT.STRING, s: text('SAME_UPPER') }), /Conv.*auto_pad SAME_UPPER is not supported \(explicit pads are\)/],
    ['auto_pad VALID on a kernel of 3', (c: onnx.INodeProto) => {
      c.attribute = c.attribute!.filter((a) => a.name !== 'pads');
      setAttr(c, { name: 'auto_pad', type: AT.STRING, s: text('VALID') });
    }, /Conv.*auto_pad VALID with kernel 3, dilation 2 shortens the sequence/],
    ['two dilations (a 2-D Conv)', (c: onnx.INodeProto) => (ints(c, 'dilations').ints = [2, 2]), /Conv.*dilations 2,2: a 1-D convolution has one dilation/],
    ['four pads', (c: onnx.INodeProto) => (ints(c, 'pads').ints = [4, 0, 4, 0]), /Conv.*pads 4,0,4,0: a 1-D convolution has two pads/],
    ['a kernel_shape unlike the weight', (c: onnx.INodeProto) => (ints(c, 'kernel_shape').ints = [5]), /Conv.*kernel_shape 5 does not match the weight's kernel 3/],
    ['a weight computed in the graph', (c: onnx.INodeProto) => (c.input![1] = c.input![0]), /Conv.*only a 1-D convolution with a constant weight/],
    ['a bias computed in the graph', (c: onnx.INodeProto) => (c.input![2] = c.input![0]), /Conv.*the bias must be a constant tensor/],
    ['pads that shorten the sequence', (c: onnx.INodeProto) => (ints(c, 'pads').ints = [0, 0]), /pads 0,0 change the length; only 'same' \(2,2\) or causal \(4,0\)/],
    ['pads that are neither same nor causal', (c: onnx.INodeProto) => (ints(c, 'pads').ints = [1, 3]), /pads 1,3 change the length/],
    ['a Mul that is not the mask', (_c: onnx.INodeProto, g: onnx.IGraphProto) => {
      const mul = g.node!.find((n) => n.opType === 'Mul')!;
      mul.input = [mul.input![0], mul.input![0]];
    }, /unsupported ONNX op 'Mul'.*only the mask of valid steps/],
    ['a data-dependent gate x * (x < c) shaped like the mask (Unsqueeze(Cast(Less)))', (_c: onnx.INodeProto, g: onnx.IGraphProto) => {
      const mul = g.node!.find((n) => n.opType === 'Mul')!;
      const less = g.node!.find((n) => n.opType === 'Less')!;
      g.initializer!.push(onnx.TensorProto.create({ name: 'c', dims: [], dataType: onnx.TensorProto.DataType.FLOAT, floatData: [0.5] }));
      less.input = [mul.input![0], 'c'];
    }, /unsupported ONNX op 'Mul'.*only the mask of valid steps/],
    ['the mask of valid steps on a GRU output, not next to a Conv', (_c: onnx.INodeProto, g: onnx.IGraphProto) => {
      // The last Conv's output mask now multiplies the GRU's output directly.
      const c = g.node!.filter((n) => n.opType === 'Conv').pop()!;
      const input = producerOf(g, c.input![0]); // Transpose <- Mul(gru output, mask)
      const gruOut = producerOf(g, input.input![0]).input![0];
      const after = g.node!.filter((n) => n.opType === 'Mul').pop()!;
      after.input![0] = gruOut;
    }, /unsupported ONNX op 'Mul'.*only the mask of valid steps/],
  ])('refuses %s, naming the op', (_name, change, message) => {
    expect(() => importOnnx(edit(change))).toThrow(UnsupportedOnnxOpError);
    expect(() => importOnnx(edit(change))).toThrow(message);
  });

  it('refuses an activation that does not follow a Conv', () => {
    const g = new GraphBuilder();
    g.input('x', 'float', ['batch', 'time', 2]);
    g.output('y', 'float', ['batch', 'time', 2]);
    const [mm] = g.node('MatMul', ['x', g.floatTensor('w', [2, 2], [1, 0, 0, 1])], 1);
    g.node('Relu', [mm], 1, {}, ['y']);
    expect(() => importOnnx(g.model('m', ONNX_OPSET, ONNX_IR_VERSION, ''))).toThrow(/unsupported ONNX op 'Relu'.*only supported directly after a Conv/);
  });
});

describe('import errors', () => {
  it('names an unsupported op and its node', () => {
    const bytes = exportOnnx(new Sequential({ inputFeatures: 2, seed: 1, layers: [{ type: 'lstm', hiddenSize: 3 }] }));
    const proto = onnx.ModelProto.decode(bytes);
    proto.graph!.node!.push(onnx.NodeProto.create({ name: 'my_pool', opType: 'MaxPool', input: ['input'], output: ['unused'] }));
    const withPool = onnx.ModelProto.encode(proto).finish();
    expect(() => importOnnx(withPool)).toThrow(UnsupportedOnnxOpError);
    expect(() => importOnnx(withPool)).toThrow("unsupported ONNX op 'MaxPool' (node 'my_pool')");
  });

  it('rejects a linear_before_reset other than 0 or 1', () => {
    const proto = onnx.ModelProto.decode(exportOnnx(new Sequential({ inputFeatures: 2, seed: 1, layers: [{ type: 'gru', hiddenSize: 3 }] })));
    proto.graph!.node!.find((n) => n.opType === 'GRU')!.attribute!.find((a) => a.name === 'linear_before_reset')!.i = 2;
    expect(() => importOnnx(onnx.ModelProto.encode(proto).finish())).toThrow(/linear_before_reset=2/);
  });

  it('rejects bytes that are not ONNX, and missing files', () => {
    expect(() => importOnnx(new Uint8Array([0xff, 0xff, 0xff, 0x01, 0x02]), 'junk.onnx')).toThrow(OnnxImportError);
    expect(() => importOnnx(new Uint8Array([0xff, 0xff, 0xff, 0x01, 0x02]), 'junk.onnx')).toThrow(/junk\.onnx: /);
    expect(() => importOnnx(new Uint8Array(0), 'empty.onnx')).toThrow(/empty\.onnx: the ONNX model has no graph/);
    expect(() => importOnnxFile('/nonexistent/m.onnx')).toThrow(/m\.onnx: cannot read: ENOENT/);
  });
});
