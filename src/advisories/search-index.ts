import { EntityManager } from 'typeorm';
import { documentTerms } from './search-text';

/**
 * The public search's own inverted index: one row per (term, advisory) of every advisory whose status is PUBLISHED
 * (released, or scheduled for later), keyed (term, publishedAt, advisoryId) so that one term's advisories are read
 * newest publication first straight from the primary key, from any cursor position; a second index on
 * (advisoryId, term) answers "does this advisory hold this term" for the other words of a search. Created by
 * migrations/1764260000000-advisory-search-terms.ts.
 *
 * It holds exactly the text a public search covers: the published text columns, the published product rows (name
 * and vendor name) and vendor-status rows (vendor name). Drafts have no rows; staged edits (`pendingRevision`) and
 * internal notes are never read. Rows of a scheduled publication exist before it is due: every query applies the
 * "published and due" condition and the public policy to the advisory row itself, so they cannot match or count.
 *
 * Kept by the application, in the transaction that changes what is published (publishing, releasing a revision,
 * editing or moving a scheduled publication): call refreshSearchTerms there. Rows inserted by other means (the
 * scale seeder, test worlds, the demo world) are indexed with rebuildSearchTerms.
 */
export const SEARCH_TERM_TABLE = 'advisory_search_term';

/** The published text columns of an advisory that the search covers. */
export const SEARCHED_TEXT_COLUMNS = ['identifier', 'title', 'overview', 'affectedProducts', 'impact', 'solution', 'workarounds', 'vendorStatements', 'coordinatorVerification'];

/** Rows per multi-row INSERT (3 parameters each; SQLite allows 32,766 per statement). */
const INSERT_ROWS = 5_000;
/** Advisories read per batch when rebuilding (about 130 rows each at the benchmark's text length). */
const REBUILD_BATCH = 2_000;

type Manager = Pick<EntityManager, 'query' | 'connection'>;

interface Document {
  id: string;
  /** As the driver returns it (Date on MySQL, text on SQLite): written back unchanged, so it equals the advisory's. */
  publishedAt: unknown;
  terms: Set<string>;
}

const quote = (manager: Manager, name: string) => manager.connection.driver.escape(name);
const placeholders = (count: number) => Array.from({ length: count }, () => '?').join(', ');

/** The searched text of the PUBLISHED advisories among `ids` (the others, drafts, have none). */
async function documentsOf(manager: Manager, ids: string[]): Promise<Document[]> {
  if (ids.length === 0) return [];
  const q = (name: string) => quote(manager, name);
  const list = placeholders(ids.length);
  const advisories = (await manager.query(
    `SELECT ${['id', 'publishedAt', ...SEARCHED_TEXT_COLUMNS].map(q).join(', ')} FROM ${q('advisory')} WHERE ${q('id')} IN (${list}) AND ${q('status')} = 'PUBLISHED'`,
    ids,
  )) as Record<string, unknown>[];
  if (advisories.length === 0) return [];
  const published = advisories.map((row) => String(row.id));
  const inPublished = placeholders(published.length);
  const products = (await manager.query(`SELECT ${q('advisoryId')}, ${q('name')}, ${q('vendorName')} FROM ${q('advisory_product')} WHERE ${q('advisoryId')} IN (${inPublished})`, published)) as
    { advisoryId: string; name: string; vendorName: string }[];
  const statuses = (await manager.query(`SELECT ${q('advisoryId')}, ${q('vendorName')} FROM ${q('advisory_vendor_status')} WHERE ${q('advisoryId')} IN (${inPublished})`, published)) as
    { advisoryId: string; vendorName: string }[];
  const names = new Map<string, string[]>();
  const add = (advisoryId: string, ...texts: string[]) => names.set(advisoryId, [...(names.get(advisoryId) ?? []), ...texts]);
  for (const row of products) add(row.advisoryId, row.name, row.vendorName);
  for (const row of statuses) add(row.advisoryId, row.vendorName);
  return advisories.map((row) => ({
    id: String(row.id),
    publishedAt: row.publishedAt,
    terms: documentTerms([...SEARCHED_TEXT_COLUMNS.map((column) => row[column] as string | null), ...(names.get(String(row.id)) ?? [])]),
  }));
}

async function insertTerms(manager: Manager, rows: [term: string, publishedAt: unknown, advisoryId: string][]): Promise<void> {
  const q = (name: string) => quote(manager, name);
  for (let start = 0; start < rows.length; start += INSERT_ROWS) {
    const chunk = rows.slice(start, start + INSERT_ROWS);
    await manager.query(
      `INSERT INTO ${q(SEARCH_TERM_TABLE)} (${q('term')}, ${q('publishedAt')}, ${q('advisoryId')}) VALUES ${chunk.map(() => '(?, ?, ?)').join(', ')}`,
      chunk.flat(),
    );
  }
}

/**
 * Brings the index rows of these advisories in line with what they publish now, in the caller's transaction. Only
 * the difference is written; rows are deleted by primary key (a DELETE by advisoryId would take InnoDB gap locks on
 * the secondary index, and two publishing transactions could then deadlock on their inserts).
 */
export async function refreshSearchTerms(manager: Manager, advisoryIds: string[]): Promise<void> {
  const ids = [...new Set(advisoryIds)];
  if (ids.length === 0) return;
  const q = (name: string) => quote(manager, name);
  const stored = (await manager.query(
    `SELECT ${q('term')}, ${q('publishedAt')}, ${q('advisoryId')} FROM ${q(SEARCH_TERM_TABLE)} WHERE ${q('advisoryId')} IN (${placeholders(ids.length)})`,
    ids,
  )) as { term: string; publishedAt: unknown; advisoryId: string }[];
  const documents = new Map((await documentsOf(manager, ids)).map((document) => [document.id, document]));
  const sameTime = (left: unknown, right: unknown) => String(left instanceof Date ? left.getTime() : left) === String(right instanceof Date ? right.getTime() : right);
  const kept = new Map<string, Set<string>>();
  const stale = new Map<string, { publishedAt: unknown; terms: string[] }>();
  for (const row of stored) {
    const document = documents.get(row.advisoryId);
    if (document && sameTime(document.publishedAt, row.publishedAt) && document.terms.has(row.term)) {
      if (!kept.has(row.advisoryId)) kept.set(row.advisoryId, new Set());
      kept.get(row.advisoryId)!.add(row.term);
      continue;
    }
    const key = `${row.advisoryId}\u0000${String(row.publishedAt instanceof Date ? row.publishedAt.getTime() : row.publishedAt)}`;
    if (!stale.has(key)) stale.set(key, { publishedAt: row.publishedAt, terms: [] });
    stale.get(key)!.terms.push(row.term);
  }
  for (const [key, { publishedAt, terms }] of stale) {
    const advisoryId = key.slice(0, key.indexOf('\u0000'));
    for (let start = 0; start < terms.length; start += INSERT_ROWS) {
      const chunk = terms.slice(start, start + INSERT_ROWS);
      await manager.query(
        `DELETE FROM ${q(SEARCH_TERM_TABLE)} WHERE ${q('term')} IN (${placeholders(chunk.length)}) AND ${q('publishedAt')} = ? AND ${q('advisoryId')} = ?`,
        [...chunk, publishedAt, advisoryId],
      );
    }
  }
  const added: [string, unknown, string][] = [];
  for (const document of documents.values()) {
    const present = kept.get(document.id);
    for (const term of document.terms) if (!present?.has(term)) added.push([term, document.publishedAt, document.id]);
  }
  await insertTerms(manager, added);
}

/**
 * Indexes every PUBLISHED advisory from scratch (after rows were inserted without the application: the scale seeder,
 * test worlds, the demo world). Empties the index first; reads the advisories in batches, oldest publication first.
 */
export async function rebuildSearchTerms(manager: Manager, log?: (message: string) => void): Promise<number> {
  const q = (name: string) => quote(manager, name);
  await manager.query(`DELETE FROM ${q(SEARCH_TERM_TABLE)}`);
  let written = 0;
  let after: { publishedAt: unknown; id: string } | null = null;
  for (;;) {
    const page = (await manager.query(
      `SELECT ${q('id')}, ${q('publishedAt')} FROM ${q('advisory')} WHERE ${q('status')} = 'PUBLISHED'${
        after ? ` AND (${q('publishedAt')} > ? OR (${q('publishedAt')} = ? AND ${q('id')} > ?))` : ''
      } ORDER BY ${q('publishedAt')}, ${q('id')} LIMIT ${REBUILD_BATCH}`,
      after ? [after.publishedAt, after.publishedAt, after.id] : [],
    )) as { id: string; publishedAt: unknown }[];
    if (page.length === 0) break;
    const documents = await documentsOf(manager, page.map((row) => row.id));
    const rows: [string, unknown, string][] = [];
    for (const document of documents) for (const term of document.terms) rows.push([term, document.publishedAt, document.id]);
    // In key order within the batch: the batch's rows of one term land together at the end of that term's range.
    rows.sort((left, right) => (left[0] < right[0] ? -1 : left[0] > right[0] ? 1 : 0));
    await insertTerms(manager, rows);
    written += rows.length;
    after = page[page.length - 1];
    log?.(`search index: ${written} terms`);
  }
  return written;
}
