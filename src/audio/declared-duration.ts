import type { AudioFormat } from './audio-format';

/**
 * The duration a compressed file's headers declare, in seconds, so that an over-long file is
 * refused before it is decoded; null when the format does not say (MP3) or the field is unset.
 * Headers can lie: the decoder enforces the same limit on what it actually produces.
 */
export function declaredSeconds(bytes: Uint8Array, format: AudioFormat): number | null {
  if (format === 'flac') return flacSeconds(bytes);
  if (format === 'ogg-vorbis' || format === 'ogg-opus') return oggSeconds(bytes, format);
  return null;
}

/** STREAMINFO (the first metadata block): 20-bit sample rate at byte 18, 36-bit sample count at 21.5. */
function flacSeconds(bytes: Uint8Array): number | null {
  if (bytes.length < 26 || (bytes[4] & 0x7f) !== 0) return null;
  const rate = (bytes[18] << 12) | (bytes[19] << 4) | (bytes[20] >> 4);
  const total = (bytes[21] & 0x0f) * 2 ** 32 + new DataView(bytes.buffer, bytes.byteOffset + 22, 4).getUint32(0, false);
  return rate > 0 && total > 0 ? total / rate : null;
}

/** The granule position (samples; 48 kHz for Opus) of the last page that ends a packet. */
function oggSeconds(bytes: Uint8Array, format: AudioFormat): number | null {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const firstPayload = 27 + bytes[26];
  const rate = format === 'ogg-opus' ? 48000 : bytes.length >= firstPayload + 16 ? view.getUint32(firstPayload + 12, true) : 0;
  if (rate === 0) return null;
  const MAX_PAGE = 65307;
  for (let at = bytes.length - 27; at >= Math.max(0, bytes.length - 2 * MAX_PAGE); at--) {
    if (bytes[at] !== 0x4f || bytes[at + 1] !== 0x67 || bytes[at + 2] !== 0x67 || bytes[at + 3] !== 0x53) continue; // "OggS"
    const low = view.getUint32(at + 6, true);
    const high = view.getUint32(at + 10, true);
    if (low === 0xffffffff && high === 0xffffffff) continue; // no packet ends on this page
    return (high * 2 ** 32 + low) / rate;
  }
  return null;
}
