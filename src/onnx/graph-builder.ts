import { onnx } from 'onnx-proto';

const DT = onnx.TensorProto.DataType;
const AT = onnx.AttributeProto.AttributeType;
export type Dim = number | string;
export type ElemType = 'float' | 'int32' | 'int64';
const ELEM: Record<ElemType, number> = { float: DT.FLOAT, int32: DT.INT32, int64: DT.INT64 };

export type AttrValue = number | string | string[] | number[] | { float: number };

/** Accumulates nodes, initializers and graph inputs/outputs; names are made unique here. */
export class GraphBuilder {
  readonly nodes: onnx.INodeProto[] = [];
  readonly initializers: onnx.ITensorProto[] = [];
  readonly inputs: onnx.IValueInfoProto[] = [];
  readonly outputs: onnx.IValueInfoProto[] = [];
  private counter = 0;

  fresh(prefix: string): string {
    return `${prefix}_${this.counter++}`;
  }

  input(name: string, type: ElemType, dims: Dim[]): string {
    this.inputs.push(valueInfo(name, type, dims));
    return name;
  }

  output(name: string, type: ElemType, dims: Dim[]): void {
    this.outputs.push(valueInfo(name, type, dims));
  }

  floatTensor(name: string, dims: number[], values: ArrayLike<number>): string {
    const data = Float32Array.from(values);
    this.initializers.push({ name, dims, dataType: DT.FLOAT, rawData: new Uint8Array(data.buffer) });
    return name;
  }

  /** A 1-D int64 tensor, or with `dims` [] a scalar (as Range and Gather indices want). */
  int64Tensor(name: string, values: number[], dims: number[] = [values.length]): string {
    const data = BigInt64Array.from(values.map((v) => BigInt(v)));
    this.initializers.push({ name, dims, dataType: DT.INT64, rawData: new Uint8Array(data.buffer) });
    return name;
  }

  /** Adds a node; returns its output names. Empty-string inputs mark omitted optional inputs. */
  node(op: string, inputs: string[], outputCount: number, attrs: Record<string, AttrValue> = {}, outputs?: string[]): string[] {
    const name = this.fresh(op);
    const outs = outputs ?? Array.from({ length: outputCount }, (_, i) => `${name}_out${i}`);
    this.nodes.push({ name, opType: op, input: inputs, output: outs, attribute: Object.entries(attrs).map(([k, v]) => attr(k, v)) });
    return outs;
  }

  model(graphName: string, opset: number, irVersion: number, doc: string): Uint8Array {
    const model: onnx.IModelProto = {
      irVersion,
      producerName: 'rnnkit',
      producerVersion: '0.1.0',
      docString: doc,
      opsetImport: [{ domain: '', version: opset }],
      graph: { name: graphName, node: this.nodes, initializer: this.initializers, input: this.inputs, output: this.outputs },
    };
    return onnx.ModelProto.encode(model).finish();
  }
}

function valueInfo(name: string, type: ElemType, dims: Dim[]): onnx.IValueInfoProto {
  return {
    name,
    type: { tensorType: { elemType: ELEM[type], shape: { dim: dims.map((d) => (typeof d === 'string' ? { dimParam: d } : { dimValue: d })) } } },
  };
}

function attr(name: string, v: AttrValue): onnx.IAttributeProto {
  const bytes = (s: string) => new TextEncoder().encode(s);
  if (typeof v === 'number') return { name, type: AT.INT, i: v };
  if (typeof v === 'string') return { name, type: AT.STRING, s: bytes(v) };
  // (v as unknown[]): TypeScript 5.0 (tslab's) cannot call every() on the union string[] | number[].
  if (Array.isArray(v) && (v as unknown[]).every((x) => typeof x === 'string')) return { name, type: AT.STRINGS, strings: (v as string[]).map(bytes) };
  if (Array.isArray(v)) return { name, type: AT.INTS, ints: v as number[] };
  return { name, type: AT.FLOAT, f: v.float };
}
