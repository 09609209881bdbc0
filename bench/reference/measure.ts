// Interleaved, repeated timing with a baseline measured in every round. The machine is shared
// and its speed drifts, so each case is compared with the baseline of the same round and the
// medians over rounds are reported; nothing here passes or fails on time.

export interface Case {
  name: string;
  /** Context calls (or callbacks) made by one iteration; times are reported per call too. */
  callsPerIteration: number;
  /** Runs `n` iterations; throws when something went wrong (a wrong result is no timing). */
  run(n: number): void;
  /** Runs `n` iterations and returns ns per iteration as timed where they ran (another thread). */
  time?(n: number): number;
}

export interface CaseResult {
  name: string;
  callsPerIteration: number;
  nsPerIteration: number;
  nsPerCall: number;
  /** Median over rounds of (ns per call / baseline ns per call in the same round). */
  ratio: number;
  /** ns per iteration in each round, in round order (for ratios between two cases). */
  byRound: number[];
}

export interface MeasureOptions {
  iterations: number;
  rounds: number;
}

export function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
}

function timeOnce(c: Case, n: number): number {
  if (c.time) return c.time(n);
  const t0 = process.hrtime.bigint();
  c.run(n);
  return Number(process.hrtime.bigint() - t0) / n;
}

/**
 * The first case is the baseline. One untimed warm-up round lets V8 optimise the callbacks;
 * each timed round runs every case once, starting from a different case each round so that
 * no case always follows the same neighbour.
 */
export function measure(cases: Case[], opts: MeasureOptions): CaseResult[] {
  for (const c of cases) c.run(Math.min(opts.iterations, 10_000));
  const perIteration = cases.map(() => [] as number[]);
  const ratios = cases.map(() => [] as number[]);
  for (let round = 0; round < opts.rounds; round++) {
    const ns = new Array<number>(cases.length);
    for (let k = 0; k < cases.length; k++) {
      const i = (round + k) % cases.length;
      ns[i] = timeOnce(cases[i], opts.iterations);
    }
    const baseline = ns[0] / cases[0].callsPerIteration;
    cases.forEach((c, i) => {
      perIteration[i].push(ns[i]);
      ratios[i].push(ns[i] / c.callsPerIteration / baseline);
    });
  }
  return cases.map((c, i) => {
    const nsPerIteration = median(perIteration[i]);
    return {
      name: c.name,
      callsPerIteration: c.callsPerIteration,
      nsPerIteration,
      nsPerCall: nsPerIteration / c.callsPerIteration,
      ratio: median(ratios[i]),
      byRound: perIteration[i],
    };
  });
}

/** Median over rounds of a's time per call / b's time per call in the same round. */
export function medianRatio(a: CaseResult, b: CaseResult): number {
  return median(a.byRound.map((ns, r) => ns / a.callsPerIteration / (b.byRound[r] / b.callsPerIteration)));
}
