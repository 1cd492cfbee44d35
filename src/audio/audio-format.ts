/**
 * Audio container/codec detection from the first bytes of a file (never from its name:
 * clips get renamed, and the extension says nothing about an Ogg file's codec).
 */
export type AudioFormat = 'wav' | 'mp3' | 'flac' | 'ogg-vorbis' | 'ogg-opus';

export const SUPPORTED_FORMATS = 'WAV (PCM, float, A-law, μ-law), MP3, FLAC, Ogg Vorbis, Ogg Opus';

const ascii = (bytes: Uint8Array, at: number, length: number) => String.fromCharCode(...bytes.subarray(at, at + length));

/** The format of `bytes`, or null when it is none of the supported ones. */
export function sniffAudioFormat(bytes: Uint8Array): AudioFormat | null {
  if (ascii(bytes, 0, 4) === 'RIFF' && ascii(bytes, 8, 4) === 'WAVE') return 'wav';
  if (ascii(bytes, 0, 4) === 'fLaC') return 'flac';
  if (ascii(bytes, 0, 3) === 'ID3' || isMpegAudioFrame(bytes, 0)) return 'mp3';
  if (ascii(bytes, 0, 4) === 'OggS') {
    // The first page holds the codec's identification header, right after the segment table.
    const payload = 27 + (bytes[26] ?? 0);
    if (ascii(bytes, payload, 7) === '\x01vorbis') return 'ogg-vorbis';
    if (ascii(bytes, payload, 8) === 'OpusHead') return 'ogg-opus';
  }
  return null;
}

/** MPEG audio frame header: 11 sync bits, a defined version and layer (ADTS AAC has layer 0), a valid bit rate and sample rate. */
function isMpegAudioFrame(bytes: Uint8Array, at: number): boolean {
  if (bytes.length < at + 4 || bytes[at] !== 0xff || (bytes[at + 1] & 0xe0) !== 0xe0) return false;
  const version = (bytes[at + 1] >> 3) & 3;
  const layer = (bytes[at + 1] >> 1) & 3;
  const bitrate = bytes[at + 2] >> 4;
  const rate = (bytes[at + 2] >> 2) & 3;
  return version !== 1 && layer !== 0 && bitrate !== 0 && bitrate !== 15 && rate !== 3;
}

/** A printable start of an unrecognised file, for the error message. */
export function describeStart(bytes: Uint8Array): string {
  return ascii(bytes, 0, 4).replace(/[^\x20-\x7e]/g, '?');
}
