// Live progress: the terminal status line as a pure function, and the plain lines of CI logs.
import { expect } from 'chai';
import type { CellResult } from '../harness/runner/cell-result.js';
import { progressDisplay, renderCellLine, renderStatusLine, type ProgressState } from '../harness/runner/progress.js';

function cell(suite: string, status: CellResult['status'], extra: Partial<CellResult> = {}): CellResult {
  return { suite, backend: 'reference', status, passed: 3, failed: 0, skipped: 1, durationMs: 2140, tests: [], ...extra };
}

describe('progress', () => {
  describe('terminal status line', () => {
    const state: ProgressState = {
      total: 12, done: 5, running: ['basic × reference', 'types × reference'],
      statuses: new Map([['PASS', 4], ['FAIL', 1]]),
    };

    it('shows done/total, running count, counts by status and the running cells', () => {
      expect(renderStatusLine(state, 200)).to.equal('[5/12] 2 running | 4 PASS, 1 FAIL | basic × reference, types × reference');
    });

    it('fits the terminal width, cutting the list of running cells first', () => {
      const line = renderStatusLine(state, 40);
      expect(line).to.equal('[5/12] 2 running | 4 PASS, 1 FAIL | bas…');
      expect(line).to.have.length(40);
    });

    it('before any cell finished: no counts', () => {
      expect(renderStatusLine({ total: 3, done: 0, running: [], statuses: new Map() }, 80)).to.equal('[0/3] 0 running');
    });
  });

  describe('plain lines (not a terminal)', () => {
    function capture(isTTY: boolean) {
      const written: string[] = [];
      const display = progressDisplay({ isTTY, columns: 60, write: (text: string) => written.push(text) });
      return { written, display };
    }

    it('one line per finished cell, with the first line of the reason of a cell that did not run through', () => {
      const { written, display } = capture(false);
      display.runStarted(3);
      display.cellStarted({ suite: 'basic', backend: 'reference' });
      display.cellStarted({ suite: 'types', backend: 'reference' });
      display.cellFinished(cell('types', 'CRASH', { error: "killed by SIGSEGV in 'types t'\nstderr tail" }));
      display.cellFinished(cell('basic', 'PASS'));
      display.cellFinished(cell('hang', 'SKIP', { passed: 0, skipped: 0, durationMs: 0 }));
      display.finish();
      expect(written).to.deep.equal([
        "[1/3] types × reference CRASH 3 passed, 0 failed, 1 skipped (2.1 s) - killed by SIGSEGV in 'types t'\n",
        '[2/3] basic × reference PASS 3 passed, 0 failed, 1 skipped (2.1 s)\n',
        '[3/3] hang × reference SKIP 0 passed, 0 failed, 0 skipped (0.0 s)\n',
      ]);
    });

    it('renderCellLine of a failing cell has no reason: the report lists its failed tests', () => {
      expect(renderCellLine(cell('basic', 'FAIL', { failed: 2 }), 1, 1)).to.equal('[1/1] basic × reference FAIL 3 passed, 2 failed, 1 skipped (2.1 s)');
    });
  });

  describe('terminal', () => {
    it('redraws one line in place and clears it at the end', () => {
      const written: string[] = [];
      const display = progressDisplay({ isTTY: true, columns: 61, write: (text: string) => written.push(text) });
      display.runStarted(2);
      display.cellStarted({ suite: 'basic', backend: 'reference' });
      display.cellFinished(cell('basic', 'PASS'));
      display.finish();
      expect(written).to.deep.equal([
        '\r\x1b[2K[0/2] 0 running',
        '\r\x1b[2K[0/2] 1 running | basic × reference',
        '\r\x1b[2K[1/2] 0 running | 1 PASS',
        '\r\x1b[2K',
      ]);
    });
  });
});
