import { serializeWrites } from '../common/sqlite-serial';
import { createHash } from 'node:crypto';
import type { Database } from 'better-sqlite3';
import { DataSource, EntityManager } from 'typeorm';
import { newId } from '../common/columns';
import type { RequestContext } from '../context/request-context';
import { AuditChainHead, AuditEntry } from './audit-entry.entity';

export const AUDIT_CHAIN_ID = 'main';
export const GENESIS_HASH = '0'.repeat(64);

/** An entry before it takes its place in the chain. */
export type AuditDraft = Omit<AuditEntry, 'id' | 'sequence' | 'previousHash' | 'hash'>;

/** Who acts, where and when, as the request context says. */
export function actorOf(ctx: RequestContext): Pick<AuditDraft, 'at' | 'requestId' | 'actorUserId' | 'actorApiKeyId' | 'actorName' | 'organizationId'> {
  const viewer = ctx.viewer;
  const authenticated = viewer.kind === 'authenticated';
  return {
    at: ctx.now,
    requestId: ctx.requestId.slice(0, 100),
    actorUserId: authenticated ? viewer.userId : null,
    actorApiKeyId: authenticated ? viewer.apiKeyId : null,
    actorName: authenticated ? viewer.displayName.slice(0, 200) : null,
    organizationId: authenticated ? viewer.organizationId : null,
  };
}

/** SHA-256 over every column but the hash itself, in a fixed order. */
export function entryHash(entry: Omit<AuditEntry, 'hash'>): string {
  const canonical = JSON.stringify([
    entry.sequence, entry.id, entry.at.toISOString(), entry.requestId, entry.action, entry.actorUserId, entry.actorApiKeyId,
    entry.actorName, entry.organizationId, entry.advisoryId, entry.grantId, entry.sections, entry.contentFingerprint, entry.detail,
    entry.previousHash,
  ]);
  return createHash('sha256').update(canonical).digest('hex');
}

function link(head: Pick<AuditChainHead, 'lastSequence' | 'lastHash'>, drafts: AuditDraft[]): AuditEntry[] {
  let sequence = head.lastSequence;
  let previousHash = head.lastHash;
  return drafts.map((draft) => {
    sequence += 1;
    const unsigned = { ...draft, id: newId(), sequence, previousHash };
    const entry: AuditEntry = Object.assign(new AuditEntry(), unsigned, { hash: entryHash(unsigned) });
    previousHash = entry.hash;
    return entry;
  });
}

/**
 * Appends entries at the end of the chain. Inside the caller's transaction when it has one (`manager`), so the entry
 * commits or rolls back with the change it records; otherwise in a transaction of its own.
 */
export async function appendAuditEntries(target: { dataSource: DataSource; manager?: EntityManager }, drafts: AuditDraft[]): Promise<AuditEntry[]> {
  if (drafts.length === 0) return [];
  if (target.dataSource.options.type === 'better-sqlite3') {
    return target.manager ? appendOnSqlite(target.dataSource, drafts) : serializeWrites(target.dataSource, async () => appendOnSqlite(target.dataSource, drafts));
  }
  if (target.manager) return appendLocked(target.manager, drafts);
  return target.dataSource.transaction((manager) => appendLocked(manager, drafts));
}

/**
 * MySQL/MariaDB: the head row is read FOR UPDATE, so concurrent appenders queue on it and each links to the last; the
 * insert moves the head (trigger) before the lock is released.
 */
async function appendLocked(manager: EntityManager, drafts: AuditDraft[]): Promise<AuditEntry[]> {
  const head = await manager
    .getRepository(AuditChainHead)
    .createQueryBuilder('head')
    .setLock('pessimistic_write')
    .where('head.id = :chainId', { chainId: AUDIT_CHAIN_ID })
    .getOne();
  if (!head) throw new Error('The audit chain head row is missing; run the migrations');
  const entries = link(head, drafts);
  // One plain multi-row INSERT, built without the query builder: the head stays locked until commit, so every
  // millisecond spent here is a millisecond every other audited read waits. The head follows by trigger
  // (migration 1764235000000), inside this transaction.
  const { sql, values } = insertStatement(manager.connection, entries);
  await manager.query(sql, values);
  return entries;
}

function insertStatement(dataSource: DataSource, entries: AuditEntry[]): { sql: string; values: unknown[] } {
  const driver = dataSource.driver;
  const columns = dataSource.getMetadata(AuditEntry).columns;
  const row = `(${columns.map(() => '?').join(', ')})`;
  return {
    sql: `INSERT INTO ${driver.escape('audit_entry')} (${columns.map((column) => driver.escape(column.databaseName)).join(', ')}) VALUES ${entries.map(() => row).join(', ')}`,
    values: entries.flatMap((entry) => columns.map((column) => driver.preparePersistentValue(column.getEntityValue(entry), column))),
  };
}

/**
 * SQLite: TypeORM shares one connection between all requests, so two async appends could interleave between reading
 * the head and moving it. better-sqlite3 is synchronous: running the whole append as one synchronous transaction
 * (a savepoint when a transaction is open) leaves no point at which another append can run.
 */
function appendOnSqlite(dataSource: DataSource, drafts: AuditDraft[]): AuditEntry[] {
  const database = (dataSource.driver as unknown as { databaseConnection: Database }).databaseConnection;
  const name = (identifier: string) => dataSource.driver.escape(identifier);
  const readHead = database.prepare(`SELECT ${name('lastSequence')} AS lastSequence, ${name('lastHash')} AS lastHash FROM ${name('audit_chain_head')} WHERE ${name('id')} = ?`);
  const append = database.transaction(() => {
    const head = readHead.get(AUDIT_CHAIN_ID) as Pick<AuditChainHead, 'lastSequence' | 'lastHash'> | undefined;
    if (!head) throw new Error('The audit chain head row is missing; run the migrations');
    const entries = link(head, drafts);
    // The head follows each inserted row by trigger (migration 1764235000000).
    const { sql, values } = insertStatement(dataSource, entries);
    database.prepare(sql).run(values);
    return entries;
  });
  return append();
}

export type AuditProblemKind = 'ALTERED' | 'MISSING' | 'BROKEN_LINK' | 'TRUNCATED' | 'HEAD_MISSING';

export interface AuditProblem {
  kind: AuditProblemKind;
  /** The entry where the problem shows (for TRUNCATED, the last entry the head records). */
  sequence: number;
  detail: string;
}

export interface AuditVerification {
  intact: boolean;
  entries: number;
  lastSequence: number;
  lastHash: string;
  problems: AuditProblem[];
}

/**
 * Walks the whole chain in sequence order and reports every entry that does not match its hash (altered), every gap
 * in the sequence (removed), every link that does not point at the entry before (replaced or reordered) and a head
 * that records more than the log holds (removed from the end).
 */
export async function verifyAuditChain(dataSource: DataSource, batchSize = 1000): Promise<AuditVerification> {
  const problems: AuditProblem[] = [];
  const repository = dataSource.getRepository(AuditEntry);
  let expectedSequence = 1;
  let previousHash = GENESIS_HASH;
  let entries = 0;
  for (let after = 0; ; ) {
    const batch = await repository.createQueryBuilder('entry').where('entry.sequence > :after', { after }).orderBy('entry.sequence', 'ASC').limit(batchSize).getMany();
    for (const entry of batch) {
      entries += 1;
      if (entry.sequence !== expectedSequence) {
        const missing = entry.sequence - expectedSequence;
        problems.push({ kind: 'MISSING', sequence: entry.sequence, detail: `${missing} entr${missing === 1 ? 'y is' : 'ies are'} missing before entry ${entry.sequence}` });
      } else if (entry.previousHash !== previousHash) {
        problems.push({ kind: 'BROKEN_LINK', sequence: entry.sequence, detail: `entry ${entry.sequence} does not link to the entry before it` });
      }
      if (entryHash(entry) !== entry.hash) {
        problems.push({ kind: 'ALTERED', sequence: entry.sequence, detail: `entry ${entry.sequence} does not match its hash` });
      }
      previousHash = entry.hash;
      expectedSequence = entry.sequence + 1;
    }
    if (batch.length < batchSize) break;
    after = batch[batch.length - 1].sequence;
  }
  const head = await dataSource.getRepository(AuditChainHead).findOneBy({ id: AUDIT_CHAIN_ID });
  if (!head) {
    problems.push({ kind: 'HEAD_MISSING', sequence: 0, detail: 'the chain head row is missing' });
  } else if (head.lastSequence !== expectedSequence - 1 || head.lastHash !== previousHash) {
    problems.push({
      kind: 'TRUNCATED',
      sequence: head.lastSequence,
      detail: `the chain head records entry ${head.lastSequence} but the log ends at entry ${expectedSequence - 1}, or with another hash`,
    });
  }
  return { intact: problems.length === 0, entries, lastSequence: expectedSequence - 1, lastHash: previousHash, problems };
}
