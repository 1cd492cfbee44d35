import type { Prosody, VoiceSpec } from '../synthesize';
import { importEsm } from './load-esm';
import { wavTo16k } from './to-16k';
import { requireKnownVoice } from './known-voice';

/** The parts of the Emscripten module of @echogarden/gnuspeech-wasm used here. */
interface GnuSpeechModule {
  FS: { readFile(path: string, opts: { encoding: 'utf8' }): string; readFile(path: string): Uint8Array; writeFile(path: string, data: string): void };
  HEAPU8: Uint8Array;
  _malloc(size: number): number;
  _free(address: number): void;
  _GnuSpeech_synthesizeToFile(text: number, wavPath: number, configDir: number, paramsPath: number, debug: boolean): void;
}

/** GnuSpeech's voices (its data/en/voice_*.txt): vocal tract lengths from adult male to baby. */
export const GNUSPEECH_VOICES = ['male', 'female', 'large_child', 'small_child', 'baby'] as const;

// The module's embedded file system holds the English data; its settings files are rewritten:
// the control model's for each utterance with its voice, tempo and pitch.
const DATA = '/data/en';
const CONTROL_MODEL = `${DATA}/trm_control_model.txt`;

let loaded: Promise<{ m: GnuSpeechModule; controlModel: string }> | undefined;

/** Instantiates the WebAssembly module once per process (about 0.5 s); every utterance reuses it. */
function load(): Promise<{ m: GnuSpeechModule; controlModel: string }> {
  loaded ??= (async () => {
    const { default: init } = (await importEsm('@echogarden/gnuspeech-wasm/wasm/gnuspeech.js')) as { default: () => Promise<GnuSpeechModule> };
    const m = await init();
    // Its lower output rate (of 22050 or 44100 Hz) halves the work of resampling to 16 kHz.
    const trm = `${DATA}/trm.txt`;
    m.FS.writeFile(trm, setting(m.FS.readFile(trm, { encoding: 'utf8' }), 'output_rate', '22050.0'));
    return { m, controlModel: m.FS.readFile(CONTROL_MODEL, { encoding: 'utf8' }) };
  })();
  return loaded;
}

function setting(config: string, key: string, value: string | number): string {
  const line = new RegExp(`^${key} = .*$`, 'm');
  if (!line.test(config)) throw new Error(`GnuSpeech settings have no '${key}'`);
  return config.replace(line, `${key} = ${value}`);
}

/** Copies a NUL-terminated UTF-8 string into the module's heap; the caller frees it. */
function cString(m: GnuSpeechModule, s: string): number {
  const bytes = new TextEncoder().encode(s);
  const address = m._malloc(bytes.length + 1);
  m.HEAPU8.set(bytes, address); // HEAPU8 is read after malloc, which may have grown the memory
  m.HEAPU8[address + bytes.length] = 0;
  return address;
}

/**
 * GnuSpeech, an articulatory synthesiser (a tube model of the vocal tract), through
 * @echogarden/gnuspeech-wasm. Its dictionary is British (e.g. "go" /gəʊ/).
 */
export async function gnuspeech(text: string, voice: VoiceSpec, prosody: Prosody): Promise<Float32Array> {
  requireKnownVoice('GnuSpeech', voice.voice, GNUSPEECH_VOICES);
  const { m, controlModel } = await load();
  // Synchronous from here on, so concurrent calls cannot interleave on the module's shared files.
  let config = setting(controlModel, 'voice_name', voice.voice);
  config = setting(config, 'tempo', prosody.rate.toFixed(3));
  // The voice's own pitch, shifted by -8..0 semitones (the file's default is -4; measured: the
  // male voice's median F0 goes from 95 to 150 Hz).
  config = setting(config, 'pitch_offset', (-8 + 8 * prosody.pitch).toFixed(2));
  // Its random intonation and pitch drift are not seeded: off, so that a corpus is reproducible.
  config = setting(config, 'random_intonation', 0);
  config = setting(config, 'intonation_drift', 0);
  m.FS.writeFile(CONTROL_MODEL, config);
  const args = [text, '/out.wav', DATA, '/out-params.txt'].map((s) => cString(m, s));
  try {
    m._GnuSpeech_synthesizeToFile(args[0], args[1], args[2], args[3], false);
    return wavTo16k(m.FS.readFile('/out.wav'), 'gnuspeech output');
  } finally {
    args.forEach((a) => m._free(a));
  }
}
