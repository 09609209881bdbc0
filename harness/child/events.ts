// The events file of an isolated child: one JSON object per line, each written synchronously as
// it happens, so that whatever the child said before a crash is on disk for its parent. Cells
// and extension probes both speak through it; each defines its own event type.
import { closeSync, openSync, writeSync } from 'node:fs';

/** Writes events to `file` (created or emptied), one line each, synchronously. */
export interface EventWriter<E> {
  write(event: E): void;
  close(): void;
}

export function openEventWriter<E>(file: string): EventWriter<E> {
  const fd = openSync(file, 'w');
  return {
    // writeSync per event: a segfault in the next native call must not lose this line.
    write: (event) => { writeSync(fd, `${JSON.stringify(event)}\n`); },
    close: () => closeSync(fd),
  };
}

/**
 * The events of a file. A line that does not parse is dropped and counted: a crash mid-write
 * cuts the last line short, and everything the child said before it still counts.
 */
export function decodeEvents<E>(text: string): { events: E[]; unreadable: number } {
  const events: E[] = [];
  let unreadable = 0;
  for (const line of text.split('\n')) {
    if (line.trim() === '') continue;
    try {
      events.push(JSON.parse(line) as E);
    } catch {
      unreadable++;
    }
  }
  return { events, unreadable };
}
