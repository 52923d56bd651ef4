/** What kind of failure an error raised while fetching an image is. */
export type DownloadFailureKind = 'cancelled' | 'disk-full' | 'cache' | 'unreachable' | 'interrupted';

/** Whether the request had its response headers yet (`body`) or not (`connect`). */
export type DownloadPhase = 'connect' | 'body';

const DISK_FULL = new Set(['ENOSPC', 'EDQUOT']);
// File-system calls the cache makes; an errno from one of them is about the disk, not the network.
const FS_SYSCALLS = new Set(['open', 'write', 'writev', 'fsync', 'fdatasync', 'close', 'rename', 'unlink', 'mkdir']);

/**
 * Sorts an error from the request or the transfer: a Ctrl-C, the disk, the cache directory, the
 * network before any answer (`unreachable`), or a transfer that broke after it began (resumable).
 */
export function downloadFailureKind(error: unknown, phase: DownloadPhase, aborted = false): DownloadFailureKind {
  // Only our own signal means Ctrl-C: undici also names a failed proxy tunnel an "AbortError".
  if (aborted) return 'cancelled';
  const code = errorCode(error);
  if (code !== undefined && DISK_FULL.has(code)) return 'disk-full';
  const syscall = error instanceof Error ? (error as { syscall?: unknown }).syscall : undefined;
  if (typeof syscall === 'string' && FS_SYSCALLS.has(syscall)) return 'cache';
  // Once the answer began, whatever breaks (reset, closed early, stalled) leaves a resumable part;
  // before it, the server or proxy was not reached or refused to talk (DNS, refused, no route).
  return phase === 'body' ? 'interrupted' : 'unreachable';
}

function errorCode(error: unknown): string | undefined {
  for (let current = error, depth = 0; current instanceof Error && depth < 4; depth += 1) {
    const code = (current as { code?: unknown }).code;
    if (typeof code === 'string') return code;
    current = current.cause;
  }
  return undefined;
}
