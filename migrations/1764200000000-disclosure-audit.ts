import { MigrationInterface, QueryRunner, Table, TableColumnOptions, TableForeignKeyOptions, TableIndexOptions } from 'typeorm';

// Early disclosure grants to operators and the hash-chained audit log. QueryRunner API only, for MySQL/MariaDB and SQLite.
const id = (): TableColumnOptions => ({ name: 'id', type: 'varchar', length: '36', isPrimary: true });
const ref = (name: string, isNullable = false): TableColumnOptions => ({ name, type: 'varchar', length: '36', isNullable });
const str = (name: string, length: number, isNullable = false): TableColumnOptions => ({ name, type: 'varchar', length: String(length), isNullable });
const text = (name: string, isNullable: boolean): TableColumnOptions => ({ name, type: 'text', isNullable });
const enumeration = (name: string, isNullable = false): TableColumnOptions => str(name, 32, isNullable);
const time = (name: string, isNullable = false): TableColumnOptions => ({ name, type: 'datetime', precision: 3, isNullable });
const flag = (name: string): TableColumnOptions => ({ name, type: 'boolean', isNullable: false, default: false });
const fk = (column: string, table: string): TableForeignKeyOptions => ({ columnNames: [column], referencedTableName: table, referencedColumnNames: ['id'] });
const index = (table: string, columns: string[], isUnique = false): TableIndexOptions => ({
  name: `${isUnique ? 'UQ' : 'IDX'}_${table}_${columns.join('_')}`,
  columnNames: columns,
  isUnique,
});

const GENESIS_HASH = '0'.repeat(64);

export class DisclosureAudit1764200000000 implements MigrationInterface {
  name = 'DisclosureAudit1764200000000';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.createTable(
      new Table({
        name: 'disclosure_grant',
        columns: [
          id(), ref('advisoryId'), ref('organizationId'), enumeration('tlp'),
          flag('shareOverview'), flag('shareAffectedProducts'), flag('shareImpact'), flag('shareMitigations'), flag('shareTechnicalDetails'), flag('shareCvss'),
          time('startsAt'), time('endsAt', true), text('reason', false), ref('createdByUserId', true), time('createdAt'), time('updatedAt'),
          time('revokedAt', true), ref('revokedByUserId', true), time('acknowledgedAt', true), ref('acknowledgedByUserId', true), ref('acknowledgedByApiKeyId', true),
        ],
        indices: [index('disclosure_grant', ['advisoryId', 'organizationId']), index('disclosure_grant', ['organizationId', 'createdAt'])],
        foreignKeys: [
          fk('advisoryId', 'advisory'), fk('organizationId', 'organization'), fk('createdByUserId', 'user'), fk('revokedByUserId', 'user'),
          fk('acknowledgedByUserId', 'user'), fk('acknowledgedByApiKeyId', 'api_key'),
        ],
      }),
    );
    await queryRunner.createTable(
      new Table({
        name: 'disclosure_grant_recipient',
        columns: [id(), ref('grantId'), ref('userId')],
        indices: [index('disclosure_grant_recipient', ['grantId', 'userId'], true), index('disclosure_grant_recipient', ['userId'])],
        foreignKeys: [fk('grantId', 'disclosure_grant'), fk('userId', 'user')],
      }),
    );
    await queryRunner.createTable(
      new Table({
        name: 'disclosure_feedback',
        columns: [
          id(), ref('grantId'), ref('advisoryId'), ref('organizationId'), ref('authorUserId', true), ref('authorApiKeyId', true),
          enumeration('status', true), text('message', false), time('createdAt'),
        ],
        indices: [index('disclosure_feedback', ['grantId', 'createdAt']), index('disclosure_feedback', ['advisoryId', 'createdAt'])],
        foreignKeys: [
          fk('grantId', 'disclosure_grant'), fk('advisoryId', 'advisory'), fk('organizationId', 'organization'), fk('authorUserId', 'user'),
          fk('authorApiKeyId', 'api_key'),
        ],
      }),
    );
    // No foreign keys: the log must outlive whatever it mentions.
    await queryRunner.createTable(
      new Table({
        name: 'audit_entry',
        columns: [
          id(), { name: 'sequence', type: 'int', isNullable: false }, time('at'), str('requestId', 100), enumeration('action'),
          ref('actorUserId', true), ref('actorApiKeyId', true), str('actorName', 200, true), ref('organizationId', true), ref('advisoryId', true),
          ref('grantId', true), str('sections', 200), str('contentFingerprint', 64, true), text('detail', true), str('previousHash', 64), str('hash', 64),
        ],
        indices: [
          index('audit_entry', ['sequence'], true),
          index('audit_entry', ['advisoryId', 'action', 'sequence']),
          index('audit_entry', ['grantId', 'sequence']),
          index('audit_entry', ['actorUserId', 'advisoryId', 'sequence']),
        ],
      }),
    );
    await queryRunner.createTable(
      new Table({
        name: 'audit_chain_head',
        columns: [{ name: 'id', type: 'varchar', length: '16', isPrimary: true }, { name: 'lastSequence', type: 'int', isNullable: false }, str('lastHash', 64)],
      }),
    );
    await queryRunner.manager.createQueryBuilder().insert().into('audit_chain_head').values({ id: 'main', lastSequence: 0, lastHash: GENESIS_HASH }).execute();
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    for (const table of ['audit_chain_head', 'audit_entry', 'disclosure_feedback', 'disclosure_grant_recipient', 'disclosure_grant']) {
      await queryRunner.dropTable(table);
    }
  }
}
