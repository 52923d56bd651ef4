/** The `code` of a Node.js system error (`ENOENT`, …), if it is one. */
export function errnoCode(error: unknown): string | undefined {
  return error instanceof Error && 'code' in error && typeof error.code === 'string' ? error.code : undefined;
}

const GO_ERRNO_TEXT: Record<string, string> = {
  ENOENT: 'no such file or directory',
  EACCES: 'permission denied',
  EPERM: 'operation not permitted',
  EISDIR: 'is a directory',
  ENOTDIR: 'not a directory',
};

/** How Go's os package words a failed open, e.g. `open /x/config.json: permission denied`. */
export function goOpenErrorText(path: string, error: unknown): string {
  const code = errnoCode(error);
  const reason =
    (code !== undefined && GO_ERRNO_TEXT[code]) || (error instanceof Error ? error.message : String(error));
  return `open ${path}: ${reason}`;
}
