// collectUntilQuiet: the forced collections behind every backend's collectGarbage.
import { expect } from 'chai';
import { collectUntilQuiet, watchedRegistry } from '../loader/js-gc.js';

describe('collectUntilQuiet', () => {
  // Whatever earlier tests left to collect goes first, so that each test counts its own rounds.
  beforeEach(() => collectUntilQuiet());

  it('runs one round when nothing is due', async () => {
    expect(await collectUntilQuiet()).to.equal(1);
  });

  it('follows a chain of objects, each kept alive by the one before it, to its end', async () => {
    const died: number[] = [];
    const keep = new Map<number, object>();
    const registry = watchedRegistry<number>((i) => {
      died.push(i);
      keep.delete(i + 1);
    });
    // In a function of its own, so that no local of this frame still holds an object.
    ((n: number) => {
      for (let i = 1; i <= n; i++) {
        const o = {};
        registry.register(o, i);
        if (i > 1) keep.set(i, o);
      }
    })(5);
    const rounds = await collectUntilQuiet();
    expect(died).to.deep.equal([1, 2, 3, 4, 5]);
    // One death per round, then one round in which nothing died.
    expect(rounds).to.equal(6);
  });

  it('waits in a round for the callbacks of every registry with dead objects', async () => {
    const died: string[] = [];
    // More registries than the turns a round waits at least.
    const names = Array.from({ length: 20 }, (_, i) => `r${i}`);
    const registries = names.map((name) => [name, watchedRegistry<string>((n) => died.push(n))] as const);
    (() => {
      for (const [name, registry] of registries) registry.register({}, name);
    })();
    expect(await collectUntilQuiet()).to.equal(2);
    expect(died.sort()).to.deep.equal(names.sort());
  });

  it('goes on while `settle` says it freed something', async () => {
    let calls = 0;
    expect(await collectUntilQuiet(() => ++calls < 3)).to.equal(3);
    expect(calls).to.equal(3);
  });
});
