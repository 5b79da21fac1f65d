import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { accessSync, constants } from 'node:fs';
import { createServer } from 'node:net';
import { delimiter, join } from 'node:path';

/** The most output of a process kept for error messages. */
const OUTPUT_TAIL = 16 * 1024;

/**
 * The absolute path of a binary on `PATH`. A missing one throws saying how to install it: the
 * test fails rather than skipping, as CI must run it.
 */
export function requireBinary(name: string): string {
  for (const dir of (process.env.PATH ?? '').split(delimiter)) {
    if (dir === '') continue;
    const candidate = join(dir, name);
    try {
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {
      // Not in this directory.
    }
  }
  throw new Error(
    `${name} is not installed (not on PATH): run scripts/install-system-deps.sh as root ` +
      '(it installs the Debian packages prometheus and prometheus-alertmanager)',
  );
}

/** A port free on 127.0.0.1 now (the kernel's pick); the caller binds it next. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

/** A started process whose output is kept (its tail) for error messages. */
export class RunningProcess {
  readonly name: string;
  readonly #child: ChildProcess;
  #output = '';
  #exit: { code: number | null; signal: NodeJS.Signals | null } | undefined;
  readonly #exited: Promise<void>;

  private constructor(name: string, child: ChildProcess) {
    this.name = name;
    this.#child = child;
    const keep = (chunk: Buffer) => {
      this.#output = (this.#output + chunk.toString('utf8')).slice(-OUTPUT_TAIL);
    };
    child.stdout?.on('data', keep);
    child.stderr?.on('data', keep);
    this.#exited = new Promise((resolve) => {
      child.once('exit', (code, signal) => {
        this.#exit = { code, signal };
        resolve();
      });
      child.once('error', (error) => {
        this.#output += `\n${error.message}`;
        this.#exit ??= { code: null, signal: null };
        resolve();
      });
    });
  }

  /** Starts `binary` with `args` (no shell); `name` labels its messages. */
  static start(name: string, binary: string, args: readonly string[]): RunningProcess {
    const child = spawn(binary, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    return new RunningProcess(name, child);
  }

  /** The last lines the process wrote to standard output and error. */
  output(): string {
    return this.#output;
  }

  /** Whether the process has ended. */
  get exited(): boolean {
    return this.#exit !== undefined;
  }

  /**
   * Polls `url` until it answers 200. Throws, with the process's output, when the process
   * ends first or `timeoutMs` passes.
   */
  async waitReady(url: string, timeoutMs: number): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    let last = 'no answer yet';
    for (;;) {
      if (this.#exit) {
        throw new Error(
          `${this.name} exited (code ${String(this.#exit.code)}, signal ${String(this.#exit.signal)}) before ${url} was ready. Its output:\n${this.#output}`,
        );
      }
      try {
        const response = await fetch(url, { signal: AbortSignal.timeout(2_000) });
        if (response.status === 200) return;
        last = `HTTP ${String(response.status)}`;
      } catch (error) {
        last = (error as Error).message;
      }
      if (Date.now() > deadline) {
        throw new Error(
          `${this.name} was not ready at ${url} within ${String(timeoutMs)} ms (${last}). Its output:\n${this.#output}`,
        );
      }
      await new Promise((r) => setTimeout(r, 100));
    }
  }

  /** Asks the process to stop (SIGTERM), kills it after `graceMs`, and waits for its end. */
  async stop(graceMs = 2_000): Promise<void> {
    if (this.#exit) return;
    this.#child.kill('SIGTERM');
    const timer = setTimeout(() => this.#child.kill('SIGKILL'), graceMs);
    await this.#exited;
    clearTimeout(timer);
  }
}
