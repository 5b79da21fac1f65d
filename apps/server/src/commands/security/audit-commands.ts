import { Option } from 'commander';
import type { Command } from 'commander';

import { EXIT_CODES } from '../command-error.js';
import type { TargetOptions } from '../open-backend.js';
import { positiveInt } from '../../parse-options.js';
import { action } from '../register-data-commands.js';
import { writeAuditExport } from './audit-export.js';
import { commandGroup, exitCodesHelp, securityCommand } from './command-kit.js';
import { withSecurity } from './open-security.js';
import { formatTable, shortTime } from './print-table.js';
import type { AuditFilter, AuditRecord } from './security-backend.js';
import { parsePointInTime } from './time-options.js';

type FilterFlags = TargetOptions & {
  since?: number;
  until?: number;
  principal?: string;
  action?: string;
  collection?: string;
};

const MAX_LIST = 10_000;

/** Adds `--since`, `--until`, `--principal`, `--action`, `--collection`. */
function addFilterOptions(command: Command): Command {
  return command
    .addOption(
      new Option(
        '--since <time>',
        'entries from this time: ISO, or how long ago (24h, 7d)',
      ).argParser((v) => parsePointInTime(v)),
    )
    .addOption(
      new Option('--until <time>', 'entries before this time: ISO, or how long ago').argParser(
        (v) => parsePointInTime(v),
      ),
    )
    .option('--principal <principal>', 'only this principal: key:<id>, jwt:<sub>, cli:<user>, ...')
    .option('--action <action>', 'only this action: search, keys.create, roles.grant, ...')
    .option('--collection <name>', 'only this collection');
}

function filterOf(flags: FilterFlags): AuditFilter {
  return {
    ...(flags.since === undefined ? {} : { since: flags.since }),
    ...(flags.until === undefined ? {} : { until: flags.until }),
    ...(flags.principal === undefined ? {} : { principal: flags.principal }),
    ...(flags.action === undefined ? {} : { action: flags.action }),
    ...(flags.collection === undefined ? {} : { collection: flags.collection }),
  };
}

/** `needle audit verify|list|export`: the hash-chained audit log. */
export function registerAuditCommands(program: Command): void {
  const audit = commandGroup(
    program,
    'audit',
    'The audit log: who did what, where, allowed or denied; hash-chained so that tampering shows',
    ['needle audit verify', 'needle audit list --since 24h --action keys.create'],
  );

  securityCommand(
    audit,
    'verify',
    "Walk the audit log's hash chain: an edited, inserted or deleted entry breaks it",
    (c) => c.option('--json', 'print the outcome as JSON'),
    {
      examples: ['needle audit verify', 'needle audit verify --url http://127.0.0.1:8080'],
      exitCodes: exitCodesHelp({
        check: 'the chain is broken: the entry and the problem are printed',
      }),
    },
  ).action(
    action(async (_signal, options: TargetOptions & { json?: boolean }) => {
      const { result, source } = await withSecurity(options, 'needle audit verify', async (b) => ({
        result: await b.verifyAudit(),
        source: b.source,
      }));
      if (options.json) {
        console.log(JSON.stringify(result, null, 2));
      } else if (result.ok) {
        const head = result.headSeq === null ? '' : `, newest entry ${result.headSeq}`;
        console.log(
          `the audit log of ${source} holds: ${result.entries.toLocaleString('en')} entries${head}`,
        );
      } else {
        console.log(`the audit log of ${source} is broken: ${result.problem}`);
        if (result.entry !== undefined) {
          console.log(`  entry ${result.seq} as stored: ${JSON.stringify(result.entry)}`);
        }
        const n = result.entries;
        console.log(
          `  ${n === 1 ? 'the 1 entry' : `the ${n.toLocaleString('en')} entries`} before the problem hold`,
        );
      }
      if (!result.ok) {
        process.stderr.write(
          'needle: the audit log was tampered with or damaged\n  Compare with an exported copy or a backup, and keep this database as evidence.\n',
        );
      }
      return result.ok ? EXIT_CODES.OK : EXIT_CODES.CHECK_FAILED;
    }),
  );

  securityCommand(
    audit,
    'list',
    'Show audit entries, newest first',
    (c) =>
      addFilterOptions(c)
        .option('--limit <n>', `at most this many entries (up to ${MAX_LIST})`, positiveInt, 50)
        .option('--json', 'print JSON'),
    {
      examples: [
        'needle audit list',
        'needle audit list --since 24h --principal key:3f9a0c1b2d4e',
        'needle audit list --action keys.create --json --url http://127.0.0.1:8080',
      ],
    },
  ).action(
    action(async (_signal, options: FilterFlags & { limit: number; json?: boolean }) => {
      const limit = Math.min(options.limit, MAX_LIST);
      const entries = await withSecurity(options, 'needle audit list', (b) =>
        b.listAudit(filterOf(options), limit),
      );
      if (options.json) {
        console.log(JSON.stringify({ entries }, null, 2));
      } else if (entries.length === 0) {
        console.log('no audit entries match');
      } else {
        const rows = [
          ['seq', 'time', 'principal', 'action', 'collection', 'result', 'source', 'detail'],
          ...entries.map(auditRow),
        ];
        for (const line of formatTable(rows)) console.log(line);
      }
      return EXIT_CODES.OK;
    }),
  );

  securityCommand(
    audit,
    'export',
    'Export audit entries as JSONL, oldest first, to a file or standard output',
    (c) =>
      addFilterOptions(c)
        .option('--out <file>', 'file to write, or - for standard output', '-')
        .option('--force', 'replace --out if it exists'),
    {
      examples: [
        'needle audit export --out audit.jsonl',
        'needle audit export --since 2025-06-01 --until 2025-07-01 | gzip > june.jsonl.gz',
        'needle audit export --principal key:3f9a0c1b2d4e --url http://127.0.0.1:8080',
      ],
      exitCodes: exitCodesHelp({ interrupt: true }),
    },
  ).action(
    action(async (signal, options: FilterFlags & { out: string; force?: boolean }) => {
      const summary = await withSecurity(options, 'needle audit export', (b) =>
        writeAuditExport(b.exportAudit(filterOf(options)), {
          out: options.out,
          force: options.force === true,
          signal,
        }),
      );
      // With the entries on standard output, the summary must not mix into them.
      const report = (line: string) =>
        options.out === '-' ? process.stderr.write(`${line}\n`) : console.log(line);
      if (summary.interrupted) {
        report(
          options.out === '-'
            ? `interrupted after ${summary.exported.toLocaleString('en')} entries`
            : `interrupted after ${summary.exported.toLocaleString('en')} entries; the partial file was removed`,
        );
        return EXIT_CODES.INTERRUPTED;
      }
      if (!summary.outputClosed) {
        report(
          `exported ${summary.exported.toLocaleString('en')} audit entries to ${summary.destination}`,
        );
      }
      return EXIT_CODES.OK;
    }),
  );
}

function auditRow(e: AuditRecord): string[] {
  return [
    String(e.seq),
    shortTime(e.at),
    e.principal,
    e.action,
    e.collection ?? '-',
    e.allowed ? 'allowed' : 'denied',
    e.source ?? '-',
    Object.entries(e.detail ?? {})
      .map(([k, v]) => `${k}=${typeof v === 'string' ? v : JSON.stringify(v)}`)
      .join(' '),
  ];
}
