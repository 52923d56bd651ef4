import { readFileSync } from 'node:fs';
import type { FlagSpec, FlagSpecs } from './flag-spec.js';

/**
 * Every command's flags as oclif.manifest.json states them. The build writes that file from the
 * command classes (scripts/bundle.mjs), so the early reader and oclif cannot disagree about which
 * flags take a value; reading it costs well under a millisecond at start-up.
 */

export interface CommandSpec {
  id: string;
  flags: FlagSpecs;
}

/** A command as the manifest describes it, with what shell completion shows (completion/). */
export interface ManifestCommand {
  id: string;
  summary?: string;
  description?: string;
  hidden?: boolean;
  flags: Record<string, FlagSpec & { summary?: string; options?: string[]; hidden?: boolean }>;
  args: Record<string, { name: string; description?: string; options?: string[] }>;
}

interface ManifestFile {
  commands: Record<string, ManifestCommand>;
}

// The package root, seen from src/command-line or dist/command-line (tests, tsc output), from
// dist/bundle/quick.cjs (what bin/run.cjs loads), dist/bundle/berth.js or one of its chunks.
const MANIFEST_CANDIDATES = ['../../oclif.manifest.json', '../../../oclif.manifest.json'];

let loaded: Map<string, CommandSpec> | undefined;
let commands: ManifestCommand[] | undefined;

function readManifest(): Map<string, CommandSpec> {
  for (const candidate of MANIFEST_CANDIDATES) {
    let text: string;
    try {
      text = readFileSync(new URL(candidate, import.meta.url), 'utf8');
    } catch {
      continue;
    }
    const manifest = JSON.parse(text) as ManifestFile;
    commands = Object.values(manifest.commands);
    return new Map(
      Object.values(manifest.commands).map((command) => [command.id, { id: command.id, flags: command.flags }]),
    );
  }
  // No build yet (sources run directly): nothing is read early, and oclif does all the reading.
  return new Map();
}

/** The flags of command `id`, or undefined if the manifest has no such command (or there is no manifest). */
export function commandSpec(id: string | undefined): CommandSpec | undefined {
  if (id === undefined) return undefined;
  loaded ??= readManifest();
  return loaded.get(id);
}

/** Every command of the manifest (none when there is no manifest). */
export function manifestCommands(): readonly ManifestCommand[] {
  loaded ??= readManifest();
  return commands ?? [];
}
