import { execFile } from 'node:child_process';
import { access } from 'node:fs/promises';

/**
 * The real tools that read our ISO images: isoinfo and genisoimage (Debian's genisoimage), xorriso
 * (libisofs/libisoburn), blkid (util-linux: how cloud-init finds the seed by label) and PyYAML
 * (what cloud-init parses user-data with). A missing one fails the test, naming the package.
 */
const PACKAGES = {
  isoinfo: 'genisoimage',
  genisoimage: 'genisoimage',
  xorriso: 'xorriso',
  blkid: 'util-linux',
  python3: 'python3-yaml',
} as const;

export type IsoTool = keyof typeof PACKAGES;

export interface ToolResult {
  stdout: Buffer;
  stderr: string;
}

/**
 * blkid sits in /usr/sbin or /sbin, which a non-root PATH may lack. Debian's python3 (where
 * python3-yaml installs) before any other on PATH, which may be a slow shim without PyYAML.
 */
const CANDIDATES: Partial<Record<IsoTool, string[]>> = {
  blkid: ['/usr/sbin/blkid', '/sbin/blkid'],
  python3: ['/usr/bin/python3'],
};

async function locate(tool: IsoTool): Promise<string> {
  for (const path of CANDIDATES[tool] ?? []) {
    try {
      await access(path);
      return path;
    } catch {}
  }
  return tool;
}

export async function runTool(tool: IsoTool, args: readonly string[], input?: string): Promise<ToolResult> {
  const command = await locate(tool);
  return new Promise((resolve, reject) => {
    const child = execFile(
      command,
      args,
      { encoding: 'buffer', maxBuffer: 64 * 1024 * 1024, timeout: 20_000 },
      (error, stdout, stderr) => {
        if (error && (error as NodeJS.ErrnoException).code === 'ENOENT') {
          reject(
            new Error(
              `${tool} is not installed: install the Debian package ${PACKAGES[tool]} (apt-get install -y ${PACKAGES[tool]}; scripts/setup.sh does)`,
            ),
          );
        } else if (error) {
          reject(new Error(`${tool} ${args.join(' ')} failed: ${error.message}\n${stderr.toString()}`));
        } else {
          resolve({ stdout, stderr: stderr.toString() });
        }
      },
    );
    if (input !== undefined) child.stdin?.end(input);
  });
}

export async function toolText(tool: IsoTool, args: readonly string[]): Promise<string> {
  return (await runTool(tool, args)).stdout.toString('utf8');
}

export interface ListedFile {
  name: string;
  mode: string;
  size: number;
  extent: number;
}

/**
 * The files of `isoinfo [-J|-R] -l` (the root directory), without "." and "..". A line reads
 * `-r--r--r--   1    0    0      15 Dec  2 2026 [     27 00]  meta-data `.
 */
export async function isoinfoList(image: string, tree: 'primary' | 'joliet' | 'rock'): Promise<ListedFile[]> {
  const flag = tree === 'joliet' ? ['-J'] : tree === 'rock' ? ['-R'] : [];
  const text = await toolText('isoinfo', [...flag, '-l', '-i', image]);
  const files: ListedFile[] = [];
  for (const line of text.split('\n')) {
    const match =
      /^([-dlrwx]{10})\s+\d+\s+\d+\s+\d+\s+(\d+)\s+\w{3}\s+\d+\s+\d{4}\s+\[\s*(\d+)\s+\d+\]\s\s(.*?) ?$/.exec(line);
    if (!match) continue;
    const name = match[4] as string;
    if (name === '.' || name === '..') continue;
    files.push({ mode: match[1] as string, size: Number(match[2]), extent: Number(match[3]), name });
  }
  return files;
}

/** One file's bytes as isoinfo reads them through the given tree. */
export async function isoinfoExtract(
  image: string,
  tree: 'primary' | 'joliet' | 'rock',
  path: string,
): Promise<Buffer> {
  const flag = tree === 'joliet' ? ['-J'] : tree === 'rock' ? ['-R'] : [];
  return (await runTool('isoinfo', [...flag, '-x', path, '-i', image])).stdout;
}

/**
 * The paths xorriso finds, reading the tree of `mode`: `nojoliet` = Rock Ridge, `norock` =
 * Joliet, `ecma119` = plain ISO 9660. `-return_with WARNING 32` makes any warning an exit failure.
 */
export async function xorrisoPaths(image: string, mode: 'nojoliet' | 'norock' | 'ecma119'): Promise<string[]> {
  const { stdout } = await runTool('xorriso', [
    '-return_with',
    'WARNING',
    '32',
    '-read_fs',
    mode,
    '-indev',
    image,
    '-find',
    '/',
  ]);
  return stdout
    .toString('utf8')
    .split('\n')
    .filter((line) => line.startsWith("'"))
    .map((line) => line.slice(1, -1))
    .filter((path) => path !== '/');
}

/** `blkid -p` (low-level probe, no cache) as KEY=value pairs. */
export async function blkidProbe(image: string): Promise<Record<string, string>> {
  const text = await toolText('blkid', ['-p', image]);
  const pairs: Record<string, string> = {};
  for (const match of text.matchAll(/([A-Z_]+)="([^"]*)"/g)) pairs[match[1] as string] = match[2] as string;
  return pairs;
}

/** `text` parsed by PyYAML's safe_load (what cloud-init uses), returned through JSON. */
export async function pyyamlLoad(text: string): Promise<unknown> {
  const script = 'import sys, json, yaml; print(json.dumps(yaml.safe_load(sys.stdin.read())))';
  let result: ToolResult;
  try {
    result = await runTool('python3', ['-c', script], text);
  } catch (error) {
    if (String(error).includes('ModuleNotFoundError')) {
      throw new Error('PyYAML is missing: install the Debian package python3-yaml (scripts/setup.sh does)');
    }
    throw error;
  }
  return JSON.parse(result.stdout.toString('utf8'));
}
