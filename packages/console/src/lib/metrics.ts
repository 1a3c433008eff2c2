/** Reads the sum and count of a Prometheus histogram (no labels) from the text exposition format. */
export function histogramTotals(text: string, name: string): { sum: number; count: number } | undefined {
  let sum: number | undefined;
  let count: number | undefined;
  for (const line of text.split('\n')) {
    if (line.startsWith(`${name}_sum `)) sum = Number(line.slice(name.length + 5));
    else if (line.startsWith(`${name}_count `)) count = Number(line.slice(name.length + 7));
  }
  return sum === undefined || count === undefined || Number.isNaN(sum) || Number.isNaN(count)
    ? undefined
    : { sum, count };
}

/** Mean of the observations between two readings of a histogram, or undefined when none happened. */
export function intervalMean(
  before: { sum: number; count: number },
  after: { sum: number; count: number },
): number | undefined {
  const n = after.count - before.count;
  return n > 0 ? (after.sum - before.sum) / n : undefined;
}

/** A point of a live chart: x = time (ms since epoch), y = value. */
export interface Point {
  readonly t: number;
  readonly v: number;
}

/**
 * Throughput series of a run of blocks (oldest first): for each block after the first, its
 * transactions per second over the time since the previous block.
 */
export function throughputSeries(
  blocks: readonly { readonly time: number; readonly txCount: number }[],
): Point[] {
  const out: Point[] = [];
  for (let i = 1; i < blocks.length; i++) {
    const dt = blocks[i]!.time - blocks[i - 1]!.time;
    if (dt > 0) out.push({ t: blocks[i]!.time, v: (blocks[i]!.txCount * 1000) / dt });
  }
  return out;
}
