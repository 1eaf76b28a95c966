import 'reflect-metadata';
import { openDatabase } from '../src/app';
import { loadConfig } from '../src/config/config';
import { benchDatabaseUrl } from './options';

/**
 * `node dist/bench/migrate.js`: runs the app's pending migrations on DATABASE_URL and exits. A benchmark server runs
 * them at start too, but run-bench gives it 60 s, and the search index migration (1764260000000) takes about ten
 * minutes on the 1M dataset.
 */
async function main(): Promise<void> {
  const url = benchDatabaseUrl();
  const started = Date.now();
  const dataSource = await openDatabase(loadConfig({ NODE_ENV: 'development', DATABASE_URL: url, SEED_DEMO: 'false' }));
  await dataSource.destroy();
  console.log(`migrate: ${url} up to date (${((Date.now() - started) / 1000).toFixed(1)} s)`);
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
