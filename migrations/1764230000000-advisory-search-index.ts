import { MigrationInterface, QueryRunner, TableIndex } from 'typeorm';

// Full-text indexes for the public advisory search (src/advisories/advisory-search.service.ts, search-text.ts).
//
// MySQL/MariaDB: InnoDB FULLTEXT indexes on the searched columns themselves. InnoDB keeps them up to date with every
// write, so no code has to remember them. They also hold the text of drafts and scheduled publications: the search
// always joins back to `advisory` under the "published and due" condition, so such text can never match.
//
// SQLite: FTS5 (built into better-sqlite3 12). An external-content FTS5 table needs a stable integer key, and the
// rowid of `advisory` (a varchar primary key) may change on VACUUM, so the searched text is kept in its own table,
// `advisory_search`, one row per advisory whose status is PUBLISHED (released or scheduled, never a draft), keyed by
// an INTEGER PRIMARY KEY. Triggers on `advisory`, `advisory_product` and `advisory_vendor_status` rebuild an
// advisory's row from its published columns and rows whenever they change, whoever writes them; the usual FTS5
// triggers keep `advisory_search_fts` in step with `advisory_search`. `pendingRevision` (staged edits) and
// `internalNotes` are never copied.

const ADVISORY_TEXT = ['identifier', 'title', 'overview', 'affectedProducts', 'impact', 'solution', 'workarounds', 'vendorStatements', 'coordinatorVerification'];

const MYSQL_INDEXES: [table: string, name: string, columns: string[]][] = [
  ['advisory', 'FT_advisory_text', ADVISORY_TEXT],
  ['advisory_product', 'FT_advisory_product_names', ['name', 'vendorName']],
  ['advisory_vendor_status', 'FT_advisory_vendor_status_vendorName', ['vendorName']],
];

/** The searched text of advisory `a`: its published columns, then product and vendor names, one per line. */
const SQLITE_BODY = [
  ...ADVISORY_TEXT.map((column) => `coalesce(a."${column}", '')`),
  `coalesce((SELECT group_concat(p."name" || char(10) || p."vendorName", char(10)) FROM "advisory_product" p WHERE p."advisoryId" = a."id"), '')`,
  `coalesce((SELECT group_concat(v."vendorName", char(10)) FROM "advisory_vendor_status" v WHERE v."advisoryId" = a."id"), '')`,
].join(' || char(10) || ');

/** Statements that rebuild the search row of the advisory whose id is the SQL expression `advisoryId`. */
const refresh = (advisoryId: string) => `
  DELETE FROM "advisory_search" WHERE "advisoryId" = ${advisoryId};
  INSERT INTO "advisory_search" ("advisoryId", "body")
    SELECT a."id", ${SQLITE_BODY} FROM "advisory" a WHERE a."id" = ${advisoryId} AND a."status" = 'PUBLISHED';`;

const SQLITE_TRIGGERS: [name: string, definition: string][] = [
  ['advisory_search_fts_insert', `AFTER INSERT ON "advisory_search" BEGIN
    INSERT INTO "advisory_search_fts" (rowid, "body") VALUES (new."id", new."body"); END`],
  ['advisory_search_fts_delete', `AFTER DELETE ON "advisory_search" BEGIN
    INSERT INTO "advisory_search_fts" ("advisory_search_fts", rowid, "body") VALUES ('delete', old."id", old."body"); END`],
  ['advisory_search_fts_update', `AFTER UPDATE ON "advisory_search" BEGIN
    INSERT INTO "advisory_search_fts" ("advisory_search_fts", rowid, "body") VALUES ('delete', old."id", old."body");
    INSERT INTO "advisory_search_fts" (rowid, "body") VALUES (new."id", new."body"); END`],
  ['advisory_search_advisory_insert', `AFTER INSERT ON "advisory" BEGIN ${refresh('new."id"')} END`],
  ['advisory_search_advisory_update', `AFTER UPDATE OF "status", ${ADVISORY_TEXT.map((column) => `"${column}"`).join(', ')} ON "advisory" BEGIN ${refresh('new."id"')} END`],
  ['advisory_search_advisory_delete', `AFTER DELETE ON "advisory" BEGIN DELETE FROM "advisory_search" WHERE "advisoryId" = old."id"; END`],
  ...(['advisory_product', 'advisory_vendor_status'] as const).flatMap((table): [string, string][] => [
    [`advisory_search_${table}_insert`, `AFTER INSERT ON "${table}" BEGIN ${refresh('new."advisoryId"')} END`],
    [`advisory_search_${table}_update`, `AFTER UPDATE ON "${table}" BEGIN ${refresh('old."advisoryId"')} ${refresh('new."advisoryId"')} END`],
    [`advisory_search_${table}_delete`, `AFTER DELETE ON "${table}" BEGIN ${refresh('old."advisoryId"')} END`],
  ]),
];

export class AdvisorySearchIndex1764230000000 implements MigrationInterface {
  name = 'AdvisorySearchIndex1764230000000';

  public async up(queryRunner: QueryRunner): Promise<void> {
    if (queryRunner.connection.options.type !== 'better-sqlite3') {
      // One ALTER per index: InnoDB builds (and on the first one, rebuilds the table for FTS_DOC_ID) one at a time.
      for (const [table, name, columnNames] of MYSQL_INDEXES) await queryRunner.createIndex(table, new TableIndex({ name, columnNames, isFulltext: true }));
      return;
    }
    await queryRunner.query(`CREATE TABLE "advisory_search" ("id" integer PRIMARY KEY AUTOINCREMENT NOT NULL, "advisoryId" varchar(36) NOT NULL, "body" text NOT NULL)`);
    await queryRunner.query(`CREATE UNIQUE INDEX "UQ_advisory_search_advisoryId" ON "advisory_search" ("advisoryId")`);
    // unicode61 with `_` as a token character splits words as InnoDB does; it folds case and removes diacritics.
    await queryRunner.query(
      `CREATE VIRTUAL TABLE "advisory_search_fts" USING fts5("body", content='advisory_search', content_rowid='id', tokenize="unicode61 remove_diacritics 2 tokenchars '_'")`,
    );
    for (const [name, definition] of SQLITE_TRIGGERS) await queryRunner.query(`CREATE TRIGGER "${name}" ${definition}`);
    // Existing published advisories; the trigger on advisory_search indexes each row.
    await queryRunner.query(`INSERT INTO "advisory_search" ("advisoryId", "body") SELECT a."id", ${SQLITE_BODY} FROM "advisory" a WHERE a."status" = 'PUBLISHED'`);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    if (queryRunner.connection.options.type !== 'better-sqlite3') {
      for (const [table, name] of [...MYSQL_INDEXES].reverse()) {
        await queryRunner.dropIndex(table, name);
        // Rebuild without the hidden FTS_DOC_ID column and the FTS auxiliary tables. Left in place, a FULLTEXT index
        // created again later (this migration's `up` after a `down`) misses every row written while the first one
        // existed but not yet synced (seen on MariaDB 10.11: MATCH then finds nothing).
        await queryRunner.query(`ALTER TABLE \`${table}\` FORCE`);
      }
      return;
    }
    for (const [name] of [...SQLITE_TRIGGERS].reverse()) await queryRunner.query(`DROP TRIGGER IF EXISTS "${name}"`);
    await queryRunner.query(`DROP TABLE IF EXISTS "advisory_search_fts"`);
    await queryRunner.query(`DROP TABLE IF EXISTS "advisory_search"`);
  }
}
