const live = new Set<() => void>();
let installed = false;

function killAll(): void {
  for (const kill of live) kill();
  live.clear();
}

/**
 * Makes sure a driver process does not outlive berth: `forceKill` runs synchronously when the berth
 * process exits (normally or through `process.exit`). Independently, a driver exits on stdin EOF,
 * which also covers berth dying from a signal. Returns the function that unregisters it.
 */
export function killOnExit(forceKill: () => void): () => void {
  if (!installed) {
    process.on('exit', killAll);
    installed = true;
  }
  live.add(forceKill);
  return () => live.delete(forceKill);
}
