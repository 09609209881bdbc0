// The debug layer's pools (native/debug/debug_pool.c and the inline queue operations of
// debug_internal.h), on their own: test/fixtures/debug/pool_check.c drives one with two million
// random takes, retirements and limit changes and checks each step against a model, built with
// AddressSanitizer and UndefinedBehaviorSanitizer where the compiler has them.
import { expect } from 'chai';
import { execa } from 'execa';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';

const ROOT = path.resolve(import.meta.dirname, '..');
const SOURCES = [path.join(ROOT, 'test/fixtures/debug/pool_check.c'), path.join(ROOT, 'native/debug/debug_pool.c')];
const CFLAGS = ['-std=c11', '-Wall', '-Wextra', '-Werror', '-O1', '-g', `-I${path.join(ROOT, 'native/include')}`,
  `-I${path.join(ROOT, 'native/debug')}`];
const SANITIZERS = ['-fsanitize=address,undefined', '-fno-sanitize-recover=all'];

describe('debug layer: the pools of handle and builder records', function () {
  this.timeout(120_000);
  let dir: string;
  before(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'hpy-matrix-pool-'));
  });
  after(() => rm(dir, { recursive: true, force: true }));

  it('take records oldest free first, remember the newest retired ones, forget the rest, and shrink to a lower limit as HPy does', async function () {
    const exe = path.join(dir, 'pool_check');
    let built = await execa('cc', [...CFLAGS, ...SANITIZERS, ...SOURCES, '-o', exe], { reject: false, all: true });
    if (built.exitCode !== 0 && /asan|ubsan|sanitize/i.test(built.all ?? '')) {
      // A compiler without the sanitizers' libraries: the model check still runs.
      built = await execa('cc', [...CFLAGS, ...SOURCES, '-o', exe], { reject: false, all: true });
    }
    expect(built.all, 'compiler output').to.equal('');
    expect(built.exitCode).to.equal(0);
    const r = await execa(exe, [], { reject: false, all: true });
    expect(r.exitCode, r.all).to.equal(0);
    expect(r.all).to.match(/^ok 2000000 steps, \d+ records$/);
  });
});
