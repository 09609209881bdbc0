// Entry script of a probe child: `node probe-main.js --file F --backend B --results R`.
// Exit 0 when the probe ran to its end (what it found is in the results file), 2 on bad usage.
import { closeSync, openSync, writeSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { probe } from './probe.js';
import { encodeProbeEvent } from './probe-events.js';

const { values } = parseArgs({ options: { file: { type: 'string' }, backend: { type: 'string' }, results: { type: 'string' } }, strict: true });
if (!values.file || !values.backend || !values.results) {
  console.error('probe-main: --file, --backend and --results are required');
  process.exit(2);
}
const fd = openSync(values.results, 'w');
// writeSync per event: a segfault in the next native call must not lose this line.
probe(values.file, values.backend, (e) => { writeSync(fd, encodeProbeEvent(e)); });
writeSync(fd, encodeProbeEvent({ event: 'end' }));
closeSync(fd);
process.exit(0);
