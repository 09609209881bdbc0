/** A file that the run cannot use; `source` is the file, or the flag, that is wrong. */
export class ConfigError extends Error {
  constructor(readonly source: string, readonly reason: string) {
    super(`${source}: ${reason}`);
    this.name = 'ConfigError';
  }
}

/** JSON.parse with the position of a syntax error given as line and column of the file. */
export function parseJsonText(file: string, text: string): unknown {
  try {
    return JSON.parse(text);
  } catch (err) {
    const message = (err as Error).message;
    const at = /at position (\d+)/.exec(message);
    const offset = at ? Number(at[1]) : /end of JSON input/.test(message) ? text.length : undefined;
    const where = offset === undefined ? '' : ` at ${lineAndColumn(text, offset)}`;
    throw new ConfigError(file, `invalid JSON${where}: ${message.replace(/ in JSON at position \d+.*$/, '')}`);
  }
}

function lineAndColumn(text: string, offset: number): string {
  const before = text.slice(0, offset).split('\n');
  return `line ${before.length}, column ${before[before.length - 1]!.length + 1}`;
}
