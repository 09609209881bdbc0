// `hpy-matrix coverage`: the table comes from the backends, covers every context function
// exactly once, and what a backend calls unsupported really is refused at run time.
import path from 'node:path';
import { expect } from 'chai';
import { execa } from 'execa';
import { CTX_MEMBERS } from '../loader/abi/abi.generated.js';
import { PythonError, type Backend, type Capabilities } from '../loader/backend.js';
import { BACKEND_NAMES, createBackend } from '../loader/backends/index.js';
import { KNOWN_BACKENDS } from '../loader/backends/names.js';
import { ReferenceBackend } from '../loader/backends/reference/index.js';
import { buildExtension } from '../loader/build/extension.js';
import { runCoverage } from '../harness/commands/coverage.js';
import { formatCoverage } from '../harness/reports/coverage/format.js';
import { checkCapabilities, CoverageError, FUNCTION_MEMBERS, type CoverageReport } from '../harness/reports/coverage/table.js';

const ROOT = path.resolve(import.meta.dirname, '..');
const FUNCS = CTX_MEMBERS.filter((m) => m.kind === 'func');

const cli = (args: string[]) =>
  execa('node', ['--import', 'tsx', '--input-type=module', '-e',
    "const { main } = await import('./harness/cli.ts'); await main(process.argv.slice(1));", 'coverage', ...args],
  { cwd: ROOT, reject: false });

/** Runs the command in this process, collecting what it prints. */
async function inProcess(args: { backend?: string[]; json?: boolean; all?: boolean }, create?: (name: string) => Backend) {
  const out: string[] = [];
  const err: string[] = [];
  const { log, error } = console;
  console.log = (...a: unknown[]) => void out.push(a.join(' '));
  console.error = (...a: unknown[]) => void err.push(a.join(' '));
  try {
    const code = await runCoverage({ json: false, all: false, exercised: false, config: 'matrix.json', ...args }, create);
    return { code, stdout: out.join('\n'), stderr: err.join('\n') };
  } finally {
    Object.assign(console, { log, error });
  }
}

function capabilitiesOf(name: string): Capabilities {
  const b = createBackend(name);
  try {
    return b.capabilities();
  } finally {
    b.close();
  }
}

/** A backend that reports `caps`; nothing else of it is used. */
function fakeBackend(caps: Capabilities): Backend {
  return { name: 'fake', capabilities: () => caps, close: () => {} } as unknown as Backend;
}

const squash = (s: string) => s.replace(/\s+/g, ' ');

describe('hpy-matrix coverage', function () {
  let report: CoverageReport;
  before(async function () {
    const r = await cli(['--json']);
    expect(r.stderr).to.equal('');
    expect(r.exitCode).to.equal(0);
    report = JSON.parse(r.stdout) as CoverageReport;
  });

  it('prints every known backend with the total number of function members', () => {
    expect(report.schema).to.equal(1);
    expect(report.total).to.equal(FUNCS.length).and.to.equal(189);
    expect(Object.keys(report.backends)).to.deep.equal([...BACKEND_NAMES]);
  });

  it('lists each function member exactly once per backend, under its real member name', () => {
    for (const [name, b] of Object.entries(report.backends)) {
      const listed = [...b.implemented, ...b.partial.map((p) => p.name), ...b.unsupported.map((u) => u.name)];
      expect(listed, name).to.have.lengthOf(report.total);
      expect([...listed].sort(), name).to.deep.equal(FUNCS.map((m) => m.name).sort());
      for (const p of b.partial) expect(p.missing, p.name).to.be.a('string').and.not.equal('');
      for (const u of b.unsupported) expect(u.reason, u.name).to.be.a('string').and.not.equal('');
    }
  });

  it('keeps ABI order inside each list', () => {
    const offset = new Map(FUNCS.map((m) => [m.name, m.offset]));
    for (const b of Object.values(report.backends)) {
      for (const list of [b.implemented, b.partial.map((p) => p.name), b.unsupported.map((u) => u.name)]) {
        const offsets = list.map((n) => offset.get(n)!);
        expect(offsets).to.deep.equal([...offsets].sort((x, y) => x - y));
      }
    }
  });

  it('says what the backend itself says', () => {
    for (const [name, b] of Object.entries(report.backends)) {
      const caps = capabilitiesOf(name);
      expect(new Set(b.implemented)).to.deep.equal(new Set(caps.implemented));
      expect(new Set(b.partial.map((p) => `${p.name}: ${p.missing}`))).to.deep.equal(new Set(caps.partial.map((p) => `${p.name}: ${p.missing}`)));
      expect(new Set(b.unsupported.map((u) => `${u.name}: ${u.reason}`))).to.deep.equal(new Set(caps.unsupported.map((u) => `${u.name}: ${u.reason}`)));
    }
  });

  it('refuses an unknown backend with exit 2 and the list of known ones', async () => {
    const r = await cli(['--backend', 'reference', '--backend', 'nope']);
    expect(r.exitCode).to.equal(2);
    expect(r.stdout).to.equal('');
    expect(r.stderr.trim()).to.equal(`hpy-matrix coverage: --backend: unknown backend 'nope' (known: ${KNOWN_BACKENDS})`);
  });

  it('prints a summary line per backend, then the partial and unsupported functions with their reasons', async () => {
    const r = await inProcess({});
    expect(r.code).to.equal(0);
    const lines = r.stdout.split('\n');
    expect(lines[0]).to.match(new RegExp(`^Context functions: ${report.total} `));
    for (const [name, b] of Object.entries(report.backends)) {
      const summary = lines.filter((l) => l.startsWith(`${name} `));
      expect(summary).to.have.lengthOf(1);
      expect(squash(summary[0])).to.contain(`${b.implemented.length} implemented ${b.partial.length} partial ${b.unsupported.length} unsupported`);
      // Reasons may wrap onto the following lines; whitespace-squashed, each entry reads "name reason".
      for (const p of b.partial) expect(squash(r.stdout)).to.contain(` ${p.name} ${squash(p.missing)}`);
      for (const u of b.unsupported) expect(squash(r.stdout)).to.contain(` ${u.name} ${squash(u.reason)}`);
      // This backend's own sections list no function it implements (another backend's may).
      const own = r.stdout.split(/\n(?=\S)/).filter((section) => section.startsWith(`${name}: `)).join('\n');
      for (const fn of b.implemented) expect(own).not.to.match(new RegExp(`^  ${fn} `, 'm'));
    }
    for (const l of lines) expect(l.length, l).to.be.at.most(100);
  });

  it('--all adds a row per function with its status on each backend', async () => {
    const r = await inProcess({ all: true, backend: ['reference', 'cpython'] });
    expect(r.code).to.equal(0);
    const lines = r.stdout.split('\n');
    const header = lines.findIndex((l) => l.startsWith('function '));
    expect(squash(lines[header])).to.equal('function reference cpython');
    const rows = lines.slice(header + 1);
    expect(rows.map((l) => l.split(/\s+/)[0])).to.deep.equal(FUNCTION_MEMBERS);
    const word = { implemented: 'yes', partial: 'partial', unsupported: 'no' } as const;
    const b = report.backends.reference!;
    const expected = (fn: string) =>
      b.implemented.includes(fn) ? word.implemented : b.partial.some((p) => p.name === fn) ? word.partial : word.unsupported;
    for (const row of rows) expect(row.split(/\s+/)[1], row).to.equal(expected(row.split(/\s+/)[0]));
    for (const l of lines) expect(l.length, l).to.be.at.most(100);
  });

  it('wraps long reasons under their column', () => {
    const reason = 'needs the object model of a real interpreter, which the reference backend keeps out of scope '.repeat(3);
    const b = report.backends.reference;
    const [first, ...rest] = b.implemented;
    const wide: CoverageReport = { ...report, backends: { reference: { ...b, implemented: rest, partial: [{ name: first, missing: reason }] } } };
    const text = formatCoverage(wide);
    for (const l of text.split('\n')) expect(l.length, l).to.be.at.most(100);
    expect(squash(text)).to.contain(` ${first} ${squash(reason).trim()}`);
  });

  it('numbers the --all columns when the backend names would not fit in 100 columns', () => {
    const b = report.backends.reference;
    const names = ['reference', 'debug:reference', 'trace:reference', 'cpython', 'debug:cpython', 'trace:cpython'];
    const wide: CoverageReport = { ...report, backends: Object.fromEntries(names.map((n) => [n, b])) };
    const lines = formatCoverage(wide, { all: true }).split('\n');
    names.forEach((n, i) => expect(lines).to.include(`  [${i + 1}] ${n}`));
    expect(lines.find((l) => l.startsWith('function '))).to.match(/^function +\[1\] +\[2\] +\[3\] +\[4\] +\[5\] +\[6\]$/);
    for (const l of lines) expect(l.length, l).to.be.at.most(100);
  });
});

describe('hpy-matrix coverage: inconsistent backends', () => {
  const all = FUNCS.map((m) => m.name);
  const [a, b, c] = all;

  it('accepts a table in any order and returns it in ABI order', () => {
    const t = checkCapabilities('x', {
      implemented: all.slice(3).reverse(),
      partial: [{ name: c, missing: 'half' }],
      unsupported: [{ name: b, reason: 'no' }, { name: a, reason: 'no' }],
    });
    expect(t.implemented).to.deep.equal(all.slice(3));
    expect(t.unsupported.map((u) => u.name)).to.deep.equal([a, b]);
  });

  it('names the backend and every function listed twice, missing or unknown', () => {
    const caps: Capabilities = {
      implemented: [...all.slice(2), 'ctx_NoSuchThing', 'h_None'],
      partial: [{ name: c, missing: 'half' }],
      unsupported: [{ name: b, reason: 'no' }],
    };
    let err: unknown;
    try {
      checkCapabilities('odd', caps);
    } catch (e) {
      err = e;
    }
    expect(err).to.be.instanceOf(CoverageError);
    const msg = (err as Error).message;
    expect(msg).to.match(/^backend 'odd': inconsistent capabilities: /);
    expect(msg).to.contain('not context functions: ctx_NoSuchThing, h_None');
    expect(msg).to.contain(`listed more than once: ${c} (implemented, partial)`);
    expect(msg).to.contain(`missing: ${a}`);
    expect(msg).not.to.contain(`missing: ${a}, ${b}`);
  });

  it('refuses an unsupported function without a reason', () => {
    expect(() => checkCapabilities('odd', { implemented: all.slice(1), partial: [], unsupported: [{ name: a, reason: ' ' }] }))
      .to.throw(CoverageError, `without an explanation: ${a} (unsupported, no 'reason')`);
  });

  it('exits 2 with one line naming the backend and the functions, printing no table', async () => {
    const bad = fakeBackend({ implemented: all.slice(1), partial: [], unsupported: [] });
    const r = await inProcess({ backend: ['reference'] }, () => bad);
    expect(r.code).to.equal(2);
    expect(r.stdout).to.equal('');
    expect(r.stderr).to.equal(`hpy-matrix coverage: backend 'reference': inconsistent capabilities: missing: ${a}`);
  });

  it('exits 2 when a backend cannot be created', async () => {
    const r = await inProcess({ backend: ['reference'] }, () => {
      throw new Error('libpython3.11.so not found');
    });
    expect(r.code).to.equal(2);
    expect(r.stderr).to.equal(`hpy-matrix coverage: backend 'reference': could not be created: libpython3.11.so not found`);
  });
});

describe('reference backend: unsupported functions raise SystemError', function () {
  let backend: ReferenceBackend;
  let refused: ReturnType<Backend['loadModule']>;
  let unsupported: Capabilities['unsupported'];

  before(async function () {
    const ext = await buildExtension({ sources: [path.join(ROOT, 'test/fixtures/coverage/refused.c')] });
    backend = new ReferenceBackend();
    refused = backend.loadModule(ext.path);
    unsupported = backend.capabilities().unsupported;
  });
  after(() => backend?.close());

  function systemErrorOf(method: string, args: Parameters<Backend['fromPrimitive']>[0][]): PythonError {
    const fn = backend.getattr(refused, method);
    try {
      backend.call(fn, args.map((a) => backend.fromPrimitive(a)));
    } catch (e) {
      expect(e).to.be.instanceOf(PythonError);
      return e as PythonError;
    }
    throw new Error(`${method} did not raise`);
  }

  it('HPy_Compile_s, while the backend lists it as unsupported', function () {
    if (!unsupported.some((u) => u.name === 'ctx_Compile_s')) this.skip();
    const e = systemErrorOf('compile_s', []);
    expect(e.type).to.equal('SystemError');
    expect(e.pyMessage).to.contain('HPy_Compile_s');
  });

  it('every function the backend lists as unsupported, called from C', function () {
    if (unsupported.length === 0) this.skip();
    for (const { name } of unsupported) {
      const m = FUNCS.find((f) => f.name === name)!;
      const e = systemErrorOf('call_member', [m.offset]);
      expect(e.type, name).to.equal('SystemError');
      // The message names the function as the extension author wrote it or as the member is called.
      expect([m.apiName, m.name].some((n) => n !== null && e.pyMessage.includes(n)), `${name}: ${e.pyMessage}`).to.equal(true);
    }
    expect(backend.openHandles).to.equal(0);
  });
});
