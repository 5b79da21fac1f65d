import { Command } from 'commander';

import { runDemo } from './commands/demo.js';
import { registerDataCommands } from './commands/register-data-commands.js';
import { registerBackupCommands } from './commands/backup-commands.js';
import { registerSecurityCommands } from './commands/security-commands.js';
import { addServeOptions } from './commands/serve-options.js';
import { runTune } from './commands/tune.js';
import { parseBytes, positiveInt } from './parse-options.js';

const program = new Command()
  .name('needle')
  .description('Needle: an embedded vector database with observability built in')
  .showHelpAfterError();

addServeOptions(
  program
    .command('serve')
    .description(
      'Run the Needle server: REST API, /health, /ready and /metrics over the database in a data directory',
    ),
).action(async (options: Record<string, unknown>) => {
  // Loaded only here: the other commands do not need the server's dependencies.
  const { runServe } = await import('./commands/serve.js');
  await runServe(options);
});

registerDataCommands(program);
registerSecurityCommands(program);
registerBackupCommands(program);

program
  .command('demo')
  .description('Build an in-memory collection of generated vectors, search it and explain a query')
  .option('--vectors <n>', 'how many vectors to generate', positiveInt, 20_000)
  .option('--dimensions <n>', 'dimensions per vector', positiveInt, 128)
  .action(async (options: { vectors: number; dimensions: number }) => {
    await runDemo(options);
  });

program
  .command('tune')
  .description('Plan capacity: index type, HNSW parameters and memory for an expected dataset')
  .requiredOption('--vectors <n>', 'expected number of vectors', positiveInt)
  .requiredOption('--dimensions <n>', 'dimensions per vector', positiveInt)
  .option('--memory <bytes>', 'memory budget, e.g. 8GiB or 512MB', parseBytes)
  .option('--profile <name>', 'high-recall | balanced | low-latency', 'balanced')
  .option('--quantization <kind>', 'f32 | f16 | i8', 'f32')
  .option('--json', 'print JSON instead of a table')
  .action((options: Parameters<typeof runTune>[0]) => {
    runTune(options);
  });

await program.parseAsync(process.argv).catch((err: unknown) => {
  const e = err as { code?: string; message?: string; help?: string };
  console.error(`needle: ${e.message ?? String(err)}${e.help ? `\n  ${e.help}` : ''}`);
  process.exitCode = 1;
});
