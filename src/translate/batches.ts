/** Length-bucketed batches: pairs sorted by source then target length, cut into batches of similar lengths (little padding). */
export function lengthBatches(sourceLengths: number[], targetLengths: number[], batchSize: number): number[][] {
  const order = sourceLengths.map((_, i) => i).sort((a, b) => sourceLengths[a] - sourceLengths[b] || targetLengths[a] - targetLengths[b] || a - b);
  const out: number[][] = [];
  for (let i = 0; i < order.length; i += batchSize) out.push(order.slice(i, i + batchSize));
  return out;
}
