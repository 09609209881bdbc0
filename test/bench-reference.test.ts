// Smoke test of bench/reference: it builds, runs every case and prints a ratio for each.
// Times are never checked: the machine is shared and a benchmark does not pass or fail.
import path from 'node:path';
import { expect } from 'chai';
import { execa } from 'execa';

const ROOT = path.resolve(import.meta.dirname, '..');
const ROWS = [
  'bare koffi callback (baseline)',
  'Dup + Close',
  'Long_FromInt64_t + Close',
  'Long_AsInt64_t',
  'Add of two small ints + Close',
  'Tuple_FromArray of 4 + Close',
  'GetAttr_s on a module + Close',
  'NOARGS call from TypeScript',
];
const number = String.raw`\d+(?:\.\d+)?`;

describe('bench/reference (smoke)', function () {
  let r: { stdout: string; stderr: string; exitCode?: number };
  before(async function () {
    r = await execa('node', ['--import', 'tsx', 'bench/reference/index.ts', '--iterations', '200', '--rounds', '1'],
      { cwd: ROOT, reject: false });
  });

  it('prints every row with ns per call and a ratio to the bare callback', function () {
    expect(r.stderr).to.equal('');
    expect(r.exitCode).to.equal(0);
    const [first, layers] = r.stdout.split('\nlayers, same cases');
    expect(layers, 'the layers table').to.be.a('string');
    for (const name of ROWS) {
      const row = first.split('\n').find((l) => l.startsWith(`${name} `));
      expect(row, name).to.match(new RegExp(` ${number} +${number} +${number} +${number}x( +(yes|no))?$`));
    }
    expect(r.stdout).to.match(/^bench\/reference: 200 iterations x 1 rounds/);
    expect(r.stdout).to.contain('Goal: simple context calls within 1.5x the bare callback');
  });

  it('prints the same cases on debug:reference and trace:reference with ratios to plain reference', function () {
    expect(r.stderr).to.equal('');
    expect(r.exitCode).to.equal(0);
    const layers = r.stdout.split('\nlayers, same cases')[1];
    expect(layers.split('\n')[0]).to.match(/^ +reference +debug +trace +debug vs ref +trace vs ref$/);
    // Every context case, without the bare callback: reference, debug and trace ns, two ratios.
    for (const name of ROWS.slice(1)) {
      const row = layers.split('\n').find((l) => l.startsWith(`${name} `));
      expect(row, name).to.match(new RegExp(` ${number} +${number} +${number} +${number}x +${number}x$`));
    }
    expect(layers).to.match(new RegExp(`\ngeometric mean +${number}x +${number}x\n`));
  });

  it('refuses a bad iteration count with exit 2', async function () {
    const bad = await execa('node', ['--import', 'tsx', 'bench/reference/index.ts', '--iterations', '0'], { cwd: ROOT, reject: false });
    expect(bad.exitCode).to.equal(2);
    expect(bad.stderr.trim()).to.equal("bench/reference: --iterations must be a positive integer, got '0'");
  });
});
