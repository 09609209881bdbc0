// What a probe child tells its parent, one event per line of its events file (child/events.ts).
// Each is written before the next risky step, so a crash keeps everything learned until then.
import type { Capabilities } from '../../../loader/backend.js';
import type { FunctionInfo } from './model.js';

export type ProbeEvent =
  | { event: 'loaded'; doc: string | null; functions: FunctionInfo[] }
  | { event: 'load-failed'; error: string }
  /** The backend's own table (or why it has none), for what it lacks of what the extension uses. */
  /** `unlisted`: the backend cannot say which functions it implements (another implementation's HPy), and why. */
  | { event: 'capabilities'; capabilities?: Capabilities; error?: string; unlisted?: string }
  | { event: 'initialized' }
  | { event: 'init-failed'; error: string }
  | { event: 'contents'; types: Array<{ name: string; specName: string }>; other: Array<{ name: string; type: string; repr: string }> }
  | { event: 'calls'; calls: Record<string, number> }
  | { event: 'end' };
