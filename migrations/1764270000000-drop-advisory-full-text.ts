import { MigrationInterface, QueryRunner } from 'typeorm';
import { AdvisorySearchIndex1764230000000 } from './1764230000000-advisory-search-index';

// Drops the full-text indexes of migration 1764230000000: the InnoDB FULLTEXT indexes on MySQL/MariaDB, and on
// SQLite the `advisory_search` table, its FTS5 table `advisory_search_fts` and their triggers. Since migration
// 1764260000000 the public search reads only `advisory_search_term`, so these indexes cost every write of an
// advisory, a product row or a vendor-status row and their storage, and answer nothing. `down` is that migration's
// `up`, so the indexes come back as it built them, rows written meanwhile included.
//
// MySQL/MariaDB: one ALTER per table drops the index and rebuilds the table. The rebuild removes the hidden
// FTS_DOC_ID column and the FTS auxiliary tables, which dropping the index alone leaves in place (see the `down` of
// migration 1764230000000: a FULLTEXT index created again over them misses rows). Each ALTER is atomic and runs
// only while the index still exists, so a run stopped part way (MySQL/MariaDB commit DDL at once, and the run is
// then not recorded) finishes on the next start. The rebuild copies each table once, online.
//
// SQLite: the `down` of migration 1764230000000, which drops every object with IF EXISTS, in the migration's
// transaction.

/** The FULLTEXT indexes of migration 1764230000000 (there in a constant it does not export), in its order. */
const MYSQL_INDEXES: [table: string, name: string][] = [
  ['advisory', 'FT_advisory_text'],
  ['advisory_product', 'FT_advisory_product_names'],
  ['advisory_vendor_status', 'FT_advisory_vendor_status_vendorName'],
];

export class DropAdvisoryFullText1764270000000 implements MigrationInterface {
  name = 'DropAdvisoryFullText1764270000000';

  private readonly fullText = new AdvisorySearchIndex1764230000000();

  public async up(queryRunner: QueryRunner): Promise<void> {
    if (queryRunner.connection.options.type === 'better-sqlite3') return this.fullText.down(queryRunner);
    const q = (name: string) => queryRunner.connection.driver.escape(name);
    for (const [table, name] of [...MYSQL_INDEXES].reverse()) {
      const present = (await queryRunner.query(
        `SELECT 1 FROM information_schema.STATISTICS WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = ? AND INDEX_NAME = ? LIMIT 1`,
        [table, name],
      )) as unknown[];
      if (present.length > 0) await queryRunner.query(`ALTER TABLE ${q(table)} DROP INDEX ${q(name)}, FORCE`);
    }
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await this.fullText.up(queryRunner);
  }
}
