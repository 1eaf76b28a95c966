import { MigrationInterface, QueryRunner, Table, TableForeignKey, TableIndex } from 'typeorm';

// The public search's own inverted index (src/advisories/search-index.ts), which the search reads instead of the
// InnoDB FULLTEXT indexes and the SQLite FTS5 table of migration 1764230000000. A FULLTEXT or FTS5 lookup computes a
// word's whole match set before the first row, so a page's cost grew with the number of advisories holding the word;
// this index is read newest publication first from its primary key, so a page reads about a page of rows whatever
// the size. The old indexes stay for now, so that the previous release still runs on a migrated database (a rollback
// needs no schema change); a later migration drops them once no deployed release reads them.
//
// advisory_search_term: (term, publishedAt, advisoryId), one row per term of every PUBLISHED advisory (released or
// scheduled), with an index on (advisoryId, term). The terms are every 3-to-20-character prefix of each folded
// token and tokens longer than 20 in full, of exactly the published text: the text columns, product names and
// vendor names, vendor-status vendor names. `term` compares byte for byte on both databases (utf8mb4_bin): the
// application folds case and accents itself, the same way on both.
//
// Existing published advisories are indexed here, oldest publication first, in batches (about 25k rows a second on
// MariaDB: the benchmark's million cases, 180k published advisories, take about 15 minutes). The tokenizer below is a
// copy of src/advisories/search-text.ts as it stood when this migration was written (migrations are history).

const TABLE = 'advisory_search_term';
const TEXT = ['identifier', 'title', 'overview', 'affectedProducts', 'impact', 'solution', 'workarounds', 'vendorStatements', 'coordinatorVerification'];
const STOPWORDS = new Set([
  'a', 'about', 'an', 'are', 'as', 'at', 'be', 'by', 'com', 'de', 'en', 'for', 'from', 'how', 'i', 'in', 'is', 'it', 'la',
  'of', 'on', 'or', 'that', 'the', 'this', 'to', 'was', 'what', 'when', 'where', 'who', 'will', 'with', 'und', 'www',
]);
const TOKEN = /[\p{L}\p{M}\p{N}_]+/gu;
const UNSPACED_SCRIPT = /[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}\p{Script=Hangul}\p{Script=Thai}\p{Script=Lao}\p{Script=Khmer}\p{Script=Myanmar}\p{Script=Tibetan}]/u;
const PREFIX_MAX = 20;
/** Advisories per batch (about 130 rows each at the benchmark's text length), and rows per INSERT. */
const BATCH = 2_000;
const INSERT_ROWS = 5_000;

function termsAtMigration(texts: (string | null)[]): Set<string> {
  const terms = new Set<string>();
  for (const text of texts) {
    if (!text) continue;
    for (const token of (text.normalize('NFKD').replace(/\p{M}/gu, '').toLowerCase().match(TOKEN) ?? []) as string[]) {
      const chars = [...token];
      if (chars.length < 3 || chars.length > 84 || STOPWORDS.has(token)) continue;
      const unspaced = chars.findIndex((char) => UNSPACED_SCRIPT.test(char));
      const usable = unspaced === -1 ? chars.length : unspaced;
      for (let length = 3; length <= Math.min(usable, PREFIX_MAX); length++) terms.add(chars.slice(0, length).join(''));
      if (unspaced === -1 && chars.length > PREFIX_MAX) terms.add(token);
    }
  }
  return terms;
}

export class AdvisorySearchTerms1764260000000 implements MigrationInterface {
  name = 'AdvisorySearchTerms1764260000000';

  public async up(queryRunner: QueryRunner): Promise<void> {
    const mysql = queryRunner.connection.options.type !== 'better-sqlite3';
    const q = (name: string) => queryRunner.connection.driver.escape(name);
    // MySQL/MariaDB commit the CREATE TABLE at once: a run stopped during the load leaves the table behind without
    // recording the migration. The table holds only derived rows, so a new run starts over.
    await queryRunner.query(`DROP TABLE IF EXISTS ${q(TABLE)}`);
    const index = { name: 'IDX_advisory_search_term_advisoryId_term', columnNames: ['advisoryId', 'term'] };
    const foreignKey = { name: 'FK_advisory_search_term_advisoryId', columnNames: ['advisoryId'], referencedTableName: 'advisory', referencedColumnNames: ['id'] };
    await queryRunner.createTable(
      new Table({
        name: TABLE,
        columns: [
          { name: 'term', type: 'varchar', length: '84', isPrimary: true, ...(mysql ? { charset: 'utf8mb4', collation: 'utf8mb4_bin' } : {}) },
          { name: 'publishedAt', type: 'datetime', precision: 3, isPrimary: true },
          { name: 'advisoryId', type: 'varchar', length: '36', isPrimary: true },
        ],
        // SQLite: declared now (adding a foreign key later rebuilds the table). MySQL/MariaDB: added after the rows
        // (below), so that the load writes the primary key only; the secondary index is then built by sorting.
        ...(mysql ? {} : { indices: [index], foreignKeys: [foreignKey] }),
      }),
    );

    let after: { publishedAt: unknown; id: string } | null = null;
    for (;;) {
      const advisories = (await queryRunner.query(
        `SELECT ${['id', 'publishedAt', ...TEXT].map(q).join(', ')} FROM ${q('advisory')} WHERE ${q('status')} = 'PUBLISHED'${
          after ? ` AND (${q('publishedAt')} > ? OR (${q('publishedAt')} = ? AND ${q('id')} > ?))` : ''
        } ORDER BY ${q('publishedAt')}, ${q('id')} LIMIT ${BATCH}`,
        after ? [after.publishedAt, after.publishedAt, after.id] : [],
      )) as Record<string, unknown>[];
      if (advisories.length === 0) break;
      const ids = advisories.map((row) => String(row.id));
      const list = ids.map(() => '?').join(', ');
      const names = new Map<string, string[]>(ids.map((id) => [id, []]));
      for (const row of (await queryRunner.query(`SELECT ${q('advisoryId')}, ${q('name')}, ${q('vendorName')} FROM ${q('advisory_product')} WHERE ${q('advisoryId')} IN (${list})`, ids)) as Record<string, string>[]) {
        names.get(row.advisoryId)!.push(row.name, row.vendorName);
      }
      for (const row of (await queryRunner.query(`SELECT ${q('advisoryId')}, ${q('vendorName')} FROM ${q('advisory_vendor_status')} WHERE ${q('advisoryId')} IN (${list})`, ids)) as Record<string, string>[]) {
        names.get(row.advisoryId)!.push(row.vendorName);
      }
      const rows: [string, unknown, unknown][] = [];
      for (const advisory of advisories) {
        for (const term of termsAtMigration([...TEXT.map((column) => advisory[column] as string | null), ...names.get(String(advisory.id))!])) rows.push([term, advisory.publishedAt, advisory.id]);
      }
      // In key order within the batch: the batch's rows of one term land together at the end of that term's range.
      rows.sort((left, right) => (left[0] < right[0] ? -1 : left[0] > right[0] ? 1 : 0));
      for (let start = 0; start < rows.length; start += INSERT_ROWS) {
        const chunk = rows.slice(start, start + INSERT_ROWS);
        await queryRunner.query(`INSERT INTO ${q(TABLE)} (${q('term')}, ${q('publishedAt')}, ${q('advisoryId')}) VALUES ${chunk.map(() => '(?, ?, ?)').join(', ')}`, chunk.flat());
      }
      const last = advisories[advisories.length - 1];
      after = { publishedAt: last.publishedAt, id: String(last.id) };
    }

    if (mysql) {
      await queryRunner.createIndex(TABLE, new TableIndex(index));
      // Every row was just read from advisory: checking each again would only take time (and, with checks on,
      // MariaDB would copy the table to add the key).
      await queryRunner.query('SET SESSION foreign_key_checks = 0');
      try {
        await queryRunner.createForeignKey(TABLE, new TableForeignKey(foreignKey));
      } finally {
        await queryRunner.query('SET SESSION foreign_key_checks = 1');
      }
    }
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropTable(TABLE);
  }
}
