// The coverage table: what each backend says it does with every context function, checked
// so that a table that drops or double-counts a function is caught instead of printed.
import { CTX_MEMBERS } from '../../../loader/abi/abi.generated.js';
import { CapabilitiesUnknownError, type Backend, type Capabilities } from '../../../loader/backend.js';

/** Context function members (`ctx_…`) in ABI order: the rows of every coverage table. */
export const FUNCTION_MEMBERS: readonly string[] = CTX_MEMBERS.filter((m) => m.kind === 'func').map((m) => m.name);

const ABI_INDEX = new Map(FUNCTION_MEMBERS.map((name, i) => [name, i]));

export type Status = 'implemented' | 'partial' | 'unsupported';

/** One backend's table: every function member exactly once, each list in ABI order. */
export interface BackendCoverage {
  implemented: string[];
  partial: Array<{ name: string; missing: string }>;
  unsupported: Array<{ name: string; reason: string }>;
}

export interface CoverageReport {
  /** Changes only when a field changes meaning or disappears. */
  schema: 1;
  /** Number of context function members. */
  total: number;
  backends: Record<string, BackendCoverage>;
  /** Backends that cannot say which functions they implement (another implementation's HPy), with why. */
  unlisted?: Record<string, string>;
}

/** The command could not produce a trustworthy table; `message` names the backend. */
export class CoverageError extends Error {
  constructor(readonly backend: string, readonly reason: string) {
    super(`backend '${backend}': ${reason}`);
    this.name = 'CoverageError';
  }
}

const byAbiOrder = <T>(key: (x: T) => string) => (a: T, b: T) => ABI_INDEX.get(key(a))! - ABI_INDEX.get(key(b))!;

/**
 * Checks that the three lists are exclusive and together name every function member once,
 * and returns them sorted in ABI order. Backends are free to list in any order.
 */
export function checkCapabilities(backend: string, caps: Capabilities): BackendCoverage {
  const seen = new Map<string, Status[]>();
  const note = (name: unknown, status: Status) => {
    const key = String(name);
    seen.set(key, [...(seen.get(key) ?? []), status]);
  };
  caps.implemented.forEach((name) => note(name, 'implemented'));
  caps.partial.forEach((p) => note(p.name, 'partial'));
  caps.unsupported.forEach((u) => note(u.name, 'unsupported'));

  const problems: string[] = [];
  const unknown = [...seen.keys()].filter((name) => !ABI_INDEX.has(name));
  if (unknown.length) problems.push(`not context functions: ${unknown.join(', ')}`);
  const twice = [...seen].filter(([name, s]) => s.length > 1 && ABI_INDEX.has(name));
  if (twice.length) problems.push(`listed more than once: ${twice.map(([name, s]) => `${name} (${s.join(', ')})`).join(', ')}`);
  const missing = FUNCTION_MEMBERS.filter((name) => !seen.has(name));
  if (missing.length) problems.push(`missing: ${missing.join(', ')}`);
  const blank = [
    ...caps.partial.filter((p) => !isText(p.missing)).map((p) => `${p.name} (partial, no 'missing')`),
    ...caps.unsupported.filter((u) => !isText(u.reason)).map((u) => `${u.name} (unsupported, no 'reason')`),
  ];
  if (blank.length) problems.push(`without an explanation: ${blank.join(', ')}`);
  if (problems.length) throw new CoverageError(backend, `inconsistent capabilities: ${problems.join('; ')}`);

  return {
    implemented: [...caps.implemented].sort(byAbiOrder((n) => n)),
    partial: caps.partial.map(({ name, missing }) => ({ name, missing })).sort(byAbiOrder((p) => p.name)),
    unsupported: caps.unsupported.map(({ name, reason }) => ({ name, reason })).sort(byAbiOrder((u) => u.name)),
  };
}

function isText(s: unknown): boolean {
  return typeof s === 'string' && s.trim() !== '';
}

/** Creates each backend in turn, asks for its capabilities and closes it. */
export function collectCoverage(names: readonly string[], create: (name: string) => Backend): CoverageReport {
  const backends: Record<string, BackendCoverage> = {};
  const unlisted: Record<string, string> = {};
  for (const name of names) {
    let backend: Backend;
    try {
      backend = create(name);
    } catch (err) {
      throw new CoverageError(name, `could not be created: ${(err as Error).message}`);
    }
    try {
      let caps: Capabilities;
      try {
        caps = backend.capabilities();
      } catch (err) {
        if (err instanceof CapabilitiesUnknownError) {
          unlisted[name] = err.message;
          continue;
        }
        throw new CoverageError(name, `capabilities() failed: ${(err as Error).message}`);
      }
      backends[name] = checkCapabilities(name, caps);
    } finally {
      backend.close();
    }
  }
  return { schema: 1, total: FUNCTION_MEMBERS.length, backends, ...(Object.keys(unlisted).length ? { unlisted } : {}) };
}

/** Status of every function on one backend, for tables that look functions up by name. */
export function statuses(coverage: BackendCoverage): Map<string, Status> {
  return new Map<string, Status>([
    ...coverage.implemented.map((name) => [name, 'implemented'] as const),
    ...coverage.partial.map((p) => [p.name, 'partial'] as const),
    ...coverage.unsupported.map((u) => [u.name, 'unsupported'] as const),
  ]);
}
