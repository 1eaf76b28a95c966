import { MigrationInterface, QueryRunner, TableIndex } from 'typeorm';

// Indexes for the columns that policies and common filters use and that EXPLAIN on MariaDB showed read by full scans
// (at 100,000 cases). Written with the QueryRunner API so the same migration runs on MySQL/MariaDB and SQLite.
const ADDED: [table: string, columns: string[]][] = [
  // The vendor policy's "cases I was notified of": the semi-join reads case ids from the index alone.
  ['case_vendor', ['vendorId', 'status', 'caseId']],
  // CaseFilter.cweId and CaseOrder UPDATED_AT, with the id that breaks ties in keyset pagination.
  ['case_file', ['cweId', 'receivedAt', 'id']],
  ['case_file', ['updatedAt', 'id']],
  // The advisories list (newest created first) and the public search's filters, newest publication first.
  ['advisory', ['createdAt', 'id']],
  ['advisory', ['cweId', 'status', 'publishedAt']],
  ['advisory', ['severity', 'status', 'publishedAt']],
  ['advisory', ['unableToCoordinate', 'status', 'publishedAt']],
  // The coordinator's list of every grant, newest first.
  ['disclosure_grant', ['createdAt', 'id']],
];

/** Covered by the first index above (same leading columns), so it only cost writes. */
const REPLACED: [table: string, columns: string[]] = ['case_vendor', ['vendorId', 'status']];

const nameOf = (table: string, columns: string[]) => `IDX_${table}_${columns.join('_')}`;
const indexFor = (table: string, columns: string[]) => new TableIndex({ name: nameOf(table, columns), columnNames: columns });

export class QueryIndexes1764220000000 implements MigrationInterface {
  name = 'QueryIndexes1764220000000';

  public async up(queryRunner: QueryRunner): Promise<void> {
    for (const [table, columns] of ADDED) await queryRunner.createIndex(table, indexFor(table, columns));
    // After its replacement exists: MariaDB keeps an index on vendorId for the foreign key at every moment.
    await queryRunner.dropIndex(REPLACED[0], nameOf(...REPLACED));
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.createIndex(REPLACED[0], indexFor(...REPLACED));
    for (const [table, columns] of [...ADDED].reverse()) await queryRunner.dropIndex(table, nameOf(table, columns));
  }
}
