/**
 * What an untrusted model file, ONNX file, checkpoint or training spec may make rnnkit allocate.
 * Loaders check these, and that the bytes a file declares are really present, before allocating,
 * so that a file of a few hundred bytes cannot claim gigabytes. Audio limits: src/audio/limits.ts.
 */

/** Model shape limits; raise them (API option, or --max-width etc. on the command line) for larger models. */
export interface ModelLimits {
  /** Largest hiddenSize, embeddingDim and inputFeatures. */
  maxWidth: number;
  /** Largest embedding vocabulary, and largest dense layer (an output layer may span a vocabulary). */
  maxVocab: number;
  /** Most layers in a model. */
  maxLayers: number;
  /** Most parameters in all (4 bytes each in float32, 8 in float64). */
  maxParameters: number;
}

export const DEFAULT_MODEL_LIMITS: Readonly<ModelLimits> = {
  maxWidth: 8192,
  maxVocab: 1 << 20,
  maxLayers: 256,
  maxParameters: 250e6,
};

/** The command-line option that raises each model limit (named in errors). */
export const MODEL_LIMIT_OPTIONS: Record<keyof ModelLimits, string> = {
  maxWidth: '--max-width',
  maxVocab: '--max-vocab',
  maxLayers: '--max-layers',
  maxParameters: '--max-parameters',
};

/** Largest JSON file read (model, checkpoint, data): V8 cannot hold a longer string. */
export const MAX_JSON_BYTES = 512 * 1024 * 1024 - 64;
/** Largest training spec file: a spec is a few hundred bytes. */
export const MAX_SPEC_BYTES = 1e6;
/** Largest binary (safetensors) model or checkpoint file read: a Node.js buffer holds up to 4 GB. */
export const MAX_BINARY_BYTES = 2 ** 32 - 1;
/** Largest ONNX file read (protobuf's own limit is 2 GB). */
export const MAX_ONNX_BYTES = 2 ** 31 - 1;

/** Limits of a training spec's numbers (beyond these a run is a typo, not a plan). */
export const TRAIN_LIMITS = {
  /** Epochs, batch size, truncated-BPTT window, early-stopping patience, schedule steps. */
  maxCount: 1e7,
  /** Sequences of a built-in synthetic task. */
  maxSequences: 1e7,
  /** Steps per sequence of a built-in synthetic task. */
  maxTime: 1e6,
  /** Values (sequences × steps × features) of a built-in synthetic task: 400 MB as float32. */
  maxTaskValues: 1e8,
} as const;
