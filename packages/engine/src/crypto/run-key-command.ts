import { execFile, type ExecFileException } from 'node:child_process';
import { basename } from 'node:path';

import { EngineError } from '../errors.js';

/** Most bytes a key command may print; a key or passphrase is far smaller. */
export const MAX_KEY_COMMAND_OUTPUT = 64 * 1024;

const STDERR_EXCERPT = 200;

/**
 * Runs a key command without a shell (so nothing in the config is ever interpreted as shell
 * syntax) and resolves to its standard output. The child inherits the environment, as a
 * secrets manager CLI needs its address and token. Failures name the program but never its
 * arguments (which may hold tokens) nor its output.
 */
export function runKeyCommand(
  command: string,
  args: readonly string[],
  timeoutMs: number,
): Promise<string> {
  const program = basename(command);
  return new Promise((resolve, reject) => {
    execFile(
      command,
      [...args],
      {
        shell: false,
        timeout: timeoutMs,
        killSignal: 'SIGKILL',
        maxBuffer: MAX_KEY_COMMAND_OUTPUT,
        encoding: 'utf8',
        windowsHide: true,
      },
      (error, stdout, stderr) => {
        if (error === null) {
          if (stdout.trim() === '') {
            reject(
              unavailable(`The key command "${program}" printed nothing.`, {
                program,
                reason: 'empty-output',
              }),
            );
          } else resolve(stdout);
          return;
        }
        reject(commandError(error, program, timeoutMs, redact(stderr, stdout)));
      },
    );
  });
}

function commandError(
  error: ExecFileException,
  program: string,
  timeoutMs: number,
  stderr: string,
): EngineError {
  if (error.code === 'ENOENT') {
    return unavailable(`The key command "${program}" was not found.`, {
      program,
      reason: 'not-found',
    });
  }
  if (error.code === 'EACCES') {
    return unavailable(`The key command "${program}" is not executable.`, {
      program,
      reason: 'not-executable',
    });
  }
  if (error.code === 'ERR_CHILD_PROCESS_STDIO_MAXBUFFER') {
    return unavailable(
      `The key command "${program}" printed more than ${MAX_KEY_COMMAND_OUTPUT} bytes.`,
      { program, reason: 'output-too-large' },
    );
  }
  if (error.killed === true) {
    return unavailable(
      `The key command "${program}" did not finish within ${timeoutMs} ms and was killed.`,
      {
        program,
        reason: 'timeout',
        timeoutMs,
      },
    );
  }
  const exit =
    typeof error.code === 'number'
      ? `exited with status ${error.code}`
      : `was stopped by ${error.signal ?? 'a signal'}`;
  const said = stderr === '' ? '' : `: ${stderr}`;
  return unavailable(`The key command "${program}" ${exit}${said}`, {
    program,
    reason: 'failed',
    exitCode: error.code,
  });
}

// No `cause`: the exec error carries the full command line, arguments included.
function unavailable(message: string, details: Record<string, unknown>): EngineError {
  return new EngineError('KEY_UNAVAILABLE', message, {
    help: 'Run the command by hand as the server user to see why it fails, and check `keySource.command`, `args` and `timeoutMs`.',
    details,
  });
}

/** The last line of stderr, shortened, with any copy of the secret on stdout removed. */
function redact(stderr: string, stdout: string): string {
  const lines = stderr.trim().split(/\r?\n/);
  let last = (lines[lines.length - 1] ?? '').slice(0, STDERR_EXCERPT);
  const secret = stdout.trim();
  if (secret.length > 0) last = last.split(secret).join('[redacted]');
  return last;
}
