/** Width and height from a PNG's IHDR chunk; throws when the bytes are not a PNG. */
export function pngSize(png: Buffer | string): { width: number; height: number } {
  const b = typeof png === 'string' ? Buffer.from(png, 'base64') : png;
  const signature = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
  if (b.length < 24 || !b.subarray(0, 8).equals(signature) || b.toString('latin1', 12, 16) !== 'IHDR') {
    throw new Error(`not a PNG (${b.length} bytes)`);
  }
  return { width: b.readUInt32BE(16), height: b.readUInt32BE(20) };
}
