import { DataSource } from 'typeorm';
import { createDataSource } from '../ormconfig';
import { AppConfig } from './config/config';

/**
 * Opens the configured database and brings its schema up to date (migrations, never synchronize). A forked worker
 * passes `migrate: false`: the primary migrated before forking, and two migration runs must never race.
 */
export async function openDatabase(config: AppConfig, options: { migrate?: boolean } = {}): Promise<DataSource> {
  if (config.database.type === 'sqlite' && config.database.path !== ':memory:') {
    const { mkdirSync } = await import('node:fs');
    const { dirname } = await import('node:path');
    mkdirSync(dirname(config.database.path), { recursive: true });
  }
  const dataSource = createDataSource(config);
  await dataSource.initialize();
  if (options.migrate !== false) await dataSource.runMigrations({ transaction: 'each' });
  return dataSource;
}
