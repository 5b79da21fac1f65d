#!/usr/bin/env node
/**
 * Compiles `build/Release/needle_hnsw.node` (the `install` script of @needle/engine, also
 * `npm run build:native`). It runs the node-gyp that npm ships (npm passes its path in
 * `npm_config_node_gyp`), on every core, and points node-gyp at the headers installed
 * beside this Node binary so no header download is needed.
 *
 * npm runs this on every `npm install` of the workspace, so a build whose inputs (our
 * sources, the usearch version, the Node ABI) are unchanged is kept instead of recompiled;
 * `--force` recompiles anyway. Concurrent installs would race in the same build
 * directory, so builds are serialised by a lock file (taken over when its owner died).
 *
 * A failed compile does not fail the install: the engine then falls back to the stock
 * `usearch` binding (see create-vector-index.ts), and the engine's tests, which require
 * the addon, report the missing build.
 */
'use strict';

const { spawnSync } = require('node:child_process');
const crypto = require('node:crypto');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');

const nativeDir = path.resolve(__dirname, '..');

function nodeGypScript() {
  if (process.env.npm_config_node_gyp) return process.env.npm_config_node_gyp;
  try {
    return require.resolve('node-gyp/bin/node-gyp.js');
  } catch {
    // npm's bundled copy, for runs outside an npm script.
    const prefix = path.resolve(path.dirname(process.execPath), '..');
    return path.join(
      prefix,
      'lib',
      'node_modules',
      'npm',
      'node_modules',
      'node-gyp',
      'bin',
      'node-gyp.js',
    );
  }
}

/** usearch's package.json (its version pins the headers we compile), or a marker. */
function usearchManifest() {
  try {
    // The CommonJS entry sits in javascript/dist/cjs/ below the package root.
    const entry = require.resolve('usearch');
    return fs.readFileSync(path.join(path.dirname(entry), '..', '..', '..', 'package.json'));
  } catch {
    return 'usearch is not installed';
  }
}

/** A digest of everything the binary depends on. */
function inputsDigest() {
  const hash = crypto.createHash('sha256');
  hash.update(`${process.platform}-${process.arch}-${process.versions.modules}\n`);
  hash.update(usearchManifest());
  const files = ['binding.gyp', 'scripts/gyp-vars.cjs'];
  for (const name of fs.readdirSync(path.join(nativeDir, 'src')).sort()) {
    files.push(path.join('src', name));
  }
  for (const file of files) hash.update(file).update(fs.readFileSync(path.join(nativeDir, file)));
  return hash.digest('hex');
}

const binary = path.join(nativeDir, 'build', 'Release', 'needle_hnsw.node');
const stamp = path.join(nativeDir, 'build', 'inputs.sha256');
const lockPath = path.join(
  os.tmpdir(),
  `needle-hnsw-build-${crypto.createHash('sha256').update(nativeDir).digest('hex').slice(0, 12)}.lock`,
);

function isAlive(pid) {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return error.code === 'EPERM';
  }
}

/** Blocks until this process holds the build lock. */
function acquireLock() {
  const pause = new Int32Array(new SharedArrayBuffer(4));
  for (let waited = 0; ; waited++) {
    try {
      fs.writeFileSync(lockPath, String(process.pid), { flag: 'wx' });
      return;
    } catch (error) {
      if (error.code !== 'EEXIST') throw error;
    }
    let owner = 0;
    try {
      owner = Number(fs.readFileSync(lockPath, 'utf8'));
    } catch {
      continue; // released between our two calls
    }
    if (owner > 0 && !isAlive(owner)) {
      fs.rmSync(lockPath, { force: true });
      continue;
    }
    if (waited === 0) console.log(`waiting for the native build of process ${owner}`);
    Atomics.wait(pause, 0, 0, 1000);
  }
}

function upToDate(digest) {
  return fs.existsSync(binary) && fs.existsSync(stamp) && fs.readFileSync(stamp, 'utf8') === digest;
}

const digest = inputsDigest();
const force = process.argv.includes('--force');
if (!force && upToDate(digest)) {
  console.log('needle_hnsw.node is up to date');
  process.exit(0);
}

acquireLock();
try {
  if (!force && upToDate(digest)) {
    console.log('needle_hnsw.node was just built by another process');
  } else {
    build();
  }
} finally {
  fs.rmSync(lockPath, { force: true });
}

function build() {
  const args = [nodeGypScript(), 'rebuild', `--jobs=${os.availableParallelism()}`];
  const prefix = path.resolve(path.dirname(process.execPath), '..');
  if (
    !process.env.npm_config_nodedir &&
    fs.existsSync(path.join(prefix, 'include', 'node', 'node_api.h'))
  ) {
    args.push(`--nodedir=${prefix}`);
  }
  const started = Date.now();
  const run = spawnSync(process.execPath, args, { cwd: nativeDir, stdio: 'inherit' });
  const seconds = ((Date.now() - started) / 1000).toFixed(1);
  if (run.status === 0) {
    fs.writeFileSync(stamp, digest);
    console.log(`needle_hnsw.node built in ${seconds} s`);
  } else {
    console.warn(
      `needle_hnsw.node failed to build (${run.error?.message ?? `exit ${run.status}`}); ` +
        'the engine will use the slower stock usearch binding. ' +
        'Rebuild with `npm run build:native -w @needle/engine`.',
    );
  }
}
