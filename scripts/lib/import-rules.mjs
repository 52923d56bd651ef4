// The import rule of ARCHITECTURE.md, checked: which of our packages may import which, and that each
// package declares in its package.json every package it imports (no reliance on npm's hoisting).
// A small scanner of our own rather than dependency-cruiser: the rules are a dozen lines, and the
// check runs in a fraction of a second with no dependency tree to install.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { join, relative } from 'node:path';

/** For each of our packages, the @berth packages its src may import (test code: see below). */
export const ALLOWED_INTERNAL = {
  'driver-protocol': [],
  'driver-sdk': ['driver-protocol'],
  'go-format': ['driver-protocol'],
  core: ['driver-protocol', 'driver-sdk'],
  cli: ['core', 'driver-protocol', 'driver-sdk', 'go-format', 'driver-*'],
  'driver-*': ['driver-protocol', 'driver-sdk'],
  'test-kit': ['driver-protocol', 'driver-sdk'],
};

/** The wire contract does no file system, process or crypto work. */
const PROTOCOL_FORBIDDEN_BUILTINS = ['fs', 'fs/promises', 'crypto', 'child_process', 'process', 'os', 'net'];

const IMPORT =
  /(?:^|[\s;])(?:import|export)\s[^'"`]*?from\s+['"]([^'"]+)['"]|import\(\s*['"]([^'"]+)['"]\s*\)|^\s*import\s+['"]([^'"]+)['"]/gm;

function rulesFor(pkg) {
  if (ALLOWED_INTERNAL[pkg]) return ALLOWED_INTERNAL[pkg];
  if (pkg.startsWith('driver-')) return ALLOWED_INTERNAL['driver-*'];
  return undefined;
}

function allowedInternal(pkg, target) {
  const rules = rulesFor(pkg);
  if (rules === undefined) return true;
  return rules.some((rule) => (rule.endsWith('*') ? target.startsWith(rule.slice(0, -1)) : rule === target));
}

function packageNameOf(specifier) {
  const parts = specifier.split('/');
  return specifier.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0];
}

function* sourceFiles(dir) {
  let entries;
  try {
    entries = readdirSync(dir).sort();
  } catch {
    return;
  }
  for (const entry of entries) {
    if (entry === 'node_modules' || entry === 'dist' || entry === 'fixtures') continue;
    const path = join(dir, entry);
    if (statSync(path).isDirectory()) yield* sourceFiles(path);
    else if (/\.(?:[cm]?ts|[cm]?js)$/.test(entry) && !entry.endsWith('.d.ts')) yield path;
  }
}

/**
 * Every violation under `root` (a monorepo with packages/<name>/package.json), as one line each:
 * `packages/core/src/x.ts: imports @berth/cli, which core may not import`.
 */
export function checkImports(root) {
  const problems = [];
  const rootPackage = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
  const rootDev = new Set(Object.keys(rootPackage.devDependencies ?? {}));
  const builtins = new Set(builtinModules);
  for (const pkg of readdirSync(join(root, 'packages')).sort()) {
    const dir = join(root, 'packages', pkg);
    let manifest;
    try {
      manifest = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8'));
    } catch {
      continue;
    }
    const deps = new Set(Object.keys(manifest.dependencies ?? {}));
    const devDeps = new Set(Object.keys(manifest.devDependencies ?? {}));
    for (const area of ['src', 'test', 'bin']) {
      for (const file of sourceFiles(join(dir, area))) {
        const where = relative(root, file);
        const text = readFileSync(file, 'utf8');
        for (const match of text.matchAll(IMPORT)) {
          const specifier = match[1] ?? match[2] ?? match[3];
          if (!specifier) continue;
          if (specifier.startsWith('.') || specifier.startsWith('/')) {
            const target = relative(dir, join(file, '..', specifier));
            if (area === 'src' && (target.startsWith('..') || specifier.startsWith('/'))) {
              problems.push(`${where}: imports ${specifier}, outside its package; import the package instead`);
            }
            continue;
          }
          const builtin = specifier.startsWith('node:') ? specifier.slice(5) : specifier;
          if (builtins.has(builtin) || builtins.has(builtin.split('/')[0])) {
            if (pkg === 'driver-protocol' && area === 'src' && PROTOCOL_FORBIDDEN_BUILTINS.includes(builtin)) {
              problems.push(`${where}: imports ${specifier}; the wire contract does no file, process or crypto work`);
            }
            continue;
          }
          const name = packageNameOf(specifier);
          if (name === manifest.name) continue;
          if (name.startsWith('@berth/')) {
            const target = name.slice('@berth/'.length);
            if (area === 'src' && !allowedInternal(pkg, target)) {
              problems.push(`${where}: imports ${name}, which ${pkg} may not import (see ARCHITECTURE.md)`);
            }
          }
          const declared = area === 'src' ? deps.has(name) : deps.has(name) || devDeps.has(name) || rootDev.has(name);
          if (!declared) {
            const field = area === 'src' ? 'dependencies' : 'devDependencies';
            problems.push(`${where}: imports ${name}, which packages/${pkg}/package.json does not declare in ${field}`);
          }
        }
      }
    }
  }
  return problems;
}
