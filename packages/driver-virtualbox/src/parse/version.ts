/** `VBoxManage --version`, read: the version is the last non-empty line of stdout. */
export interface VBoxVersion {
  /** The version line as printed, e.g. `7.0.20r163906` or `6.1.26_Ubuntur145957`. */
  text: string;
  major: number;
  minor: number;
  /** 0 when the line has no third number. */
  patch: number;
  /**
   * Lines printed before the version (Linux hosts without the vboxdrv kernel module print a
   * WARNING there and still exit 0); empty when there were none.
   */
  warning: string;
}

const VERSION_LINE = /^(\d+)\.(\d+)(?:\.(\d+))?/;

/** The version, or undefined when the last line does not start with `<major>.<minor>`. */
export function parseVBoxVersion(stdout: string): VBoxVersion | undefined {
  const lines = stdout.split(/\r?\n/).map((line) => line.trimEnd());
  const nonEmpty = lines.filter((line) => line.trim() !== '');
  const text = nonEmpty.at(-1)?.trim();
  if (!text) return undefined;
  const match = VERSION_LINE.exec(text);
  if (!match) return undefined;
  const warning = nonEmpty.slice(0, -1).join('\n').trim();
  return {
    text,
    major: Number(match[1]),
    minor: Number(match[2]),
    patch: match[3] === undefined ? 0 : Number(match[3]),
    warning,
  };
}

/** Whether `version` is at least `major.minor.patch`. */
export function versionAtLeast(version: VBoxVersion, major: number, minor: number, patch: number): boolean {
  if (version.major !== major) return version.major > major;
  if (version.minor !== minor) return version.minor > minor;
  return version.patch >= patch;
}
