import type { Command } from 'commander';

import { addTargetOptions } from '../open-backend.js';
import { finish } from '../register-data-commands.js';

/** What a security command's `--help` says about its exit statuses. */
export function exitCodesHelp(extra: { check?: string; interrupt?: boolean } = {}): string {
  return [
    '',
    'Exit status:',
    '  0    done',
    '  1    failed: the reason is printed as "needle: <message>" with what to do',
    '  2    usage: unknown flag, invalid value, or flags that do not go together',
    ...(extra.check === undefined ? [] : [`  4    ${extra.check}`]),
    ...(extra.interrupt ? ['  130  interrupted (Ctrl-C); a file being written is removed'] : []),
  ].join('\n');
}

/**
 * A command that only groups others (`needle keys`, `needle roles`, `needle audit`); its
 * error handling is inherited by the commands added to it.
 */
export function commandGroup(
  program: Command,
  name: string,
  description: string,
  examples: string[],
): Command {
  return finish(program.command(name).description(description), examples, exitCodesHelp());
}

/**
 * One security command: its arguments and options are added by `define`, then the target
 * flags (`--data`, `--url`, `--api-key`, ...), the examples and the exit statuses.
 */
export function securityCommand(
  group: Command,
  name: string,
  description: string,
  define: (command: Command) => Command,
  help: { examples: string[]; exitCodes?: string },
): Command {
  return finish(
    addTargetOptions(define(group.command(name).description(description))),
    help.examples,
    help.exitCodes ?? exitCodesHelp(),
  );
}

/** Collects a repeatable flag's values. */
export function collect(value: string, previous: string[] = []): string[] {
  return [...previous, value];
}
