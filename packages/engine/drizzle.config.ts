import { defineConfig } from 'drizzle-kit';

/** drizzle-kit settings: `npm run db:generate` writes a migration for any change to the schema. */
export default defineConfig({
  dialect: 'sqlite',
  schema: './src/storage/sqlite/schema.ts',
  out: './drizzle',
});
