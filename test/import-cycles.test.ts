// Runtime import cycles among loader/**/*.ts: the test that keeps the loader's modules layered.
// A cycle makes the evaluation order of its modules depend on which one is imported first, so a
// module can see another's exports before they exist. Imports that TypeScript erases (`import
// type`, or braces holding only `type` specifiers) cannot cause that, and are left out.
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { expect } from 'chai';
import { importsIn } from './source-imports.js';

const ROOT = path.resolve(import.meta.dirname, '..');

/** The relative modules `source` loads as it is evaluated: no erased or dynamic imports. */
function runtimeImports(source: string): string[] {
  return importsIn(source).filter((i) => !i.typeOnly && !i.dynamic && i.spec.startsWith('.')).map((i) => i.spec);
}

/** Module graph of the .ts files under `dir`: file → files it imports at run time (paths from ROOT). */
function importGraph(dir: string): Map<string, string[]> {
  const graph = new Map<string, string[]>();
  const files = readdirSync(dir, { recursive: true, encoding: 'utf8' }).filter((f) => /\.(c|m)?ts$/.test(f) && !f.endsWith('.d.ts'));
  for (const f of files) {
    const file = path.join(dir, f);
    const deps = runtimeImports(readFileSync(file, 'utf8'))
      .map((spec) => path.resolve(path.dirname(file), spec).replace(/\.(c|m)?js$/, '.$1ts'))
      .filter((dep) => dep.startsWith(dir + path.sep));
    graph.set(path.relative(ROOT, file), deps.map((d) => path.relative(ROOT, d)));
  }
  return graph;
}

/** One cycle per strongly connected component of more than one module (or a module importing itself). */
function findCycles(graph: Map<string, string[]>): string[][] {
  // Tarjan's algorithm, then a path around each component found by walking inside it.
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const components: string[][] = [];
  const visit = (v: string): void => {
    index.set(v, index.size);
    low.set(v, index.get(v)!);
    stack.push(v);
    onStack.add(v);
    for (const w of graph.get(v) ?? []) {
      if (!index.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v)!, low.get(w)!));
      } else if (onStack.has(w)) {
        low.set(v, Math.min(low.get(v)!, index.get(w)!));
      }
    }
    if (low.get(v) === index.get(v)) {
      const component: string[] = [];
      let w: string;
      do {
        w = stack.pop()!;
        onStack.delete(w);
        component.push(w);
      } while (w !== v);
      if (component.length > 1 || (graph.get(v) ?? []).includes(v)) components.push(component);
    }
  };
  for (const v of [...graph.keys()].sort()) if (!index.has(v)) visit(v);
  return components.map((component) => cycleThrough(graph, new Set(component)));
}

/** The shortest cycle from the component's first module (by name) back to itself. */
function cycleThrough(graph: Map<string, string[]>, component: Set<string>): string[] {
  const start = [...component].sort()[0];
  const previous = new Map<string, string>();
  const queue = [start];
  while (queue.length) {
    const v = queue.shift()!;
    for (const w of graph.get(v) ?? []) {
      if (!component.has(w)) continue;
      if (w === start) {
        const between: string[] = [];
        for (let u = v; u !== start; u = previous.get(u)!) between.unshift(u);
        return [start, ...between, start];
      }
      if (!previous.has(w)) {
        previous.set(w, v);
        queue.push(w);
      }
    }
  }
  return [start, start];
}

describe('runtime import cycles in loader/ and harness/', () => {
  it('reads which imports load a module at run time', () => {
    const source = [
      "import koffi, { type TypeObject } from 'koffi';",
      "import { a, type B } from './runtime.js';",
      "import type { C } from './erased-1.js';",
      "import { type D, type E } from './erased-2.js';",
      "import * as ns from './namespace.js';",
      "import {\n  f,\n  g,\n} from './multiline.js';",
      "export { h } from './reexport.js';",
      "export type { I } from './erased-3.js';",
      "import './side-effect.js';",
      "const s = await import('./dynamic.js');",
    ].join('\n');
    expect(runtimeImports(source)).to.deep.equal(['./runtime.js', './namespace.js', './multiline.js', './reexport.js', './side-effect.js']);
  });

  it('finds a cycle and names its modules in order', () => {
    const graph = new Map([['a.ts', ['b.ts']], ['b.ts', ['c.ts']], ['c.ts', ['a.ts', 'd.ts']], ['d.ts', []]]);
    expect(findCycles(graph)).to.deep.equal([['a.ts', 'b.ts', 'c.ts', 'a.ts']]);
    expect(findCycles(new Map([['a.ts', ['a.ts']]]))).to.deep.equal([['a.ts', 'a.ts']]);
    expect(findCycles(new Map([['a.ts', ['b.ts']], ['b.ts', []]]))).to.deep.equal([]);
  });

  for (const dir of ['loader', 'harness']) {
    it(`has none among ${dir}/**/*.ts`, () => {
      const graph = importGraph(path.join(ROOT, dir));
      expect(graph.size).to.be.greaterThan(20);
      const cycles = findCycles(graph).map((c) => c.join(' → '));
      expect(cycles, `runtime import cycles:\n  ${cycles.join('\n  ')}`).to.deep.equal([]);
    });
  }
});
