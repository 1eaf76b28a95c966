import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import mysql from 'mysql2/promise';
import { DataSource } from 'typeorm';
import { openDatabase } from '../../src/app';
import { DatabaseConfig, testConfig } from '../../src/config/config';

export type TestDatabaseKind = 'sqlite' | 'mariadb';

export const MARIADB_URL = process.env.TEST_MARIADB_URL ?? 'mysql://root@127.0.0.1:3306';

export function testDatabaseKind(): TestDatabaseKind {
  return process.env.TEST_DB === 'mariadb' ? 'mariadb' : 'sqlite';
}

export interface TestDatabase {
  kind: TestDatabaseKind;
  config: DatabaseConfig;
  dataSource: DataSource;
  drop(): Promise<void>;
}

/** A fresh, migrated database of its own for one test file: a temporary SQLite file, or a new MariaDB schema. */
export async function createTestDatabase(kind: TestDatabaseKind = testDatabaseKind()): Promise<TestDatabase> {
  if (kind === 'sqlite') {
    const directory = mkdtempSync(join(tmpdir(), 'renraku-test-'));
    const config: DatabaseConfig = { type: 'sqlite', path: join(directory, 'test.sqlite') };
    const dataSource = await openDatabase(testConfig({ database: config }));
    return {
      kind,
      config,
      dataSource,
      async drop() {
        await dataSource.destroy();
        rmSync(directory, { recursive: true, force: true });
      },
    };
  }
  const name = `renraku_test_${process.pid}_${randomBytes(4).toString('hex')}`;
  const admin = await mysql.createConnection(MARIADB_URL);
  await admin.query(`CREATE DATABASE \`${name}\` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci`);
  await admin.end();
  const config: DatabaseConfig = { type: 'mysql', url: `${MARIADB_URL}/${name}` };
  const dataSource = await openDatabase(testConfig({ database: config }));
  return {
    kind,
    config,
    dataSource,
    async drop() {
      await dataSource.destroy();
      const connection = await mysql.createConnection(MARIADB_URL);
      await connection.query(`DROP DATABASE IF EXISTS \`${name}\``);
      await connection.end();
    },
  };
}
