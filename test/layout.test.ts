// The directions the architecture promises, checked on every import of every source file: the
// loader never reaches into the harness, suite code and the cell never reach the runner or the
// reports, the reporters render a result without running anything, and suites see only the
// suite API.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { execFileSync } from 'node:child_process';
import { expect } from 'chai';
import { importsIn } from './source-imports.js';

const ROOT = path.resolve(import.meta.dirname, '..');

interface Import {
  from: string;
  /** The imported file relative to the root, or the bare specifier of a package. */
  to: string;
  typeOnly: boolean;
}

/** Every import of a source file, dynamic ones included, resolved against the root. */
function importsOf(file: string, text: string): Import[] {
  return importsIn(text).map(({ spec, typeOnly }) => {
    const to = spec.startsWith('.') ? path.relative(ROOT, path.resolve(path.dirname(path.join(ROOT, file)), spec)) : spec;
    return { from: file, to: to.replace(/\.c?js$/, (ext) => (ext === '.cjs' ? '.cts' : '.ts')), typeOnly };
  });
}

function sources(): string[] {
  return execFileSync('git', ['ls-files', '--cached', '--others', '--exclude-standard', 'loader', 'harness', 'suites'], { cwd: ROOT, encoding: 'utf8' })
    .split('\n').filter((f) => /\.(c?ts|mjs|js)$/.test(f) && !f.includes('/fixtures/'));
}

const under = (dir: string) => (f: string) => f === dir || f.startsWith(`${dir}/`);

interface Rule {
  what: string;
  files: (f: string) => boolean;
  /** True for an import the rule forbids. */
  forbids: (i: Import) => boolean;
}

const RULES: Rule[] = [
  { what: 'the loader never imports the harness', files: under('loader'), forbids: (i) => under('harness')(i.to) },
  {
    what: 'suite code and the cell never import the runner, the reports or the commands',
    files: (f) => under('harness/suite')(f) || under('harness/cell')(f),
    forbids: (i) => ['harness/runner', 'harness/reports', 'harness/commands', 'harness/cli.ts'].some((d) => under(d)(i.to)),
  },
  {
    what: 'the run reporters render a result: no backend, no child process, nothing of the runner but its types',
    files: under('harness/reports/run'),
    // names.ts is the backend grammar, free of imports: reading a name loads no backend.
    forbids: (i) => (under('loader/backends')(i.to) && i.to !== 'loader/backends/names.ts') || under('harness/child')(i.to) || i.to === 'execa'
      || (under('harness/runner')(i.to) && !i.typeOnly),
  },
  {
    what: 'the runner never imports a reporter or a command',
    files: under('harness/runner'),
    forbids: (i) => under('harness/reports/run')(i.to) || under('harness/commands')(i.to),
  },
  {
    what: 'only the command line imports the commands',
    files: (f) => !under('harness/commands')(f) && f !== 'harness/cli.ts',
    forbids: (i) => under('harness/commands')(i.to) || i.to === 'harness/cli.ts',
  },
  {
    what: 'suites import only the suite API, chai, Node\'s modules and their own files',
    files: under('suites'),
    forbids: (i) => !(i.to === 'hpy-matrix/suite' || i.to === 'chai' || i.to.startsWith('node:')
      || under(path.dirname(i.from))(i.to)),
  },
];

describe('layout: the directions of imports', () => {
  const files = sources();
  const imports = files.flatMap((f) => importsOf(f, readFileSync(path.join(ROOT, f), 'utf8')));

  it('reads the imports of every source file', () => {
    expect(files.length).to.be.greaterThan(100);
    expect(imports.filter((i) => i.from === 'harness/runner/runner.ts').map((i) => i.to)).to.include('harness/runner/gate.ts');
  });

  for (const rule of RULES) {
    it(rule.what, () => {
      const broken = imports.filter((i) => rule.files(i.from) && rule.forbids(i)).map((i) => `${i.from} imports ${i.to}`);
      expect(broken).to.deep.equal([]);
    });
  }

  it('each rule catches what it forbids', () => {
    const probe = (from: string, line: string) => importsOf(from, line).filter((i) => RULES.some((r) => r.files(from) && r.forbids(i)));
    expect(probe('loader/binary.ts', "import { x } from '../harness/runner/gate.js';")).to.have.length(1);
    expect(probe('harness/cell/cell.ts', "import { y } from '../runner/runner.js';")).to.have.length(1);
    expect(probe('harness/suite/index.ts', "const m = await import('../reports/run/html.js');")).to.have.length(1);
    expect(probe('harness/reports/run/html.ts', "import { runMatrix } from '../../runner/runner.js';")).to.have.length(1);
    expect(probe('harness/reports/run/html.ts', "import type { MatrixResult } from '../../runner/result.js';")).to.have.length(0);
    expect(probe('harness/reports/run/html.ts', "import { createBackend } from '../../../loader/backends/index.js';")).to.have.length(1);
    expect(probe('harness/runner/runner.ts', "export { formatHtmlReport } from '../reports/run/html.js';")).to.have.length(1);
    expect(probe('suites/basic/basic.test.ts', "import { runMatrix } from '../../harness/runner/runner.js';")).to.have.length(1);
    expect(probe('suites/basic/basic.test.ts', "import { py } from 'hpy-matrix/suite';")).to.have.length(0);
  });
});
