// The reference backend's object lifetime: payloads are released when objects die and, at the
// latest, when the backend closes, with destroy run for each.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { expect } from 'chai';
import { buildExtension } from '../loader/build/extension.js';
import { ReferenceBackend } from '../loader/backends/reference/index.js';
import type { Ref } from '../loader/backend.js';

describe('reference backend: object lifetime', () => {
  let so: string;
  let cacheDir: string;
  before(async () => {
    cacheDir = mkdtempSync(path.join(tmpdir(), 'hpy-matrix-lifetime-'));
    so = (await buildExtension({ sources: ['suites/types/hpytypes.c'], cacheDir })).path;
  });
  after(() => rmSync(cacheDir, { recursive: true, force: true }));

  it('closing the backend releases every payload still alive', () => {
    const b = new ReferenceBackend();
    const m = b.loadModule(so);
    const kept: Ref[] = [];
    for (let i = 0; i < 10; i++) kept.push(b.call(b.getattr(m, 'Point'), [b.fromPrimitive(i)]));
    kept.push(b.call(b.getattr(m, 'Finalizable'), [b.fromPrimitive(1)]));
    expect(b.ctx.lifetime.watched).to.be.at.least(11);
    b.close();
    expect(b.ctx.lifetime.watched).to.equal(0);
    expect(kept).to.have.length(11);
    // The log lives in the extension image, which a second backend shares.
    const b2 = new ReferenceBackend();
    const log = b2.toPrimitive(b2.call(b2.getattr(b2.loadModule(so), 'take_log'), []));
    expect(log).to.equal(`${'Point.destroy '.repeat(10)}finalize(1) destroy(1)`);
    b2.close();
  });

  it('garbage collection releases dead objects, cycles through fields included', async () => {
    const b = new ReferenceBackend();
    const m = b.loadModule(so);
    b.call(b.getattr(m, 'take_log'), []);
    const before = b.ctx.lifetime.watched;
    (() => {
      const x = b.call(b.getattr(m, 'Point'), []);
      const y = b.call(b.getattr(m, 'Point'), []);
      b.setattr(x, 'tag', y);
      b.setattr(y, 'tag', x);
      b.setattr(x, 'tag', x);
    })();
    expect(b.ctx.lifetime.watched).to.equal(before + 2);
    await b.collectGarbage();
    expect(b.ctx.lifetime.watched).to.equal(before);
    expect(b.toPrimitive(b.call(b.getattr(m, 'take_log'), []))).to.equal('Point.destroy Point.destroy');
    expect(b.openHandles).to.equal(0);
    b.close();
  });
});
