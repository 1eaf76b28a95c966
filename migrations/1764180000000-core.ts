import { MigrationInterface, QueryRunner, Table, TableColumnOptions, TableForeignKeyOptions, TableIndexOptions } from 'typeorm';

// Written once with the QueryRunner API so the same migration runs on MySQL/MariaDB and SQLite.
const id = (name = 'id'): TableColumnOptions => ({ name, type: 'varchar', length: '36', isPrimary: name === 'id' });
const ref = (name: string, isNullable = false): TableColumnOptions => ({ name, type: 'varchar', length: '36', isNullable });
const text = (name: string, isNullable = true): TableColumnOptions => ({ name, type: 'text', isNullable });
const str = (name: string, length: number, isNullable = false): TableColumnOptions => ({ name, type: 'varchar', length: String(length), isNullable });
const enumeration = (name: string, isNullable = false): TableColumnOptions => str(name, 32, isNullable);
const time = (name: string, isNullable = false): TableColumnOptions => ({ name, type: 'datetime', precision: 3, isNullable });
const flag = (name: string): TableColumnOptions => ({ name, type: 'boolean', isNullable: false, default: false });
const fk = (column: string, table: string): TableForeignKeyOptions => ({ columnNames: [column], referencedTableName: table, referencedColumnNames: ['id'] });
const index = (table: string, columns: string[], isUnique = false): TableIndexOptions => ({
  name: `${isUnique ? 'UQ' : 'IDX'}_${table}_${columns.join('_')}`,
  columnNames: columns,
  isUnique,
});

export class Core1764180000000 implements MigrationInterface {
  name = 'Core1764180000000';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.createTable(
      new Table({
        name: 'organization',
        columns: [id(), str('name', 200), enumeration('kind'), time('createdAt')],
        indices: [index('organization', ['kind'])],
      }),
    );
    await queryRunner.createTable(
      new Table({
        name: 'user',
        columns: [id(), str('email', 254), str('displayName', 200), ref('organizationId', true), enumeration('role'), { ...flag('active'), default: true }, time('createdAt')],
        indices: [index('user', ['email'], true), index('user', ['organizationId'])],
        foreignKeys: [fk('organizationId', 'organization')],
      }),
    );
    await queryRunner.createTable(
      new Table({
        name: 'api_key',
        columns: [
          id(), ref('organizationId'), str('name', 100), str('prefix', 32), str('secretHash', 64), enumeration('role'),
          ref('createdByUserId', true), time('createdAt'), time('lastUsedAt', true), time('revokedAt', true),
        ],
        indices: [index('api_key', ['prefix'], true), index('api_key', ['organizationId'])],
        foreignKeys: [fk('organizationId', 'organization')],
      }),
    );
    await queryRunner.createTable(
      new Table({
        name: 'vendor',
        columns: [id(), ref('organizationId'), str('name', 200), str('website', 500, true), time('createdAt')],
        indices: [index('vendor', ['organizationId'], true), index('vendor', ['name'])],
        foreignKeys: [fk('organizationId', 'organization')],
      }),
    );
    await queryRunner.createTable(
      new Table({
        name: 'product',
        columns: [id(), ref('vendorId'), str('name', 200), str('versions', 500, true)],
        indices: [index('product', ['vendorId'])],
        foreignKeys: [fk('vendorId', 'vendor')],
      }),
    );
    await queryRunner.createTable(
      new Table({
        name: 'vendor_contact_point',
        columns: [id(), ref('vendorId'), enumeration('kind'), str('value', 500), str('note', 500, true)],
        indices: [index('vendor_contact_point', ['vendorId'])],
        foreignKeys: [fk('vendorId', 'vendor')],
      }),
    );
    await queryRunner.createTable(
      new Table({
        name: 'case_file',
        columns: [
          id(), str('reference', 20), str('title', 300), text('description', false), text('affectedProducts', false),
          ref('finderUserId', true), str('finderName', 200, true), flag('finderConsentToName'), time('receivedAt'),
          ref('registeredByOrgId'), enumeration('state'), flag('overseasCoordination'),
          str('cvssV3Vector', 200, true), str('cvssV4Vector', 300, true), str('cweId', 20, true),
          text('analysisNotes'), text('coordinatorNotes'), time('updatedAt'),
        ],
        indices: [
          index('case_file', ['reference'], true),
          index('case_file', ['registeredByOrgId', 'state']),
          index('case_file', ['finderUserId']),
          index('case_file', ['state', 'receivedAt']),
          index('case_file', ['receivedAt', 'id']),
        ],
        foreignKeys: [fk('registeredByOrgId', 'organization'), fk('finderUserId', 'user')],
      }),
    );
    await queryRunner.createTable(
      new Table({
        name: 'case_vendor',
        columns: [id(), ref('caseId'), ref('vendorId'), enumeration('status'), text('statement'), time('notifiedAt', true), time('updatedAt')],
        indices: [index('case_vendor', ['caseId', 'vendorId'], true), index('case_vendor', ['vendorId', 'status'])],
        foreignKeys: [fk('caseId', 'case_file'), fk('vendorId', 'vendor')],
      }),
    );
    await queryRunner.createTable(
      new Table({
        name: 'case_transition',
        columns: [id(), ref('caseId'), enumeration('fromState', true), enumeration('toState'), ref('actorUserId', true), str('actorName', 200, true), text('reason'), time('at')],
        indices: [index('case_transition', ['caseId', 'at'])],
        foreignKeys: [fk('caseId', 'case_file')],
      }),
    );
    await queryRunner.createTable(
      new Table({
        name: 'contact_attempt',
        columns: [
          id(), ref('caseVendorId'), ref('caseId'), enumeration('channel'), str('address', 500), time('attemptedAt'),
          ref('recordedByUserId', true), enumeration('outcome'), text('notes'), ref('correctsAttemptId', true), time('createdAt'),
        ],
        indices: [index('contact_attempt', ['caseVendorId', 'attemptedAt']), index('contact_attempt', ['caseId', 'attemptedAt'])],
        foreignKeys: [fk('caseVendorId', 'case_vendor'), fk('caseId', 'case_file'), fk('correctsAttemptId', 'contact_attempt')],
      }),
    );
    await queryRunner.createTable(
      new Table({
        name: 'advisory',
        columns: [
          id(), ref('caseId'), str('identifier', 32, true), str('title', 300), text('overview'), text('affectedProducts'),
          text('impact'), text('solution'), text('vendorStatements'), str('cvssV3Vector', 200, true), str('cvssV4Vector', 300, true),
          str('cweId', 20, true), text('cveIds', false), enumeration('status'), time('publishedAt', true),
          flag('unableToCoordinate'), text('coordinatorVerification'), text('internalNotes'), time('createdAt'), time('updatedAt'),
        ],
        indices: [
          index('advisory', ['caseId'], true),
          index('advisory', ['identifier'], true),
          index('advisory', ['status', 'publishedAt']),
        ],
        foreignKeys: [fk('caseId', 'case_file')],
      }),
    );
    await queryRunner.createTable(
      new Table({
        name: 'advisory_sequence',
        columns: [{ name: 'prefix', type: 'varchar', length: '16', isPrimary: true }, { name: 'lastValue', type: 'int', isNullable: false, default: 0 }],
      }),
    );
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    for (const table of [
      'advisory_sequence', 'advisory', 'contact_attempt', 'case_transition', 'case_vendor', 'case_file',
      'vendor_contact_point', 'product', 'vendor', 'api_key', 'user', 'organization',
    ]) {
      await queryRunner.dropTable(table);
    }
  }
}
