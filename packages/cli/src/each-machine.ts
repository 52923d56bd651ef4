/**
 * Runs `work` for every machine concurrently (docker-machine's multi-host commands), prints each
 * failure as it comes, and reports whether all succeeded.
 */
export async function forEachMachine(
  names: readonly string[],
  work: (name: string) => Promise<void>,
  report: (name: string, error: unknown) => void,
): Promise<boolean> {
  const results = await Promise.allSettled(names.map((name) => work(name)));
  let ok = true;
  results.forEach((result, index) => {
    if (result.status === 'rejected') {
      ok = false;
      report(names[index] as string, result.reason);
    }
  });
  return ok;
}
