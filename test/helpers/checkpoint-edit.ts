import * as fs from 'fs';
import { decodeSafetensors, encodeSafetensors, tensorValues, type SafeTensor } from '../../src/io/safetensors';

/** A binary checkpoint opened for editing: metadata (state and config parsed) and tensors by name. */
export interface EditableCheckpoint {
  metadata: Record<string, string>;
  state: Record<string, any>;
  config: Record<string, any>;
  tensors: Map<string, SafeTensor>;
}

/** Rewrites a binary checkpoint (or model) file through `change`, for crafting corrupt files in tests. */
export function editCheckpoint(from: string, to: string, change: (c: EditableCheckpoint) => void): string {
  const decoded = decodeSafetensors(fs.readFileSync(from));
  const tensors = new Map([...decoded.tensors].map(([name, t]) => [name, { name, dtype: t.dtype, shape: t.shape, data: tensorValues({ dtype: t.dtype, bytes: t.bytes.slice() }) }]));
  const c: EditableCheckpoint = {
    metadata: { ...decoded.metadata },
    state: decoded.metadata.state ? JSON.parse(decoded.metadata.state) : {},
    config: JSON.parse(decoded.metadata.config),
    tensors,
  };
  change(c);
  const metadata = { ...c.metadata, config: JSON.stringify(c.config), ...(c.metadata.state ? { state: JSON.stringify(c.state) } : {}) };
  fs.writeFileSync(to, Buffer.concat(encodeSafetensors([...c.tensors.values()], metadata)));
  return to;
}
