// Sharding: a deterministic share of a matrix's cells for one of n CI jobs, balanced by the
// cells' durations in an earlier report when there is one, else by count. Every job computes
// the same split from the same inputs, so the shards cover the matrix once between them.
import { ConfigError } from './json-text.js';

export interface Shard {
  /** 1-based, as written on the command line. */
  index: number;
  total: number;
}

/** `--shard i/n`, with 1 ≤ i ≤ n. */
export function parseShard(source: string, text: string): Shard {
  const m = /^(\d+)\/(\d+)$/.exec(text.trim());
  const index = m ? Number(m[1]) : NaN;
  const total = m ? Number(m[2]) : NaN;
  if (!m || total < 1 || index < 1 || index > total) {
    throw new ConfigError(source, `must be i/n with 1 <= i <= n (e.g. 2/3), got '${text}'`);
  }
  return { index, total };
}

/**
 * The positions (in `keys`' order) of the items that fall to `shard`. Longest first, each to
 * the least loaded shard (the lowest on a tie): with durations the shards end at about the same
 * time; without, every item weighs the same and the shards differ by one item at most. An item
 * the durations do not know weighs as much as the known ones do on average.
 */
export function shareOf(keys: readonly string[], shard: Shard, durations?: ReadonlyMap<string, number>): number[] {
  const known = keys.map((k) => durations?.get(k)).filter((d): d is number => d !== undefined);
  const fallback = known.length === 0 ? 1 : known.reduce((a, b) => a + b, 0) / known.length;
  const weight = keys.map((k) => durations?.get(k) ?? fallback);
  const order = keys.map((_, i) => i).sort((a, b) => weight[b]! - weight[a]! || a - b);
  const load = new Array<number>(shard.total).fill(0);
  const mine: number[] = [];
  for (const i of order) {
    let least = 0;
    for (let s = 1; s < shard.total; s++) if (load[s]! < load[least]!) least = s;
    load[least] = load[least]! + weight[i]!;
    if (least === shard.index - 1) mine.push(i);
  }
  return mine.sort((a, b) => a - b);
}
