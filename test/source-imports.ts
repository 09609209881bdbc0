// What a TypeScript source imports, read from its text: the one reader of imports that the
// layout and import-cycle tests share.

export interface SourceImport {
  /** As written: './x.js', 'koffi', 'node:fs'. */
  spec: string;
  /** Erased by TypeScript (`import type`, or braces holding only `type` names): loads nothing at run time. */
  typeOnly: boolean;
  /** An `import('…')` expression: loaded when it runs, not when the importing module is. */
  dynamic: boolean;
}

/** `import`/`export … from '…'` statements: [type keyword, clause, specifier]. */
const STATEMENT = /^\s*(?:import|export)\s+(type\s+)?((?:[\w$]+\s*,\s*)?(?:\{[^}]*\}|\*(?:\s+as\s+[\w$]+)?|[\w$]+))\s+from\s+['"]([^'"]+)['"]/gm;
const BARE_IMPORT = /^\s*import\s+['"]([^'"]+)['"]/gm;
const DYNAMIC_IMPORT = /\bimport\(\s*['"]([^'"]+)['"]\s*\)/g;

export function importsIn(source: string): SourceImport[] {
  const out: SourceImport[] = [];
  for (const [, typeKeyword, clause, spec] of source.matchAll(STATEMENT)) {
    const braces = /\{([^}]*)\}/.exec(clause!);
    const defaultOrNamespace = !clause!.trimStart().startsWith('{') || clause!.includes('*');
    const names = braces ? braces[1]!.split(',').map((s) => s.trim()).filter(Boolean) : [];
    const typeOnly = typeKeyword !== undefined || (!defaultOrNamespace && names.length > 0 && names.every((n) => /^type\s/.test(n)));
    out.push({ spec: spec!, typeOnly, dynamic: false });
  }
  for (const [, spec] of source.matchAll(BARE_IMPORT)) out.push({ spec: spec!, typeOnly: false, dynamic: false });
  for (const [, spec] of source.matchAll(DYNAMIC_IMPORT)) out.push({ spec: spec!, typeOnly: false, dynamic: true });
  return out;
}
