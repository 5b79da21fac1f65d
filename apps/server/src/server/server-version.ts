import { readFileSync } from 'node:fs';

let version: string | undefined;

/** The server's version, from `apps/server/package.json` (the same from `src/` and `dist/`). */
export function serverVersion(): string {
  version ??= (
    JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as {
      version: string;
    }
  ).version;
  return version;
}
