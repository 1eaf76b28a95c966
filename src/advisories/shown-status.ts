import { ObjectLiteral, SelectQueryBuilder } from 'typeorm';
import { readableFieldSql, readsEveryRow } from '../authorization/accessible';
import type { SqlFragment } from '../authorization/sql-condition';
import type { RequestContext } from '../context/request-context';
import { Advisory, AdvisoryStatus } from './advisory.entity';

/**
 * The advisory status a viewer reads, derived in SQL at the request's clock, so lookups, relations, the status filter
 * and its counts agree (the advisory twin of src/cases/shown-state.ts). A publication scheduled for later is stored as
 * PUBLISHED with a `publishedAt` still ahead. Only those who may read that `publishedAt` on the row (the field rule:
 * coordinator staff and the case's notified vendors, who agreed the date) read PUBLISHED before it; everyone else who
 * may see the advisory at all (an operator through a live grant) reads DRAFT until that instant, exactly as for an
 * advisory nobody has scheduled yet. From `publishedAt` on (to the millisecond) the stored status shows.
 */
const SHOWN_STATUS_COLUMN = 'advisory_shown_status';
const SCHEDULE_FIELD = 'publishedAt';

export function shownStatusSql(ctx: RequestContext, alias: string): SqlFragment {
  const escape = (name: string) => ctx.dataSource.driver.escape(name);
  const column = (name: string) => `${escape(alias)}.${escape(name)}`;
  const scheduleReadable = readableFieldSql(ctx, Advisory, alias, SCHEDULE_FIELD);
  // The inner CASE answers DRAFT when the readable test is false or unknown (NULL), never PUBLISHED by default.
  const sql =
    `(CASE WHEN ${column('status')} = '${AdvisoryStatus.PUBLISHED}' AND ${column('publishedAt')} > :shownStatusNow ` +
    `THEN (CASE WHEN ${scheduleReadable.sql} THEN '${AdvisoryStatus.PUBLISHED}' ELSE '${AdvisoryStatus.DRAFT}' END) ELSE ${column('status')} END)`;
  return { sql, params: { ...scheduleReadable.params, shownStatusNow: ctx.now } };
}

/** The shown status as a selected column of an advisory read over `alias` (selectionOf); see rememberShownStatus. */
export function shownStatusSelection(ctx: RequestContext, alias: string): SqlFragment {
  const shown = shownStatusSql(ctx, alias);
  return { sql: `${shown.sql} AS ${ctx.dataSource.driver.escape(SHOWN_STATUS_COLUMN)}`, params: shown.params };
}

/** Selects the shown status with the rows of an accessible advisory query (see loadAccessible). */
export function selectShownStatus(ctx: RequestContext, query: SelectQueryBuilder<ObjectLiteral>): void {
  const shown = shownStatusSql(ctx, query.alias);
  query.addSelect(shown.sql, SHOWN_STATUS_COLUMN).setParameters(shown.params);
}

/** Keeps the selected shown status with the loaded, masked advisory: null where the viewer may not read `status`. */
export function rememberShownStatus(entity: ObjectLiteral, raw: Record<string, unknown>): void {
  const row = entity as Advisory;
  row.shownStatus = row.status === null ? null : (raw[SHOWN_STATUS_COLUMN] as AdvisoryStatus);
}

/**
 * "The shown status is `status`". A viewer who reads every schedule reads the stored status, so its filter stays a
 * plain (indexed) comparison; for anyone else a scheduled publication counts as a draft until it is due.
 */
export function shownStatusIs(ctx: RequestContext, query: SelectQueryBuilder<ObjectLiteral>, alias: string, status: AdvisoryStatus): string {
  const escape = (name: string) => ctx.dataSource.driver.escape(name);
  if (readsEveryRow(ctx, 'Advisory')) {
    query.setParameters({ shownStatusWanted: status });
    return `${escape(alias)}.${escape('status')} = :shownStatusWanted`;
  }
  const shown = shownStatusSql(ctx, alias);
  // The stored statuses that can show as `status` (a draft may be a scheduled publication), so the index still narrows.
  const stored = status === AdvisoryStatus.DRAFT ? [AdvisoryStatus.DRAFT, AdvisoryStatus.PUBLISHED] : [status];
  query.setParameters({ ...shown.params, shownStatusWanted: status, shownStatusStored: stored });
  return `${escape(alias)}.${escape('status')} IN (:...shownStatusStored) AND ${shown.sql} = :shownStatusWanted`;
}
