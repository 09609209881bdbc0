// The manual's own checks: every relative link in README.md and docs/*.md leads to a file that
// exists, and every #anchor to a heading of its page (by GitHub's slug rules); every command
// that `hpy-matrix --help` lists has a page linked from docs/README.md; the README stays short.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { expect } from 'chai';
import { execa } from 'execa';

const ROOT = path.resolve(import.meta.dirname, '..');
const CLI = path.join(ROOT, 'bin', 'hpy-matrix.js');
/** The README is the front page; the reference lives in docs/. */
const README_MAX_LINES = 300;

/** README.md and every docs/*.md, relative to the repository root. */
function pages(): string[] {
  const docs = readdirSync(path.join(ROOT, 'docs')).filter((f) => f.endsWith('.md')).sort().map((f) => `docs/${f}`);
  return ['README.md', ...docs];
}

function read(page: string): string {
  return readFileSync(path.join(ROOT, page), 'utf8');
}

/**
 * The text with the contents of fenced code blocks blanked (lines kept, so positions still
 * give line numbers): `# comment` in a shell block is no heading, `[x](y)` in output no link.
 */
function withoutCodeBlocks(markdown: string): string {
  const lines = markdown.split('\n');
  let fence: { char: string; length: number } | undefined;
  return lines.map((line) => {
    const open = /^ {0,3}(`{3,}|~{3,})/.exec(line);
    if (fence === undefined) {
      if (open) fence = { char: open[1]![0]!, length: open[1]!.length };
      return open ? '' : line;
    }
    const close = /^ {0,3}(`{3,}|~{3,})\s*$/.exec(line);
    if (close && close[1]![0] === fence.char && close[1]!.length >= fence.length) fence = undefined;
    return '';
  }).join('\n');
}

/** Offsets [start, end) of inline code spans: a link written inside one is no link. */
function codeSpans(text: string): Array<[number, number]> {
  const spans: Array<[number, number]> = [];
  for (const m of text.matchAll(/(`+)[\s\S]*?[^`]\1(?!`)|(`+)\2(?!`)/g)) spans.push([m.index, m.index + m[0].length]);
  return spans;
}

interface Link {
  text: string;
  target: string;
  line: number;
}

/** Inline links `[text](target)` outside code, with the line they start on. */
function linksIn(markdown: string): Link[] {
  const text = withoutCodeBlocks(markdown);
  const spans = codeSpans(text);
  const links: Link[] = [];
  for (const m of text.matchAll(/!?\[((?:[^[\]]|\[[^\]]*\])*)\]\(\s*<?([^)\s>]+)>?(?:\s+"[^"]*")?\s*\)/g)) {
    if (spans.some(([start, end]) => m.index >= start && m.index < end)) continue;
    links.push({ text: m[1]!, target: m[2]!, line: text.slice(0, m.index).split('\n').length });
  }
  return links;
}

/** A heading's anchor as GitHub makes it: the rendered text, lower case, punctuation dropped, spaces to hyphens. */
function slug(heading: string): string {
  const rendered = heading
    .replace(/!?\[([^\]]*)\]\([^)]*\)/g, '$1')
    .replace(/<[^>]+>/g, '')
    .replace(/[`*]/g, '');
  return rendered.trim().toLowerCase().replace(/[^\p{L}\p{M}\p{N}\p{Pc} -]/gu, '').replace(/ /g, '-');
}

/** The anchors of a page's headings; a repeated one gets -1, -2, … as on GitHub. */
function anchorsOf(markdown: string): Set<string> {
  const anchors = new Set<string>();
  const seen = new Map<string, number>();
  for (const line of withoutCodeBlocks(markdown).split('\n')) {
    const m = /^ {0,3}#{1,6}\s+(.*?)(?:\s+#+)?\s*$/.exec(line);
    if (!m) continue;
    const base = slug(m[1]!);
    const n = seen.get(base) ?? 0;
    seen.set(base, n + 1);
    anchors.add(n === 0 ? base : `${base}-${n}`);
  }
  return anchors;
}

/** What is wrong with each relative link of `page` (a path relative to the root), one line each. */
function brokenLinks(page: string, markdown: string): string[] {
  const problems: string[] = [];
  for (const link of linksIn(markdown)) {
    // Addresses with a scheme (https:, mailto:) are not this repository's to check.
    if (/^[a-z][a-z0-9+.-]*:/i.test(link.target)) continue;
    const hash = link.target.indexOf('#');
    const file = decodeURIComponent(hash < 0 ? link.target : link.target.slice(0, hash));
    const anchor = hash < 0 ? undefined : decodeURIComponent(link.target.slice(hash + 1));
    const where = `${page}:${link.line}: [${link.text}](${link.target})`;
    if (file === '') {
      // An anchor on the page itself.
      if (anchor && !anchorsOf(markdown).has(anchor)) problems.push(`${where}: no heading '#${anchor}' on this page`);
      continue;
    }
    const resolved = path.resolve(ROOT, path.dirname(page), file);
    if (!resolved.startsWith(ROOT + path.sep) && resolved !== ROOT) {
      problems.push(`${where}: leads out of the repository`);
      continue;
    }
    if (!existsSync(resolved)) {
      problems.push(`${where}: no such file ${path.relative(ROOT, resolved)}`);
      continue;
    }
    if (anchor === undefined || anchor === '') continue;
    if (!resolved.endsWith('.md')) {
      problems.push(`${where}: an anchor into a file that is not Markdown`);
      continue;
    }
    const anchors = anchorsOf(readFileSync(resolved, 'utf8'));
    if (!anchors.has(anchor)) problems.push(`${where}: no heading '#${anchor}' in ${path.relative(ROOT, resolved)}`);
  }
  return problems;
}

/** The commands `hpy-matrix --help` lists. */
async function listedCommands(): Promise<string[]> {
  const help = await execa(process.execPath, [CLI, '--help']);
  return [...help.stdout.matchAll(/^ {2}hpy-matrix ([a-z][\w-]*)/gm)].map((m) => m[1]!);
}

describe('the manual (README.md and docs/)', () => {
  describe('its link checker', () => {
    it('makes anchors as GitHub does', () => {
      expect(slug('`hpy-matrix run`: the matrix of suites × backends')).to.equal('hpy-matrix-run-the-matrix-of-suites--backends');
      expect(slug('What the suites exercise: `--exercised`')).to.equal('what-the-suites-exercise---exercised');
      expect(slug('4. A debug finding')).to.equal('4-a-debug-finding');
      expect(slug('`hpy_matrix.universal`')).to.equal('hpy_matrixuniversal');
      expect(slug('Set-up: two commands')).to.equal('set-up-two-commands');
      expect([...anchorsOf('# A\n## Notes\n```sh\n# not a heading\n```\n## Notes\n')]).to.deep.equal(['a', 'notes', 'notes-1']);
    });

    it('reads links outside code only', () => {
      const links = linksIn('See [run](run.md) and `[not](a.md)`.\n```\n[nor](b.md)\n```\n[`hpy-matrix merge`](merge.md#refusals)\n');
      expect(links).to.deep.equal([
        { text: 'run', target: 'run.md', line: 1 },
        { text: '`hpy-matrix merge`', target: 'merge.md#refusals', line: 5 },
      ]);
    });

    it('catches a missing file, a missing heading and a link out of the repository, and passes good links', () => {
      const page = [
        '[good](run.md#shards) [same page](#a-heading) [web](https://hpyproject.org)',
        '[gone](nothere.md) [no heading](run.md#no-such-heading) [out](../../etc/passwd) [not here](#nowhere)',
        '## A heading',
      ].join('\n');
      expect(brokenLinks('docs/example.md', page)).to.deep.equal([
        'docs/example.md:2: [gone](nothere.md): no such file docs/nothere.md',
        "docs/example.md:2: [no heading](run.md#no-such-heading): no heading '#no-such-heading' in docs/run.md",
        'docs/example.md:2: [out](../../etc/passwd): leads out of the repository',
        "docs/example.md:2: [not here](#nowhere): no heading '#nowhere' on this page",
      ]);
    });
  });

  it('has a README and pages in docs/', () => {
    expect(pages()).to.include.members(['README.md', 'docs/README.md']);
    expect(pages().length).to.be.greaterThan(5);
  });

  for (const page of pages()) {
    it(`${page}: every relative link leads to a file, and every anchor to a heading`, () => {
      const problems = brokenLinks(page, read(page));
      expect(problems, `broken links:\n  ${problems.join('\n  ')}`).to.deep.equal([]);
    });
  }

  it('every command of `hpy-matrix --help` has a page linked from docs/README.md', async () => {
    const commands = await listedCommands();
    expect(commands).to.include.members(['run', 'report', 'init']);
    const index = linksIn(read('docs/README.md'));
    const missing = commands.filter((command) => !index.some((link) => {
      const names = new RegExp(`\\bhpy-matrix ${command}\\b`).test(link.text.replace(/`/g, ''));
      const target = path.resolve(ROOT, 'docs', link.target.split('#')[0]!);
      return names && target.startsWith(path.join(ROOT, 'docs') + path.sep) && target.endsWith('.md') && existsSync(target);
    }));
    expect(missing, `commands without a page linked from docs/README.md as [\`hpy-matrix <command>\`](page.md): ${missing.join(', ')}`)
      .to.deep.equal([]);
  });

  it(`README.md stays under ${README_MAX_LINES} lines: the reference belongs in docs/`, () => {
    const lines = read('README.md').split('\n').length;
    expect(lines, `README.md has ${lines} lines`).to.be.below(README_MAX_LINES);
  });
});
