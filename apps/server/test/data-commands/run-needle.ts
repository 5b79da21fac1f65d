import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { createRequire } from 'node:module';
import { fileURLToPath, pathToFileURL } from 'node:url';

/** The `needle` command's source, run as `bin/needle.js` runs its build. */
const entry = fileURLToPath(new URL('../../src/cli.ts', import.meta.url));

const tsx = pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href;

/** What a finished `needle` process printed and how it exited. */
export interface NeedleRun {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/** Options of {@link startNeedle}. */
export interface NeedleOptions {
  cwd?: string;
  /** Written to standard input, which is then closed; without it standard input stays open. */
  input?: string;
  env?: Record<string, string>;
}

/** A running `needle` process; `done` settles when it exits. */
export interface RunningNeedle {
  child: ChildProcess;
  stdout(): string;
  stderr(): string;
  done: Promise<NeedleRun>;
}

/** Starts `needle <args>` from source in a child process, like a user's shell would. */
export function startNeedle(args: string[], options: NeedleOptions = {}): RunningNeedle {
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries(process.env)) {
    if (v !== undefined && !k.startsWith('NEEDLE_')) env[k] = v;
  }
  const child = spawn(
    process.execPath,
    ['--conditions=@needle/source', '--import', tsx, entry, ...args],
    { cwd: options.cwd, env: { ...env, NO_COLOR: '1', ...options.env }, stdio: 'pipe' },
  );
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (s: string) => (stdout += s));
  child.stderr.setEncoding('utf8').on('data', (s: string) => (stderr += s));
  if (options.input !== undefined) child.stdin.end(options.input);
  const done = new Promise<NeedleRun>((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code, signal) => resolve({ code, signal, stdout, stderr }));
  });
  return { child, stdout: () => stdout, stderr: () => stderr, done };
}

/** Runs `needle <args>` to completion. */
export function runNeedle(args: string[], options: NeedleOptions = {}): Promise<NeedleRun> {
  return startNeedle(args, { input: '', ...options }).done;
}
