import { randomUUID } from 'node:crypto';
import { Cvss3P1, Cvss4P0 } from 'ae-cvss-calculator';
import { MigrationInterface, QueryRunner, Table, TableColumn, TableColumnOptions, TableForeignKeyOptions, TableIndex, TableIndexOptions } from 'typeorm';

// Revisions, credits, the published vendor list and products of advisories. Written with the QueryRunner API so the
// same migration runs on MySQL/MariaDB and SQLite.
const id = (): TableColumnOptions => ({ name: 'id', type: 'varchar', length: '36', isPrimary: true });
const ref = (name: string, isNullable = false): TableColumnOptions => ({ name, type: 'varchar', length: '36', isNullable });
const str = (name: string, length: number, isNullable = false): TableColumnOptions => ({ name, type: 'varchar', length: String(length), isNullable });
const enumeration = (name: string, isNullable = false): TableColumnOptions => str(name, 32, isNullable);
const time = (name: string, isNullable = false): TableColumnOptions => ({ name, type: 'datetime', precision: 3, isNullable });
const integer = (name: string): TableColumnOptions => ({ name, type: 'int', isNullable: false });
const fk = (column: string, table: string): TableForeignKeyOptions => ({ columnNames: [column], referencedTableName: table, referencedColumnNames: ['id'] });
const index = (table: string, columns: string[], isUnique = false): TableIndexOptions => ({
  name: `${isUnique ? 'UQ' : 'IDX'}_${table}_${columns.join('_')}`,
  columnNames: columns,
  isUnique,
});

/** The severity rule as it stood when this migration was written (v4.0 score if any, else v3.1 base score). */
function severityAtMigration(v3: string | null, v4: string | null): string | null {
  let score: number | undefined;
  try {
    if (v4) score = new Cvss4P0(v4).calculateScores().overall;
    else if (v3) score = new Cvss3P1(v3).calculateScores().base;
  } catch {
    return null;
  }
  if (score === undefined) return null;
  if (score === 0) return 'NONE';
  if (score < 4) return 'LOW';
  if (score < 7) return 'MEDIUM';
  if (score < 9) return 'HIGH';
  return 'CRITICAL';
}

const VERIFICATION_BY_STATUS: Record<string, string> = {
  AFFECTED: 'VULNERABLE',
  FIX_AVAILABLE: 'VULNERABLE',
  NOT_AFFECTED: 'NOT_VULNERABLE',
  ACKNOWLEDGED: 'UNDER_INVESTIGATION',
  INVESTIGATING: 'UNDER_INVESTIGATION',
};

export class AdvisoryPublication1764210000000 implements MigrationInterface {
  name = 'AdvisoryPublication1764210000000';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.addColumns('advisory', [
      new TableColumn({ name: 'workarounds', type: 'text', isNullable: true }),
      new TableColumn(enumeration('severity', true)),
      new TableColumn({ name: 'revision', type: 'int', isNullable: false, default: 0 }),
      new TableColumn(time('revisedAt', true)),
      new TableColumn({ name: 'pendingRevision', type: 'text', isNullable: true }),
    ]);
    await queryRunner.createIndex('advisory', new TableIndex(index('advisory', ['status', 'revisedAt'])));
    await queryRunner.createTable(
      new Table({
        name: 'advisory_revision',
        columns: [id(), ref('advisoryId'), integer('number'), time('releasedAt'), str('summary', 1000), ref('actorUserId', true)],
        indices: [index('advisory_revision', ['advisoryId', 'number'], true)],
        foreignKeys: [fk('advisoryId', 'advisory')],
      }),
    );
    await queryRunner.createTable(
      new Table({
        name: 'advisory_credit',
        columns: [
          id(), ref('advisoryId'), enumeration('type'), str('name', 200), str('organizationName', 200, true), ref('userId', true),
          enumeration('status'), time('respondedAt', true), time('createdAt'),
        ],
        indices: [index('advisory_credit', ['advisoryId', 'createdAt']), index('advisory_credit', ['userId'])],
        foreignKeys: [fk('advisoryId', 'advisory'), fk('userId', 'user')],
      }),
    );
    await queryRunner.createTable(
      new Table({
        name: 'advisory_vendor_status',
        columns: [
          id(), ref('advisoryId'), ref('vendorId'), str('vendorName', 200), enumeration('responseStatus'), enumeration('verificationResult'),
          { name: 'statement', type: 'text', isNullable: true }, time('recordedAt'),
        ],
        indices: [index('advisory_vendor_status', ['advisoryId', 'vendorId'], true), index('advisory_vendor_status', ['vendorName'])],
        foreignKeys: [fk('advisoryId', 'advisory'), fk('vendorId', 'vendor')],
      }),
    );
    await queryRunner.createTable(
      new Table({
        name: 'advisory_product',
        columns: [id(), ref('advisoryId'), ref('vendorId'), str('vendorName', 200), str('name', 200), str('versions', 500, true), integer('position')],
        indices: [index('advisory_product', ['advisoryId', 'position']), index('advisory_product', ['name'])],
        foreignKeys: [fk('advisoryId', 'advisory'), fk('vendorId', 'vendor')],
      }),
    );
    await this.backfillPublished(queryRunner);
  }

  /**
   * Advisories published before revisions existed get their initial revision, severity and vendor list. Dates are
   * copied inside SQL so no driver's date parsing comes between.
   */
  private async backfillPublished(queryRunner: QueryRunner): Promise<void> {
    const q = (name: string) => queryRunner.connection.driver.escape(name);
    const published = (await queryRunner.query(
      `SELECT ${q('id')}, ${q('caseId')}, ${q('cvssV3Vector')}, ${q('cvssV4Vector')} FROM ${q('advisory')} WHERE ${q('status')} = ?`,
      ['PUBLISHED'],
    )) as { id: string; caseId: string; cvssV3Vector: string | null; cvssV4Vector: string | null }[];
    for (const advisory of published) {
      await queryRunner.query(
        `INSERT INTO ${q('advisory_revision')} (${q('id')}, ${q('advisoryId')}, ${q('number')}, ${q('releasedAt')}, ${q('summary')}) ` +
          `SELECT ?, ${q('id')}, 1, ${q('publishedAt')}, ? FROM ${q('advisory')} WHERE ${q('id')} = ?`,
        [randomUUID(), 'Initial release', advisory.id],
      );
      await queryRunner.query(
        `UPDATE ${q('advisory')} SET ${q('revision')} = 1, ${q('severity')} = ? WHERE ${q('id')} = ?`,
        [severityAtMigration(advisory.cvssV3Vector, advisory.cvssV4Vector), advisory.id],
      );
      const vendors = (await queryRunner.query(
        `SELECT ${q('vendorId')}, ${q('status')} FROM ${q('case_vendor')} WHERE ${q('caseId')} = ? AND ${q('status')} <> ?`,
        [advisory.caseId, 'UNNOTIFIED'],
      )) as { vendorId: string; status: string }[];
      for (const vendor of vendors) {
        await queryRunner.query(
          `INSERT INTO ${q('advisory_vendor_status')} (${q('id')}, ${q('advisoryId')}, ${q('vendorId')}, ${q('vendorName')}, ${q('responseStatus')}, ` +
            `${q('verificationResult')}, ${q('statement')}, ${q('recordedAt')}) ` +
            `SELECT ?, a.${q('id')}, v.${q('id')}, v.${q('name')}, cv.${q('status')}, ?, cv.${q('statement')}, a.${q('publishedAt')} ` +
            `FROM ${q('advisory')} a, ${q('vendor')} v, ${q('case_vendor')} cv ` +
            `WHERE a.${q('id')} = ? AND v.${q('id')} = ? AND cv.${q('caseId')} = a.${q('caseId')} AND cv.${q('vendorId')} = v.${q('id')}`,
          [randomUUID(), VERIFICATION_BY_STATUS[vendor.status] ?? 'UNKNOWN', advisory.id, vendor.vendorId],
        );
      }
    }
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    for (const table of ['advisory_product', 'advisory_vendor_status', 'advisory_credit', 'advisory_revision']) await queryRunner.dropTable(table);
    await queryRunner.dropIndex('advisory', 'IDX_advisory_status_revisedAt');
    for (const column of ['pendingRevision', 'revisedAt', 'revision', 'severity', 'workarounds']) await queryRunner.dropColumn('advisory', column);
  }
}
