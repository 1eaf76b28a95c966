import { ObjectLiteral, SelectQueryBuilder } from 'typeorm';
import { managerOf } from '../authorization/accessible';
import type { RequestContext } from '../context/request-context';

export type LockableTable = 'case_file' | 'case_vendor' | 'unreachable_declaration' | 'committee_referral';

function isMysql(ctx: RequestContext): boolean {
  const type = ctx.dataSource.options.type;
  return type === 'mysql' || type === 'mariadb';
}

/**
 * Takes the row's write lock until the transaction ends (a no-op UPDATE). Call it before the transaction's first
 * read: InnoDB fixes a REPEATABLE READ snapshot at the first plain SELECT, so only reads after the lock see what a
 * competitor committed while this transaction waited. SQLite runs one writing transaction at a time.
 */
export async function lockRow(ctx: RequestContext, table: LockableTable, id: string): Promise<void> {
  await managerOf(ctx).createQueryBuilder().update(table).set({ updatedAt: () => 'updatedAt' }).where('id = :lockedId', { lockedId: id }).execute();
}

/**
 * For a check made after the transaction has already read something: on MySQL the rows are read as committed now,
 * not as in the snapshot, and locked (SELECT ... FOR UPDATE). SQLite's reads are current already.
 */
export function currentRead<T extends ObjectLiteral>(ctx: RequestContext, query: SelectQueryBuilder<T>): SelectQueryBuilder<T> {
  return isMysql(ctx) ? query.setLock('pessimistic_write') : query;
}
