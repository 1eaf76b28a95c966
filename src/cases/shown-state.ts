import { ObjectLiteral, SelectQueryBuilder } from 'typeorm';
import { ConditionSink, managerOf, readableFieldSql, readsEveryRow } from '../authorization/accessible';
import type { SqlFragment } from '../authorization/sql-condition';
import type { RequestContext } from '../context/request-context';
import { Case, CaseState } from './case.entity';
import { SCHEDULABLE_FROM } from './case-state';

/**
 * The case state a viewer reads, derived in SQL at the request's clock, so single lookups, relations, list filters
 * and counts agree. A publication scheduled for later is stored as PUBLICATION_SCHEDULED with its due time; no job
 * rewrites the row when the time comes. From `publicationDueAt` on (to the millisecond) every viewer reads PUBLISHED.
 * Before it, those who may read the case's schedule (the `publicationDueAt` field rule: coordinator staff and the
 * case's notified vendors, who agreed the date and read the scheduled advisory anyway) read PUBLICATION_SCHEDULED;
 * everyone else reads `stateBeforePublication`, the state the case was in when the publication was scheduled.
 */
const SCHEDULED = CaseState.PUBLICATION_SCHEDULED;
const SHOWN_STATE_COLUMN = 'case_shown_state';
const SCHEDULE_FIELD = 'publicationDueAt';

/** The shown state of the case row `alias` as a SQL expression with its parameters. */
export function shownStateSql(ctx: RequestContext, alias: string): SqlFragment {
  const escape = (name: string) => ctx.dataSource.driver.escape(name);
  const column = (name: string) => `${escape(alias)}.${escape(name)}`;
  const scheduleReadable = readableFieldSql(ctx, Case, alias, SCHEDULE_FIELD);
  const sql =
    `(CASE WHEN ${column('state')} = '${SCHEDULED}' THEN (CASE WHEN ${column('publicationDueAt')} <= :shownStateNow THEN '${CaseState.PUBLISHED}' ` +
    `WHEN ${scheduleReadable.sql} THEN '${SCHEDULED}' ELSE ${column('stateBeforePublication')} END) ELSE ${column('state')} END)`;
  return { sql, params: { ...scheduleReadable.params, shownStateNow: ctx.now } };
}

/** The shown state as a selected column of a case query over `alias` (loadAccessible, loadBatch); see rememberShownState. */
export function shownStateSelection(ctx: RequestContext, alias: string): SqlFragment {
  const shown = shownStateSql(ctx, alias);
  return { sql: `${shown.sql} AS ${ctx.dataSource.driver.escape(SHOWN_STATE_COLUMN)}`, params: shown.params };
}

/** Selects the shown state with the rows of an accessible case query (see loadAccessible). */
export function selectShownState(ctx: RequestContext, query: SelectQueryBuilder<ObjectLiteral>): void {
  const shown = shownStateSql(ctx, query.alias);
  query.addSelect(shown.sql, SHOWN_STATE_COLUMN).setParameters(shown.params);
}

/** Keeps the selected shown state with the loaded, masked case: null where the viewer may not read `state`. */
export function rememberShownState(entity: ObjectLiteral, raw: Record<string, unknown>): void {
  const row = entity as Case;
  row.shownState = row.state === null ? null : (raw[SHOWN_STATE_COLUMN] as CaseState);
}

/**
 * The stored states a row may have for its shown state to be one of `states`: those states, and the scheduled one
 * when one of them is a state a scheduled case can show to this viewer (PUBLISHED, PUBLICATION_SCHEDULED, and, unless
 * the viewer reads every schedule, a state it can be scheduled from). Index ranges on `state` are read for these;
 * leaving the scheduled range out where it cannot match keeps the staff's dashboard from reading it at all.
 */
export function storedStatesFor(ctx: RequestContext, states: CaseState[]): CaseState[] {
  const wanted = [...new Set(states)];
  const shownByScheduled = [CaseState.PUBLISHED, SCHEDULED, ...(readsEveryRow(ctx, 'Case') ? [] : SCHEDULABLE_FROM)];
  return wanted.some((state) => shownByScheduled.includes(state)) && !wanted.includes(SCHEDULED) ? [...wanted, SCHEDULED] : wanted;
}

/** "The shown state is one of `states`", written so the stored state's index still narrows the rows. */
export function shownStateIn(ctx: RequestContext, query: ConditionSink, alias: string, states: CaseState[]): string {
  const shown = shownStateSql(ctx, alias);
  query.setParameters({ ...shown.params, shownStateStored: storedStatesFor(ctx, states), shownStateWanted: [...new Set(states)] });
  return `${ctx.dataSource.driver.escape(alias)}.${ctx.dataSource.driver.escape('state')} IN (:...shownStateStored) AND ${shown.sql} IN (:...shownStateWanted)`;
}

/**
 * The number of cases whose shown state is one of `states`, for a viewer who may read every case (and so every
 * schedule): the per-state counts kept by trigger (migration 1764240000000), where a stored PUBLICATION_SCHEDULED is
 * replaced by counting the scheduled rows themselves by their shown state (PUBLISHED once due), when they can match.
 * That count is linear in the number of scheduled publications (a handful at any time; IDX_case_file_state_receivedAt
 * leads with the state).
 */
export async function countOfShownStates(ctx: RequestContext, states: CaseState[]): Promise<number> {
  // Plain SQL: the dashboard asks on every request, and the query builder's assembly cost more than the statement.
  const escape = (name: string) => ctx.dataSource.driver.escape(name);
  const state = `${escape('counts')}.${escape('state')}`;
  const cases = `${escape('counts')}.${escape('cases')}`;
  const params: Record<string, unknown> = { countedStates: [...new Set(states)] };
  let total = `COALESCE(SUM(${cases}), 0)`;
  if (storedStatesFor(ctx, states).includes(SCHEDULED)) {
    const shown = shownStateSql(ctx, 'scheduled');
    Object.assign(params, shown.params);
    const scheduled = `SELECT COUNT(*) FROM ${escape('case_file')} ${escape('scheduled')} WHERE ${escape('scheduled')}.${escape('state')} = '${SCHEDULED}' AND ${shown.sql} IN (:...countedStates)`;
    total = `COALESCE(SUM(CASE WHEN ${state} = '${SCHEDULED}' THEN 0 ELSE ${cases} END), 0) + (${scheduled})`;
  }
  const sql = `SELECT ${total} AS ${escape('total')} FROM ${escape('case_state_count')} ${escape('counts')} WHERE ${state} IN (:...countedStates)`;
  const [statement, positional] = ctx.dataSource.driver.escapeQueryWithParameters(sql, params);
  const [row] = (await managerOf(ctx).query(statement, positional)) as { total: number | string }[];
  return Number(row?.total ?? 0);
}
