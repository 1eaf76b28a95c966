import 'reflect-metadata';
import { DataSource, DataSourceOptions } from 'typeorm';
import { AppConfig, DatabaseConfig } from './src/config/config';
import { ENTITIES } from './src/entities';
import { MIGRATIONS } from './migrations';

export function dataSourceOptions(database: DatabaseConfig): DataSourceOptions {
  const common = { entities: ENTITIES, migrations: MIGRATIONS, synchronize: false, migrationsRun: false } as const;
  if (database.type === 'sqlite') {
    return { ...common, type: 'better-sqlite3', database: database.path, enableWAL: database.path !== ':memory:', prepareDatabase: (db: { pragma(sql: string): unknown }) => {
      db.pragma('busy_timeout = 5000');
    } };
  }
  // trace: false stops mysql2 from capturing a stack trace for every statement (its promise wrapper does so to improve
  // error stacks): on the dashboard that was a few percent of the server's CPU. TypeORM's QueryFailedError still
  // carries the statement and the driver's error.
  return { ...common, type: 'mysql', url: database.url, timezone: 'Z', charset: 'utf8mb4_unicode_ci', supportBigNumbers: true, extra: { trace: false } };
}

export function createDataSource(config: Pick<AppConfig, 'database'>): DataSource {
  return new DataSource(dataSourceOptions(config.database));
}

