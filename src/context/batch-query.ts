import { EntityMetadata, EntityTarget, ObjectLiteral } from 'typeorm';
import type { ColumnMetadata } from 'typeorm/metadata/ColumnMetadata';
import { checkedPerKeyedRow, exposedColumns, FieldRuleFlags, fieldRuleFlags, managerOf, maskRow, policyCondition, readableThroughParent, ShownValue, shownValueOf } from '../authorization/accessible';
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
  /** The rows of another type that point to each batch row, loaded in the same statement (see JoinedMany). */
  children?: JoinedMany;
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

/**
 * The rows of another type whose many-to-one `relation` points to each batch row (a case_vendor row's contact
 * attempts), read in the batch's own statement: a LEFT JOIN on the foreign key, whose ON clause carries the child
 * type's read predicate unless the batch row's own predicate already implies it (readableThroughParent), selecting
 * the columns the child type's `manyBy` loader would and masked the same way. So `found` receives, for every batch
 * row, exactly what `manyBy(target, foreignKey, orderBy)` would have answered for its id (possibly no row), one
 * statement earlier. Each batch row then comes back once per child: it is hydrated once.
 */
export interface JoinedMany {
  target: EntityTarget<ObjectLiteral>;
  /** The child's many-to-one relation to the batch's type, and the child property holding it (the batch row's id). */
  relation: string;
  foreignKey: string;
  /** Ascending, then by id, within each batch row's children. */
  orderBy: string;
  /** Property names to load (must include id); null loads every column. */
  columns: string[] | null;
  found(parentId: string, rows: ObjectLiteral[]): void;
}

const JOINED = 'joined';
const JOINED_PREFIX = 'joined_';
const CHILD = 'child';
const CHILD_PREFIX = 'child_';

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
  if (batch.children && batch.lastPerKey) throw new Error('Children are not joined to the last row per key');
  const children = batch.children && childrenOf(ctx, metadata, batch.children, parameters);
  const selected = [selection.sql, ...(join ? [join.selection.sql] : []), ...(children ? [children.selection.sql] : [])].join(', ');
  let sql = `SELECT ${selected} FROM ${escape(metadata.tableName)} ${row}${join ? ` ${join.sql}` : ''}${children ? ` ${children.sql}` : ''} WHERE ${where.join(' AND ')}`;
  const order: string[] = [];
  if (batch.orderBy && !batch.lastPerKey) order.push(`${row}.${escape(columnOf(metadata, batch.orderBy).databaseName)} ASC`, `${row}.${id} ASC`);
  if (children) order.push(...children.order);
  if (order.length > 0) sql += ` ORDER BY ${order.join(', ')}`;
  if (!batch.join && !batch.children) return runSelection<T>(ctx, selection, sql, parameters);
  let raw = await runStatement(ctx, sql, parameters);
  if (batch.children) raw = withChildrenFound(ctx, selection, batch.children, children?.selection ?? null, raw);
  const rows = hydrateSelection<T>(ctx, selection, raw);
  if (!batch.join) return rows;
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

/**
 * The LEFT JOIN of a JoinedMany, what it selects and the ORDER BY terms that order each row's children, or null when
 * the viewer may read no row of the child type.
 */
function childrenOf(
  ctx: RequestContext,
  metadata: EntityMetadata,
  children: JoinedMany,
  parameters: Record<string, unknown>,
): { sql: string; selection: Selection; order: string[] } | null {
  const childMetadata = ctx.dataSource.getMetadata(children.target);
  if (childMetadata.name === 'Advisory' || childMetadata.name === 'Case') throw new Error(`${childMetadata.name} rows are not loaded by a join`);
  if (children.columns && !children.columns.includes('id')) throw new Error('A joined child row is loaded with its id');
  const relation = childMetadata.findRelationWithPropertyPath(children.relation);
  const joinColumn = relation?.joinColumns.length === 1 ? relation.joinColumns[0] : undefined;
  const pointsToId = joinColumn?.databaseName === columnOf(childMetadata, children.foreignKey).databaseName && joinColumn.referencedColumn?.propertyName === 'id';
  if (!relation?.isManyToOne || relation.inverseEntityMetadata !== metadata || !pointsToId) {
    throw new Error(`${childMetadata.name}.${children.foreignKey} is not the key of its relation ${children.relation} to ${metadata.name}`);
  }
  const policy = policyCondition(ctx, children.target, CHILD);
  if (!policy) return null;
  const escape = (name: string) => ctx.dataSource.driver.escape(name);
  const selection = selectionOf(ctx, childMetadata, CHILD, children.columns, CHILD_PREFIX);
  Object.assign(parameters, selection.params);
  const child = escape(CHILD);
  let on = `${child}.${escape(joinColumn.databaseName)} = ${escape('row')}.${escape(columnOf(metadata, 'id').databaseName)}`;
  if (!readableThroughParent(ctx, childMetadata, children.relation)) {
    on += ` AND (${policy.sql})`;
    Object.assign(parameters, policy.params);
  }
  const order = [`${child}.${escape(columnOf(childMetadata, children.orderBy).databaseName)} ASC`, `${child}.${escape(columnOf(childMetadata, 'id').databaseName)} ASC`];
  return { sql: `LEFT JOIN ${escape(childMetadata.tableName)} ${child} ON ${on}`, selection, order };
}

/**
 * Hands each batch row's children (the child selection's rows of the result, in its order; none where the viewer
 * may read no child row at all) to `found`, and returns the result with each batch row once, in order.
 */
function withChildrenFound(
  ctx: RequestContext,
  selection: Selection,
  children: JoinedMany,
  childSelection: Selection | null,
  raw: Record<string, unknown>[],
): Record<string, unknown>[] {
  const idOf = (parent: Selection) => {
    const index = parent.loaded.findIndex((column) => column.propertyName === 'id');
    if (index < 0) throw new Error(`A ${parent.metadata.name} with joined children is loaded with its id`);
    return parent.resultNames[index];
  };
  const parentId = idOf(selection);
  const childId = childSelection ? idOf(childSelection) : null;
  const parents = new Map<string, Record<string, unknown>>();
  const withChild: Record<string, unknown>[] = [];
  const parentOfChild: string[] = [];
  for (const values of raw) {
    const id = String(values[parentId]);
    if (!parents.has(id)) parents.set(id, values);
    if (childId !== null && values[childId] !== null && values[childId] !== undefined) {
      withChild.push(values);
      parentOfChild.push(id);
    }
  }
  const byParent = new Map<string, ObjectLiteral[]>([...parents.keys()].map((id) => [id, []]));
  if (childSelection) hydrateSelection(ctx, childSelection, withChild).forEach((each, index) => byParent.get(parentOfChild[index])!.push(each));
  for (const [id, rows] of byParent) children.found(id, rows);
  return [...parents.values()];
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
