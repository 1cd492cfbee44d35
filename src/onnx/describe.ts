import { onnx } from 'onnx-proto';

export interface OnnxTensorInfo {
  name: string;
  /** Dimensions: sizes, or the names of symbolic ones ('batch', 'time'). */
  shape: string[];
}

export interface OnnxDescription {
  bytes: number;
  irVersion: number;
  opset: number;
  inputs: OnnxTensorInfo[];
  outputs: OnnxTensorInfo[];
  /** Number of graph nodes per operator type. */
  ops: Record<string, number>;
}

const info = (v: onnx.IValueInfoProto): OnnxTensorInfo => ({
  name: v.name ?? '',
  shape: (v.type?.tensorType?.shape?.dim ?? []).map((d) => d.dimParam || String(d.dimValue)),
});

/** What an ONNX model holds: versions, graph inputs and outputs with their shapes, operator counts. */
export function describeOnnx(bytes: Uint8Array): OnnxDescription {
  const proto = onnx.ModelProto.decode(bytes);
  const ops: Record<string, number> = {};
  for (const n of proto.graph?.node ?? []) ops[n.opType ?? '?'] = (ops[n.opType ?? '?'] ?? 0) + 1;
  return {
    bytes: bytes.length,
    irVersion: Number(proto.irVersion),
    opset: Number(proto.opsetImport?.[0]?.version),
    inputs: (proto.graph?.input ?? []).map(info),
    outputs: (proto.graph?.output ?? []).map(info),
    ops,
  };
}
