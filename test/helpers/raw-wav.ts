/** A WAV file built byte by byte, for encodings encodeWav does not write. */
export function rawWav(opts: { format?: number; channels?: number; rate?: number; bits?: number; blockAlign?: number; data?: Uint8Array; extensibleSub?: number }): Uint8Array {
  const { format = 1, channels = 1, rate = 16000, bits = 16, data = new Uint8Array(64) } = opts;
  const ext = opts.extensibleSub !== undefined;
  const fmtSize = ext ? 40 : 16;
  const buf = new Uint8Array(12 + 8 + fmtSize + 8 + data.length);
  const v = new DataView(buf.buffer);
  const ascii = (at: number, s: string) => [...s].forEach((c, i) => (buf[at + i] = c.charCodeAt(0)));
  ascii(0, 'RIFF');
  v.setUint32(4, buf.length - 8, true);
  ascii(8, 'WAVEfmt ');
  v.setUint32(16, fmtSize, true);
  v.setUint16(20, ext ? 0xfffe : format, true);
  v.setUint16(22, channels, true);
  v.setUint32(24, rate, true);
  v.setUint32(28, (rate * channels * bits) / 8, true);
  v.setUint16(32, opts.blockAlign ?? (channels * bits) / 8, true);
  v.setUint16(34, bits, true);
  if (ext) {
    v.setUint16(36, 22, true);
    v.setUint16(38, bits, true);
    v.setUint16(44, opts.extensibleSub!, true);
  }
  ascii(20 + fmtSize, 'data');
  v.setUint32(24 + fmtSize, data.length, true);
  buf.set(data, 28 + fmtSize);
  return buf;
}

/**
 * A RIFF/WAVE file from chunks in the order given; `pad: false` leaves out the pad byte after an
 * odd-sized chunk (as some writers do).
 */
export function riffWave(chunks: { id: string; body: Uint8Array; pad?: boolean }[]): Uint8Array {
  const parts = chunks.map(({ id, body, pad = true }) => {
    const out = new Uint8Array(8 + body.length + (pad && body.length % 2 ? 1 : 0));
    [...id].forEach((c, i) => (out[i] = c.charCodeAt(0)));
    new DataView(out.buffer).setUint32(4, body.length, true);
    out.set(body, 8);
    return out;
  });
  const total = parts.reduce((n, p) => n + p.length, 12);
  const buf = new Uint8Array(total);
  [...'RIFF'].forEach((c, i) => (buf[i] = c.charCodeAt(0)));
  new DataView(buf.buffer).setUint32(4, total - 8, true);
  [...'WAVE'].forEach((c, i) => (buf[8 + i] = c.charCodeAt(0)));
  let at = 12;
  for (const p of parts) {
    buf.set(p, at);
    at += p.length;
  }
  return buf;
}

/** The "fmt " and "data" chunk bodies of a canonical WAV file (44-byte header). */
export function canonicalChunks(wav: Uint8Array): { fmt: Uint8Array; data: Uint8Array } {
  return { fmt: wav.subarray(20, 36), data: wav.subarray(44) };
}
