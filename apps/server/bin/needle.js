#!/usr/bin/env node
// The `needle` command. Runs the compiled CLI; `npm run build` (or `npm start`) builds it.
import { existsSync } from 'node:fs';

const entry = new URL('../dist/cli.js', import.meta.url);
if (!existsSync(entry)) {
  console.error('needle: not built yet. Run `npm run build` at the repository root first.');
  process.exit(1);
}
await import(entry.href);
