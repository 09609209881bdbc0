// `hpy-matrix report`: an extension's static ABI report, and with --backend what loading it shows;
// for a wheel, the same for every HPy binary inside it, with the wheel's tags.
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { CommandModule } from 'yargs';
import { parseBackendName, unknownBackend } from '../../loader/backends/names.js';
import { readInputFile, ReportError, staticReport, type StaticReport } from '../../loader/static/report.js';
import { buildExtensionReport, staticExtensionReport } from '../reports/extension/report.js';
import { formatExtensionConsole, formatExtensionMarkdown } from '../reports/extension/format.js';
import type { ExtensionReport } from '../reports/extension/model.js';
import { extensionPage } from '../reports/extension/html.js';
import { formatReport } from '../reports/extension/static-text.js';
import { formatWheelConsole, formatWheelMarkdown } from '../reports/extension/wheel-format.js';
import { wheelPage } from '../reports/extension/wheel-html.js';
import type { WheelReport } from '../reports/extension/wheel-model.js';
import { buildWheelReport } from '../reports/extension/wheel-report.js';

export { formatReport };

const FORMATS = ['console', 'json', 'markdown', 'html'] as const;
type Format = (typeof FORMATS)[number];

interface ReportArgs {
  file: string;
  json: boolean;
  backend?: string[];
  format?: string;
  out?: string;
}

/** A usage error of the command: exit status 2 with this one line. */
class UsageError extends Error {}

/** Exit codes: 0 clean universal binary, 1 ABI problems, 2 the file cannot be analysed. */
export function runReport(args: ReportArgs): void {
  let report: StaticReport;
  try {
    report = staticReport(args.file);
  } catch (err) {
    const reason = err instanceof ReportError ? err.reason : `internal error: ${(err as Error).message}`;
    console.error(`hpy-matrix report: ${args.file}: ${reason}`);
    process.exitCode = 2;
    return;
  }
  console.log(args.json ? JSON.stringify(report, null, 2) : formatReport(report));
  process.exitCode = report.ok ? 0 : 1;
}

/**
 * The command with every option: the static report as above when neither --backend nor a
 * format other than console/json is asked; otherwise the per-extension report. A `.whl` gets
 * the wheel's report, which holds one of those per HPy binary. Exit codes: 0 every backend OK
 * (and no ABI problem), 1 some backend not OK or ABI problems (for a wheel, in any binary or in
 * the wheel itself), 2 the file cannot be analysed or the options are wrong.
 */
export async function runReportCommand(args: ReportArgs): Promise<number> {
  let format: Format;
  let backends: string[];
  try {
    format = chooseFormat(args);
    backends = checkBackendNames(args.backend ?? []);
  } catch (err) {
    if (!(err instanceof UsageError)) throw err;
    console.error(`hpy-matrix report: ${err.message}`);
    return 2;
  }
  const wheel = isWheel(args.file);
  if (!wheel && backends.length === 0 && args.out === undefined && (format === 'console' || format === 'json')) {
    runReport({ ...args, json: format === 'json' });
    return process.exitCode as number;
  }

  let report: ExtensionReport | WheelReport;
  try {
    report = wheel
      ? await buildWheelReport(args.file, { backends })
      : backends.length === 0
        ? staticExtensionReport(args.file, readInputFile(args.file))
        : await buildExtensionReport(args.file, { backends });
  } catch (err) {
    if (!(err instanceof ReportError)) throw err;
    console.error(`hpy-matrix report: ${args.file}: ${err.reason}`);
    return 2;
  }
  const text = 'wheel' in report ? renderWheel(report, format) : render(report, format);
  if (args.out === undefined) {
    process.stdout.write(text);
  } else {
    try {
      await mkdir(path.dirname(path.resolve(args.out)), { recursive: true });
      await writeFile(args.out, text);
    } catch (err) {
      console.error(`hpy-matrix report: --out: cannot write ${args.out}: ${(err as Error).message}`);
      return 2;
    }
  }
  return report.ok ? 0 : 1;
}

/** A wheel is known by its name: a file named .whl that is no zip is a broken wheel, not an ELF file. */
function isWheel(file: string): boolean {
  return file.toLowerCase().endsWith('.whl');
}

function chooseFormat(args: ReportArgs): Format {
  if (args.format !== undefined && !(FORMATS as readonly string[]).includes(args.format)) {
    throw new UsageError(`--format: unknown format '${args.format}' (known: ${FORMATS.join(', ')})`);
  }
  if (args.json && args.format !== undefined && args.format !== 'json') {
    throw new UsageError(`--json and --format ${args.format} ask for two formats; keep one`);
  }
  return args.json ? 'json' : ((args.format ?? 'console') as Format);
}

function checkBackendNames(names: string[]): string[] {
  for (const name of names) {
    if (parseBackendName(name) === null) {
      throw new UsageError(`--backend: ${unknownBackend(name)}`);
    }
  }
  return [...new Set(names)];
}

function render(report: ExtensionReport, format: Format): string {
  switch (format) {
    case 'console': return `${formatExtensionConsole(report)}\n`;
    case 'json': return `${JSON.stringify(report, null, 2)}\n`;
    case 'markdown': return formatExtensionMarkdown(report);
    case 'html': return extensionPage(report);
  }
}

function renderWheel(report: WheelReport, format: Format): string {
  switch (format) {
    case 'console': return `${formatWheelConsole(report)}\n`;
    case 'json': return `${JSON.stringify(report, null, 2)}\n`;
    case 'markdown': return formatWheelMarkdown(report);
    case 'html': return wheelPage(report);
  }
}

export const reportCommand: CommandModule<object, ReportArgs> = {
  command: 'report <file>',
  describe: 'ABI report of an HPy universal binary or of every one in a wheel (.whl): static (never loads it), or with --backend what loading it on each backend shows',
  builder: (y) =>
    y
      .positional('file', { type: 'string', demandOption: true, describe: 'extension binary, e.g. foo.hpy0.so, or a wheel, e.g. foo-1.0-py3-none-linux_x86_64.whl' })
      .option('json', { type: 'boolean', default: false, describe: 'print the report as JSON (same as --format json)' })
      .option('backend', { type: 'string', array: true, describe: 'load the extension on this backend, in a child process (repeatable)' })
      .option('format', { type: 'string', describe: `output format: ${FORMATS.join(', ')} (default: console)` })
      .option('out', { type: 'string', describe: 'write the report to this file instead of stdout' }),
  handler: async (args) => {
    process.exitCode = await runReportCommand(args);
  },
};
