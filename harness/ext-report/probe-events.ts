// What a probe child tells its parent, one JSON object per line of its results file. Each line
// is written before the next risky step, so a crash keeps everything learned until then.
import type { FunctionInfo } from './model.js';

export type ProbeEvent =
  | { event: 'loaded'; doc: string | null; functions: FunctionInfo[] }
  | { event: 'load-failed'; error: string }
  | { event: 'initialized' }
  | { event: 'init-failed'; error: string }
  | { event: 'contents'; types: Array<{ name: string; specName: string }>; other: Array<{ name: string; type: string; repr: string }> }
  | { event: 'calls'; calls: Record<string, number> }
  | { event: 'end' };

export function encodeProbeEvent(e: ProbeEvent): string {
  return `${JSON.stringify(e)}\n`;
}

/** Lines that do not parse (a line cut short by a crash) are dropped. */
export function decodeProbeEvents(text: string): ProbeEvent[] {
  return text.split('\n').flatMap((line) => {
    if (line.trim() === '') return [];
    try {
      return [JSON.parse(line) as ProbeEvent];
    } catch {
      return [];
    }
  });
}
