// Entry script of a probe child: `node probe-main.js --file F --backend B --results R`.
// Exit 0 when the probe ran to its end (what it found is in the results file), 2 on bad usage.
import { parseArgs } from 'node:util';
import { openEventWriter } from '../../child/events.js';
import { probe } from './probe.js';
import type { ProbeEvent } from './probe-events.js';

const { values } = parseArgs({ options: { file: { type: 'string' }, backend: { type: 'string' }, results: { type: 'string' } }, strict: true });
if (!values.file || !values.backend || !values.results) {
  console.error('probe-main: --file, --backend and --results are required');
  process.exit(2);
}
const events = openEventWriter<ProbeEvent>(values.results);
probe(values.file, values.backend, (e) => events.write(e));
events.write({ event: 'end' });
events.close();
process.exit(0);
