// Runs once before the e2e project: makes the engine and images ready (image builds take
// minutes on a fresh machine) and reaps what a killed earlier run left behind.
import { ensureEngine } from '../engine/ensure-engine.js';
import { ensureImages } from '../images/ensure-images.js';
import { reapOrphans } from '../session/reap.js';

export default async function setup(): Promise<void> {
  await ensureEngine();
  const orphans = await reapOrphans();
  if (orphans.length > 0) process.stderr.write(`[test-kit] reaped runs left behind: ${orphans.join(', ')}\n`);
  const images = await ensureImages();
  process.stderr.write(`[test-kit] images: ${images.base}, ${images.adopt}, ${images.tiny}\n`);
}
