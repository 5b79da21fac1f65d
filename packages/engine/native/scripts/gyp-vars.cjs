#!/usr/bin/env node
/**
 * Answers binding.gyp's build-time questions about the installed `usearch` package, so the
 * addon compiles against whatever copy npm placed (hoisted or nested) without vendoring it:
 *
 *   usearch-include   the directory holding `usearch/index_dense.hpp`
 *   numkong-root      usearch's bundled NumKong sources
 *   numkong-sources   NumKong's dispatch translation units, one per line
 *   isa-defines       `NK_TARGET_*=0|1` for every SIMD target this compiler can emit
 *
 * The ISA probe mirrors NumKong's own `probes/probe.js`, which can only write its header
 * into the package directory; printing defines keeps node_modules untouched.
 */
'use strict';

const { execFileSync } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');

/** usearch's `exports` map hides package.json, so walk up from its entry point. */
function usearchRoot() {
  let dir = path.dirname(require.resolve('usearch'));
  while (!fs.existsSync(path.join(dir, 'include', 'usearch', 'index_dense.hpp'))) {
    const parent = path.dirname(dir);
    if (parent === dir)
      throw new Error('usearch headers not found above ' + require.resolve('usearch'));
    dir = parent;
  }
  return dir;
}

// [define, probe file, compiler flags]: NumKong's x86-64 and AArch64 table. Other
// architectures fall back to the compile-time detection in NumKong's headers.
const PROBES = {
  x64: [
    ['NK_TARGET_HASWELL', 'x86_haswell.c', ['-mavx2', '-mfma', '-mf16c']],
    ['NK_TARGET_SKYLAKE', 'x86_skylake.c', ['-mavx512f', '-mavx512bw', '-mavx512dq', '-mavx512vl']],
    ['NK_TARGET_ICELAKE', 'x86_icelake.c', ['-mavx512vnni', '-mavx512vl']],
    ['NK_TARGET_GENOA', 'x86_genoa.c', ['-mavx512bf16', '-mavx512vl']],
    ['NK_TARGET_SAPPHIRE', 'x86_sapphire.c', ['-mavx512fp16', '-mavx512vl']],
    ['NK_TARGET_SAPPHIREAMX', 'x86_sapphireamx.c', ['-mamx-tile', '-mamx-int8']],
    ['NK_TARGET_GRANITEAMX', 'x86_graniteamx.c', ['-mamx-tile', '-mamx-fp16']],
    ['NK_TARGET_DIAMOND', 'x86_diamond.c', ['-mavx10.2-512']],
    ['NK_TARGET_TURIN', 'x86_turin.c', ['-mavx512vp2intersect']],
    ['NK_TARGET_ALDER', 'x86_alder.c', ['-mavxvnni']],
    ['NK_TARGET_SIERRA', 'x86_sierra.c', ['-mavxvnniint8']],
  ],
  arm64: [
    ['NK_TARGET_NEON', 'arm_neon.c', ['-march=armv8-a+simd']],
    ['NK_TARGET_NEONHALF', 'arm_neon_half.c', ['-march=armv8.2-a+simd+fp16']],
    ['NK_TARGET_NEONSDOT', 'arm_neon_sdot.c', ['-march=armv8.2-a+dotprod']],
    ['NK_TARGET_NEONBFDOT', 'arm_neon_bfdot.c', ['-march=armv8.6-a+simd+bf16']],
    ['NK_TARGET_NEONFHM', 'arm_neon_fhm.c', ['-march=armv8.2-a+simd+fp16+fp16fml']],
    ['NK_TARGET_SVE', 'arm_sve.c', ['-march=armv8.2-a+sve']],
    ['NK_TARGET_SVEHALF', 'arm_sve_half.c', ['-march=armv8.2-a+sve+fp16']],
    ['NK_TARGET_SVEBFDOT', 'arm_sve_bfdot.c', ['-march=armv8.2-a+sve+bf16']],
    ['NK_TARGET_SVESDOT', 'arm_sve_sdot.c', ['-march=armv8.2-a+sve+dotprod']],
    ['NK_TARGET_SVE2', 'arm_sve2.c', ['-march=armv8.2-a+sve2']],
  ],
};

/** True when the C compiler accepts `file` with `flags`. */
function compiles(file, flags) {
  const out = path.join(
    os.tmpdir(),
    `needle-nk-probe-${process.pid}-${path.basename(file, '.c')}.o`,
  );
  try {
    execFileSync(process.env.CC || 'cc', ['-c', ...flags, file, '-o', out], {
      stdio: 'ignore',
      timeout: 30_000,
    });
    return true;
  } catch {
    return false;
  } finally {
    fs.rmSync(out, { force: true });
  }
}

function isaDefines(numkongRoot) {
  if (process.platform === 'win32') return [];
  const table = PROBES[process.arch] ?? [];
  return table.map(
    ([name, file, flags]) =>
      `${name}=${compiles(path.join(numkongRoot, 'probes', file), flags) ? 1 : 0}`,
  );
}

const root = usearchRoot();
const numkongRoot = path.join(root, 'numkong');
const answers = {
  'usearch-include': () => [path.join(root, 'include')],
  'numkong-root': () => [numkongRoot],
  'numkong-sources': () =>
    fs
      .readdirSync(path.join(numkongRoot, 'c'))
      .filter((name) => name.endsWith('.c'))
      .sort()
      // gyp's make generator wants sources relative to binding.gyp's directory.
      .map((name) => path.relative(process.cwd(), path.join(numkongRoot, 'c', name))),
  'isa-defines': () => isaDefines(numkongRoot),
};

const question = process.argv[2] ?? '';
const answer = answers[question];
if (!answer) {
  console.error(`usage: gyp-vars.cjs ${Object.keys(answers).join('|')}`);
  process.exit(2);
}
console.log(answer().join('\n'));
