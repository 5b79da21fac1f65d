/**
 * Exit statuses of the `needle` commands (the data commands and the security commands).
 * Scripts may rely on them; they are listed in each command's `--help`.
 */
export const EXIT_CODES = {
  /** Everything asked was done. */
  OK: 0,
  /** The command failed or stopped on an error; the reason is on standard error. */
  FAILED: 1,
  /** Unknown flag, a flag's value is invalid, or flags that cannot go together. */
  USAGE: 2,
  /** The import finished but some lines were not imported (bad or duplicate); the summary lists them. */
  PARTIAL: 3,
  /** A check answered no: the audit chain is broken (`audit verify`), the action is denied (`roles check`). */
  CHECK_FAILED: 4,
  /** Interrupted (Ctrl-C); what was written before stays written. */
  INTERRUPTED: 130,
} as const;

/** One of {@link EXIT_CODES}. */
export type ExitCode = (typeof EXIT_CODES)[keyof typeof EXIT_CODES];

/** The exit statuses as `--help` prints them. */
export const EXIT_CODES_HELP = `
Exit status:
  0    done
  1    failed: the reason is printed as "needle: <message>" with what to do
  2    usage: unknown flag, invalid value, or flags that do not go together
  3    partial: the import finished but some lines were not imported (see the summary)
  130  interrupted (Ctrl-C); work done before stays done`;

/**
 * A command cannot run as asked (a missing collection, conflicting flags, an unreadable
 * file). `needle` prints the message and `help`, and exits with `exitCode`.
 */
export class CommandError extends Error {
  readonly code: string;
  readonly help: string;
  readonly exitCode: ExitCode;

  constructor(
    code: string,
    message: string,
    help: string,
    options: { exitCode?: ExitCode; cause?: unknown } = {},
  ) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'CommandError';
    this.code = code;
    this.help = help;
    this.exitCode = options.exitCode ?? EXIT_CODES.FAILED;
  }
}

/**
 * What to print for a failure, and the exit status: `needle: <message>` and the error's
 * `help` when it has one (engine, server and command errors do). Never a stack trace: an
 * unexpected error prints its message and the message of its cause.
 */
export function describeFailure(err: unknown): { text: string; exitCode: ExitCode } {
  const e = (typeof err === 'object' && err !== null ? err : {}) as {
    message?: unknown;
    help?: unknown;
    cause?: unknown;
  };
  const message = typeof e.message === 'string' && e.message !== '' ? e.message : String(err);
  const cause = (e.cause as { message?: unknown } | undefined)?.message;
  const lines = [
    `needle: ${message}${typeof cause === 'string' && !message.includes(cause) ? ` (${cause})` : ''}`,
  ];
  if (typeof e.help === 'string' && e.help !== '') lines.push(`  ${e.help}`);
  const exitCode = err instanceof CommandError ? err.exitCode : EXIT_CODES.FAILED;
  return { text: lines.join('\n'), exitCode };
}
