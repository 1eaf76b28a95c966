import { EntityMetadata, EntityTarget, ObjectLiteral } from 'typeorm';
import type { ColumnMetadata } from 'typeorm/metadata/ColumnMetadata';
import { checkedPerKeyedRow, exposedColumns, FieldRuleFlags, fieldRuleFlags, managerOf, maskRow, policyCondition, ShownValue, shownValueOf } from '../authorization/accessible';
import type { SqlFragment } from '../authorization/sql-condition';
import type { RequestContext } from './request-context';

/**
 * The columns each projectable type's field resolvers read besides the requested fields (see the resolvers). Only
 * these types are loaded with fewer than all their columns; every other type is loaded whole. A field resolver added
 * to one of these types that reads another column must list it here.
 */
const COLUMNS_FIELD_RESOLVERS_READ: Record<string, readonly string[]> = {
  // The public search's pages only (src/advisories/advisory-search.service.ts): the shown status and the embargo test
  // read status and publishedAt; the scores, the case and the lists read the rest. Audited reads load every column.
  Advisory: ['id', 'caseId', 'status', 'publishedAt', 'cvssV3Vector', 'cvssV4Vector'],
  Case: ['id'],
  CaseVendor: ['id', 'caseId', 'vendorId'],
  ContactAttempt: ['id', 'caseId', 'caseVendorId'],
  Vendor: ['id'],
};

/**
 * The property names to load for `metadata` when the request asks for `fields` of it, or null for every column.
 * Fields that are not columns are resolved by field resolvers, whose columns are listed above.
 */
export function projectedColumns(metadata: EntityMetadata, fields: ReadonlySet<string> | undefined, needed: readonly string[]): string[] | null {
  const resolverColumns = COLUMNS_FIELD_RESOLVERS_READ[metadata.name];
  if (!fields || !resolverColumns) return null;
  // Asked once per item of a list with the same (cached) field set.
  let known = projections.get(fields);
  if (!known) projections.set(fields, (known = new Map()));
  const key = `${metadata.name}\u0000${needed.join(',')}`;
  let projected = known.get(key);
  if (!projected) {
    const columns = new Set([...resolverColumns, ...needed]);
    for (const column of metadata.columns) if (fields.has(column.propertyName)) columns.add(column.propertyName);
    projected = metadata.columns.filter((column) => columns.has(column.propertyName)).map((column) => column.propertyName);
    known.set(key, projected);
  }
  return projected;
}

const projections = new WeakMap<ReadonlySet<string>, Map<string, string[]>>();

export interface Batch {
  /** The rows whose `keyColumn` is one of `keys`. */
  keyColumn: string;
  keys: readonly string[];
  /** Ascending, then by id. */
  orderBy?: string;
  /** Only the last row per key by `orderBy` then id, among the rows the viewer may read. */
  lastPerKey?: boolean;
  /** Property names to load; null loads every column. */
  columns: string[] | null;
  /** A to-one relation loaded in the same statement (see JoinedOne). */
  join?: JoinedOne;
}

/**
 * The row a foreign key of each batch row points to, read in the batch's own statement: a LEFT JOIN whose ON clause
 * carries the joined type's read predicate, selecting the columns its `byId` loader would and masked the same way.
 * So `found` receives, for every foreign key, exactly what `byId` would have answered (the row, or null where it
 * does not exist or the viewer may not read it), one statement earlier.
 */
export interface JoinedOne {
  /** The batch rows' property holding the joined row's id. */
  foreignKey: string;
  target: EntityTarget<ObjectLiteral>;
  /** Property names to load (must include id); null loads every column. */
  columns: string[] | null;
  found(id: string, row: ObjectLiteral | null): void;
}

const JOINED = 'joined';
const JOINED_PREFIX = 'joined_';

/**
 * One DataLoader batch, as plain SQL built from the same policy translation as `accessibleQuery` and hydrated the way
 * TypeORM hydrates (the driver's own value conversion), then masked field by field like `loadAccessible`. It skips
 * the query builder's per-request SQL assembly and entity grouping, which cost more than the query itself on hot
 * paths (a dashboard runs four of these per request). Not for advisories: their reads are audited
 * (`loadAccessible`).
 */
export async function loadBatch<T extends ObjectLiteral>(ctx: RequestContext, target: EntityTarget<T>, batch: Batch): Promise<T[]> {
  const metadata = ctx.dataSource.getMetadata(target);
  if (metadata.name === 'Advisory') throw new Error('Advisories are loaded through loadAccessible, which audits embargoed reads');
  const policy = policyCondition(ctx, target, 'row');
  if (!policy) return [];
  const driver = ctx.dataSource.driver;
  const escape = (name: string) => driver.escape(name);
  const selection = selectionOf(ctx, metadata, 'row', batch.columns);
  const parameters: Record<string, unknown> = { ...policy.params, ...selection.params, batchKeys: [...batch.keys] };

  const row = escape('row');
  const key = escape(columnOf(metadata, batch.keyColumn).databaseName);
  const id = escape(columnOf(metadata, 'id').databaseName);
  const where = [checkedPerKeyedRow(policy.sql), `${row}.${key} IN (:...batchKeys)`];
  if (batch.lastPerKey) {
    if (!batch.orderBy) throw new Error('lastPerKey needs orderBy');
    const order = escape(columnOf(metadata, batch.orderBy).databaseName);
    // "No later row the viewer may read": the later row is held to the same read predicate as the row itself.
    const later = policyCondition(ctx, target, 'later')!;
    const next = escape('later');
    Object.assign(parameters, later.params);
    where.push(
      `NOT EXISTS (SELECT 1 FROM ${escape(metadata.tableName)} ${next} WHERE ${next}.${key} = ${row}.${key} AND ` +
        `(${next}.${order} > ${row}.${order} OR (${next}.${order} = ${row}.${order} AND ${next}.${id} > ${row}.${id})) AND (${later.sql}))`,
    );
  }
  const join = batch.join && joinOf(ctx, metadata, batch.join, parameters);
  let sql = `SELECT ${selection.sql}${join ? `, ${join.selection.sql}` : ''} FROM ${escape(metadata.tableName)} ${row}${join ? ` ${join.sql}` : ''} WHERE ${where.join(' AND ')}`;
  if (batch.orderBy && !batch.lastPerKey) sql += ` ORDER BY ${row}.${escape(columnOf(metadata, batch.orderBy).databaseName)} ASC, ${row}.${id} ASC`;
  if (!batch.join) return runSelection<T>(ctx, selection, sql, parameters);
  const raw = await runStatement(ctx, sql, parameters);
  const rows = hydrateSelection<T>(ctx, selection, raw);
  const joined = join ? hydrateSelection(ctx, join.selection, raw) : null;
  const { foreignKey, found } = batch.join;
  rows.forEach((each, index) => {
    const key = each[foreignKey] as string | null;
    if (key === null || key === undefined) return;
    // As byId keys its rows: by the masked row's id.
    const target = joined?.[index];
    found(key, target && target.id === key ? target : null);
  });
  return rows;
}

/** The LEFT JOIN of a JoinedOne and what it selects, or null when the viewer may read no row of the joined type. */
function joinOf(ctx: RequestContext, metadata: EntityMetadata, join: JoinedOne, parameters: Record<string, unknown>): { sql: string; selection: Selection } | null {
  const joinedMetadata = ctx.dataSource.getMetadata(join.target);
  if (joinedMetadata.name === 'Advisory' || joinedMetadata.name === 'Case') throw new Error(`${joinedMetadata.name} rows are not loaded by a join`);
  if (join.columns && !join.columns.includes('id')) throw new Error('A joined row is loaded with its id');
  const policy = policyCondition(ctx, join.target, JOINED);
  if (!policy) return null;
  const escape = (name: string) => ctx.dataSource.driver.escape(name);
  const selection = selectionOf(ctx, joinedMetadata, JOINED, join.columns, JOINED_PREFIX);
  Object.assign(parameters, policy.params, selection.params);
  const on = `${escape(JOINED)}.${escape(columnOf(joinedMetadata, 'id').databaseName)} = ${escape('row')}.${escape(columnOf(metadata, join.foreignKey).databaseName)}`;
  return { sql: `LEFT JOIN ${escape(joinedMetadata.tableName)} ${escape(JOINED)} ON ${on} AND (${policy.sql})`, selection };
}

export function columnOf(metadata: EntityMetadata, propertyName: string): ColumnMetadata {
  const found = metadata.findColumnWithPropertyName(propertyName);
  if (!found) throw new Error(`${metadata.name} has no column ${propertyName}`);
  return found;
}

/**
 * What a plain-SQL read of `alias` selects for the viewer: the columns (every one when `columns` is null), the
 * per-rule flags that mask fields row by row, and a case's shown state (src/cases/shown-state.ts) or an advisory's
 * shown status (src/advisories/shown-status.ts), as in loadAccessible. Only for statements whose rows all satisfy the
 * viewer's read predicate of `alias` (in the WHERE, the ON of a join, or the derived table of ids they are read by):
 * the flags rely on it (fieldRuleFlags).
 */
export interface Selection extends SqlFragment {
  metadata: EntityMetadata;
  loaded: ColumnMetadata[];
  /** The result column of each loaded column, in the same order. */
  resultNames: string[];
  /** Prepended to every result column name, so two selections can share a statement. */
  prefix: string;
  flags: FieldRuleFlags | null;
  /** Keeps the selected shown value with the hydrated, masked entity; null when the type has none. */
  rememberShown: ShownValue['remember'] | null;
}

export function selectionOf(
  ctx: RequestContext,
  metadata: EntityMetadata,
  alias: string,
  columns: readonly string[] | null,
  prefix = '',
  /** False for a statement whose rows need not satisfy the read predicate: its flags then test every rule in full. */
  underReadPredicate = true,
): Selection {
  const escape = (name: string) => ctx.dataSource.driver.escape(name);
  const loaded = columns ? columns.map((name) => columnOf(metadata, name)) : metadata.columns;
  const resultNames = loaded.map((each) => `${prefix}row_${each.databaseName}`);
  const selects = loaded.map((each, index) => `${escape(alias)}.${escape(each.databaseName)} AS ${escape(resultNames[index])}`);
  const params: Record<string, unknown> = {};
  const flags = fieldRuleFlags(ctx, metadata, alias, underReadPredicate);
  if (flags) {
    for (const flag of flags.flags) selects.push(`${flag.sql} AS ${escape(prefix + flag.name)}`);
    Object.assign(params, flags.params);
  }
  const shown = shownValueOf(metadata.name);
  if (shown) {
    if (prefix) throw new Error(`A ${metadata.name} is selected without a prefix (its shown value has a fixed name)`);
    const selected = shown.selection(ctx, alias);
    selects.push(selected.sql);
    Object.assign(params, selected.params);
  }
  return { sql: selects.join(', '), params, metadata, loaded, resultNames, prefix, flags, rememberShown: shown?.remember ?? null };
}

/** Runs a statement that selects `selection` and hydrates its rows the way TypeORM does, masked for the viewer. */
export async function runSelection<T extends ObjectLiteral>(ctx: RequestContext, selection: Selection, sql: string, parameters: Record<string, unknown>): Promise<T[]> {
  return hydrateSelection<T>(ctx, selection, await runStatement(ctx, sql, parameters));
}

/** Sends a statement with its named parameters (`:name`, `:...list`) expanded by the driver, as the query builder does. */
export async function runStatement(ctx: RequestContext, sql: string, parameters: Record<string, unknown>): Promise<Record<string, unknown>[]> {
  const [statement, positional] = ctx.dataSource.driver.escapeQueryWithParameters(sql, parameters);
  return (await managerOf(ctx).query(statement, positional)) as Record<string, unknown>[];
}

/** The entities of `selection` in result rows, hydrated as TypeORM does (the driver's own value conversion) and masked. */
export function hydrateSelection<T extends ObjectLiteral>(ctx: RequestContext, selection: Selection, raw: Record<string, unknown>[]): T[] {
  const driver = ctx.dataSource.driver;
  const { metadata, loaded, resultNames, prefix, flags, rememberShown } = selection;
  const exposed = flags ? exposedColumns(metadata.target, metadata.columns.map((each) => each.propertyName)) : [];
  return raw.map((values) => {
    const entity = metadata.create(undefined, { fromDeserializer: true }) as T;
    loaded.forEach((each, index) => each.setEntityValue(entity, driver.prepareHydratedValue(values[resultNames[index]], each)));
    const masked = flags ? maskRow(ctx, metadata.name, exposed, entity, values, flags, prefix) : entity;
    rememberShown?.(masked, values);
    return masked;
  });
}
