// matrix.json: the schema, paths relative to the file, and the backend grammar.
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { expect } from 'chai';
import { backendProblem, readMatrixConfig } from '../harness/runner/config.js';
import { readExpectations } from '../harness/runner/expectations.js';
import { BACKEND_NAMES, KNOWN_BACKENDS } from '../loader/backends/names.js';

describe('matrix.json', () => {
  let tmp: string;
  before(async () => {
    tmp = await mkdtemp(path.join(os.tmpdir(), 'hpy-matrix-config-test-'));
    await mkdir(path.join(tmp, 'my-suite'));
    await mkdir(path.join(tmp, 'build'));
    await writeFile(path.join(tmp, 'build', 'mine.hpy0.so'), '');
    await writeFile(path.join(tmp, 'build', 'mine.so'), '');
    await writeFile(path.join(tmp, 'known.json'), '{"schema": 1, "expectations": []}');
  });
  after(async () => { await rm(tmp, { recursive: true, force: true }); });

  async function read(config: unknown): Promise<ReturnType<typeof readMatrixConfig>> {
    const file = path.join(tmp, 'matrix.json');
    await writeFile(file, typeof config === 'string' ? config : JSON.stringify(config));
    return readMatrixConfig(file);
  }

  async function refusal(config: unknown): Promise<string> {
    try {
      await read(config);
    } catch (err) {
      return (err as Error).message.replace(`${path.join(tmp, 'matrix.json')}: `, '');
    }
    throw new Error('the config was accepted');
  }

  it('reads every key; paths are relative to the file', async () => {
    const config = await read({
      backends: ['reference'], suites: ['basic', './my-suite'], extensions: ['build/mine.hpy0.so'],
      jobs: 2, timeout: 30_000, maxMemory: 512, expectations: 'known.json',
    });
    expect(config).to.deep.equal({
      backends: ['reference'],
      suites: [
        { name: 'basic', dir: path.resolve(import.meta.dirname, '..', 'suites', 'basic'), kind: 'mocha' },
        { name: './my-suite', dir: path.join(tmp, 'my-suite'), kind: 'mocha' },
      ],
      extensions: [path.join(tmp, 'build', 'mine.hpy0.so')],
      jobs: 2,
      timeout: 30_000,
      maxMemory: 512,
      expectations: path.join(tmp, 'known.json'),
    });
  });

  it('refuses a missing or misnamed extension and a missing expectations file', async () => {
    const base = { backends: ['reference'], suites: ['basic'] };
    expect(await refusal({ ...base, extensions: ['build/absent.hpy0.so'] }))
      .to.equal(`extension 'build/absent.hpy0.so' not found (looked for ${path.join(tmp, 'build', 'absent.hpy0.so')})`);
    expect(await refusal({ ...base, extensions: ['build/mine.so'] }))
      .to.equal("extension 'build/mine.so' must be a universal binary named <module>.hpy0.so");
    expect(await refusal({ ...base, extensions: 'build/mine.hpy0.so' }))
      .to.equal('\'extensions\' must be a non-empty array of strings, got "build/mine.hpy0.so"');
    expect(await refusal({ ...base, expectations: 'absent.json' }))
      .to.equal(`expectations file 'absent.json' not found (looked for ${path.join(tmp, 'absent.json')})`);
    expect(await refusal({ ...base, expectations: 3 }))
      .to.equal("'expectations' must be the path of a JSON file, got 3");
    expect(await refusal({ ...base, suites: ['basic', 'basic'] })).to.equal("'suites' lists 'basic' twice");
    expect(await refusal({ ...base, timeout: -1 })).to.equal("'timeout' must be a positive integer, got -1");
    expect(await refusal({ ...base, maxMemory: 0 })).to.equal("'maxMemory' must be a positive integer, got 0");
  });

  it('an invalid expectations file names its line and column', async () => {
    const file = path.join(tmp, 'broken-expectations.json');
    await writeFile(file, '{\n  "schema": 1,\n  "expectations": [\n    {"suite": "basic",}\n  ]\n}\n');
    try {
      await readExpectations(file);
      expect.fail('accepted');
    } catch (err) {
      expect((err as Error).message).to.equal(`${file}: invalid JSON at line 4, column 23: Expected double-quoted property name`);
    }
  });
});

describe('backend names', () => {
  it('two base backends and their debug and trace layers, all accepted', () => {
    expect(BACKEND_NAMES).to.deep.equal(['reference', 'cpython', 'debug:reference', 'debug:cpython', 'trace:reference', 'trace:cpython']);
    for (const name of BACKEND_NAMES) expect(backendProblem(name)).to.equal(undefined);
  });

  it('anything else is an unknown backend', () => {
    for (const name of ['pypy', 'debug', 'debug:', 'debug:pypy', 'trace:debug:reference', 'Reference', ':reference']) {
      expect(backendProblem(name)).to.equal(`unknown backend '${name}' (known: ${KNOWN_BACKENDS})`);
    }
  });
});
