// Wheel compatibility tags: what a wheel's file name says
// (`{dist}-{version}(-{build})?-{python}-{abi}-{platform}.whl`), what the `Tag:` lines of its
// `.dist-info/WHEEL` say, and where the two disagree. Installers decide by the file name, so a
// WHEEL file that says otherwise is a packaging mistake worth naming.

export interface WheelName {
  distribution: string;
  version: string;
  /** The optional build tag; it starts with a digit. */
  build: string | null;
  /** Each part may be a compressed set (`py2.py3`): the members, in order. */
  python: string[];
  abi: string[];
  platform: string[];
  /** Every python-abi-platform combination the three sets stand for. */
  tags: string[];
}

export const WHEEL_NAME_FORM = '{dist}-{version}(-{build})?-{python}-{abi}-{platform}.whl';

/** The parts of a wheel's file name (no folder), or why it is not a wheel's name. */
export function parseWheelName(fileName: string): WheelName | { error: string } {
  const notAName = { error: `the file name is not ${WHEEL_NAME_FORM}` };
  if (!fileName.endsWith('.whl')) return notAName;
  const parts = fileName.slice(0, -'.whl'.length).split('-');
  if ((parts.length !== 5 && parts.length !== 6) || parts.some((p) => p === '')) return notAName;
  const build = parts.length === 6 ? parts[2]! : null;
  if (build !== null && !/^\d/.test(build)) return { error: `the build tag '${build}' does not start with a digit (${WHEEL_NAME_FORM})` };
  const [python, abi, platform] = parts.slice(-3).map((p) => p.split('.')) as [string[], string[], string[]];
  if ([python, abi, platform].some((set) => set.some((t) => t === ''))) return notAName;
  return {
    distribution: parts[0]!,
    version: parts[1]!,
    build,
    python,
    abi,
    platform,
    tags: python.flatMap((p) => abi.flatMap((a) => platform.map((pl) => `${p}-${a}-${pl}`))),
  };
}

/** The values of the `Tag:` lines of a WHEEL file (RFC 822 style headers), in order. */
export function wheelFileTags(text: string): string[] {
  return text.split(/\r?\n/).flatMap((line) => {
    const m = /^Tag:\s*(\S+)\s*$/i.exec(line);
    return m ? [m[1]!] : [];
  });
}

/** The tags one side names and the other does not; both empty when they agree. */
export function compareTags(fromName: string[], fromWheelFile: string[]): { onlyInName: string[]; onlyInWheelFile: string[] } {
  const inName = new Set(fromName);
  const inWheelFile = new Set(fromWheelFile);
  return {
    onlyInName: fromName.filter((t) => !inWheelFile.has(t)),
    onlyInWheelFile: fromWheelFile.filter((t) => !inName.has(t)),
  };
}
