// Loads a CommonJS file the way require() does, but compiled from V8's code cache when one was
// made for this very build (scripts/bundle.mjs writes quick.cjs.cache beside quick.cjs, after a
// warm-up run, so it also holds the functions that run compiled). This saves Node parsing and
// compiling 450 KB at every start: about 13 ms of a 55 ms `berth url`. Node 20 has no
// module.enableCompileCache (Node 22), so this is hand-written; v8-compile-cache breaks import().
//
// The pairing is checked by a build ID, not left to V8, which checks only the source's length.
// A cache V8 rejects (another Node or V8 flags) is replaced on exit, when the directory is
// writable. BERTH_CODE_CACHE=off loads without one; =write remakes it (the build's warm-up).
'use strict';
const { readFileSync, renameSync, rmSync, writeFileSync } = require('node:fs');
const Module = require('node:module');
const path = require('node:path');
const { pathToFileURL } = require('node:url');
const vm = require('node:vm');

const BUILD_ID = /\n\/\/# berthBuild=([0-9a-f]{16})\n$/;
const HEADER_BYTES = 'berth-code-cache 0123456789abcdef\n'.length;

/** The cache file's first line: which build of the source it was made from. */
function cacheHeader(buildId) {
  return `berth-code-cache ${buildId}\n`;
}

/**
 * Runs `filename` as a CommonJS module. `cache` says what became of its code cache: `accepted`,
 * `rejected` by V8, `absent` (none, or one of another build), or `off` (BERTH_CODE_CACHE=off, or
 * a file with no build ID).
 * @param {string} filename absolute path of the .cjs file
 * @returns {{ exports: any, cache: 'accepted' | 'rejected' | 'absent' | 'off' }}
 */
function loadWithCodeCache(filename) {
  const source = readFileSync(filename, 'utf8');
  const buildId = BUILD_ID.exec(source.slice(-64))?.[1];
  const cacheFile = `${filename}.cache`;
  const useCache = buildId !== undefined && process.env.BERTH_CODE_CACHE !== 'off';
  const cachedData = useCache ? readCache(cacheFile, buildId) : undefined;
  // As require's wrapper, plus the import() the file's own import() calls go through (the bundle
  // rewrites them): code compiled by vm cannot import() without an experimental flag or warning.
  const wrapped = `(function (exports, require, module, __filename, __dirname, __berthImport) { ${source}\n})`;
  const script = new vm.Script(wrapped, { filename, cachedData });
  const cache = !useCache
    ? 'off'
    : cachedData === undefined
      ? 'absent'
      : script.cachedDataRejected
        ? 'rejected'
        : 'accepted';
  if (useCache && (cache !== 'accepted' || process.env.BERTH_CODE_CACHE === 'write')) {
    // On exit, so the cache holds what this run compiled, not only the top level.
    process.once('exit', () => writeCache(cacheFile, buildId, script));
  }
  const dirname = path.dirname(filename);
  const importFromFile = (specifier) =>
    import(specifier.startsWith('.') ? pathToFileURL(path.resolve(dirname, specifier)).href : specifier);
  const module = { exports: {}, filename, loaded: true };
  script.runInThisContext()(module.exports, Module.createRequire(filename), module, filename, dirname, importFromFile);
  return { exports: module.exports, cache };
}

/** The V8 data of the cache file when it was made for `buildId`; undefined otherwise. */
function readCache(cacheFile, buildId) {
  let bytes;
  try {
    bytes = readFileSync(cacheFile);
  } catch {
    return undefined;
  }
  if (bytes.subarray(0, HEADER_BYTES).toString('latin1') !== cacheHeader(buildId)) return undefined;
  return bytes.subarray(HEADER_BYTES);
}

/** Written whole or not at all (a rename), so a concurrent start never reads half a cache. */
function writeCache(cacheFile, buildId, script) {
  const temporary = `${cacheFile}.${process.pid}.tmp`;
  try {
    writeFileSync(temporary, Buffer.concat([Buffer.from(cacheHeader(buildId), 'latin1'), script.createCachedData()]));
    renameSync(temporary, cacheFile);
  } catch {
    // A read-only install keeps working, only without the cache.
    rmSync(temporary, { force: true });
  }
}

module.exports = { loadWithCodeCache };
