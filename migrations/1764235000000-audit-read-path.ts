import { MigrationInterface, QueryRunner, TableIndex } from 'typeorm';

// The audited read path (issue 7): an API key's previous read of an advisory is found through its own index, like a
// user's, and the chain head follows every appended entry by trigger, so an append is one INSERT under the head's
// lock instead of an INSERT and an UPDATE. The trigger body is the same on MySQL/MariaDB and SQLite; only the
// quoting differs.
const API_KEY_READS = new TableIndex({ name: 'IDX_audit_entry_actorApiKeyId_advisoryId_sequence', columnNames: ['actorApiKeyId', 'advisoryId', 'sequence'] });
const TRIGGER = 'TRG_audit_entry_moves_chain_head';

export class AuditReadPath1764235000000 implements MigrationInterface {
  name = 'AuditReadPath1764235000000';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.createIndex('audit_entry', API_KEY_READS);
    const name = (identifier: string) => queryRunner.connection.driver.escape(identifier);
    await queryRunner.query(
      `CREATE TRIGGER ${name(TRIGGER)} AFTER INSERT ON ${name('audit_entry')} FOR EACH ROW BEGIN ` +
        `UPDATE ${name('audit_chain_head')} SET ${name('lastSequence')} = NEW.${name('sequence')}, ${name('lastHash')} = NEW.${name('hash')} ` +
        `WHERE ${name('id')} = 'main' AND ${name('lastSequence')} < NEW.${name('sequence')}; END`,
    );
    // Entries appended before this migration already moved the head themselves.
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TRIGGER IF EXISTS ${queryRunner.connection.driver.escape(TRIGGER)}`);
    await queryRunner.dropIndex('audit_entry', API_KEY_READS.name!);
  }
}
