import { ArgsType, ClassType, Field, Int, ObjectType } from 'type-graphql';
import { Max, Min } from 'class-validator';
import { ObjectLiteral, SelectQueryBuilder } from 'typeorm';
import type { RequestContext } from '../context/request-context';
import { holdsReadPredicate, loadAccessible, managerOf, PlainSelect } from '../authorization/accessible';
import { isAuditedReader } from '../audit/embargoed-read';
import { columnOf, hydrateSelection, runStatement, selectionOf } from '../context/batch-query';
import { BadUserInputError } from '../errors/errors';

export const MAX_PAGE_SIZE = 100;

@ObjectType()
export class PageInfo {
  @Field()
  hasNextPage!: boolean;

  @Field()
  hasPreviousPage!: boolean;

  @Field(() => String, { nullable: true })
  startCursor!: string | null;

  @Field(() => String, { nullable: true })
  endCursor!: string | null;
}

export interface ConnectionShape<T> {
  edges: { cursor: string; node: T }[];
  pageInfo: PageInfo;
  totalCount: number;
}

/** A Relay connection type for `node`, named `<name>Connection` with edges `<name>Edge`. */
export function Connection<T extends object>(node: ClassType<T>, name: string) {
  @ObjectType(`${name}Edge`)
  class Edge {
    @Field()
    cursor!: string;

    @Field(() => node)
    node!: T;
  }

  @ObjectType(`${name}Connection`)
  class ConnectionClass implements ConnectionShape<T> {
    @Field(() => [Edge])
    edges!: Edge[];

    @Field(() => PageInfo)
    pageInfo!: PageInfo;

    @Field(() => Int, { description: 'Counts only what the viewer may see, under the same filters.' })
    totalCount!: number;
  }
  return ConnectionClass;
}

@ArgsType()
export class PageArgs {
  @Field(() => Int, { defaultValue: 20, description: `At most ${MAX_PAGE_SIZE}.` })
  @Min(1)
  @Max(MAX_PAGE_SIZE)
  first: number = 20;

  @Field(() => String, { nullable: true })
  after?: string | null;
}

/**
 * A filter `column IN (values)` that an index leads with, followed by the sort column. The page is then read as one
 * ordered, limited range per value, merged: a few index entries per value instead of every matching row sorted, so
 * the cost of a page does not grow with the table.
 */
export interface RangeSplit {
  column: string;
  values: unknown[];
}

export interface SortKey {
  /** Entity property to order by; ties are broken by id. */
  property: string;
  direction: 'ASC' | 'DESC';
  isDate: boolean;
}

function encodeCursor(value: unknown, id: string): string {
  const plain = value instanceof Date ? value.toISOString() : value;
  return Buffer.from(JSON.stringify([plain, id])).toString('base64url');
}

export function decodeCursor(cursor: string, sort: SortKey): [unknown, string] {
  try {
    const [value, id] = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as [unknown, unknown];
    if (typeof id !== 'string') throw new Error('bad cursor');
    if (sort.isDate) {
      const date = new Date(String(value));
      if (Number.isNaN(date.getTime())) throw new Error('bad cursor');
      return [date, id];
    }
    return [value, id];
  } catch {
    throw new BadUserInputError('The cursor is not valid for this list', 'after');
  }
}

/**
 * Adds `alias.id IN (the first `limit` ids of each value's range, merged)`: every row of the page is among them, since
 * the page's first `limit` rows in sort order take at most `limit` from any one value. Each branch is the query
 * itself (viewer predicate, filters, cursor) narrowed to one value and reduced to ids.
 */
function restrictToSplitRanges<T extends ObjectLiteral>(ctx: RequestContext, query: SelectQueryBuilder<T>, alias: string, column: string, direction: 'ASC' | 'DESC', limit: number, split: RangeSplit): void {
  const escape = (name: string) => ctx.dataSource.driver.escape(name);
  const branches = split.values.map((value, index) => {
    const parameter = `rangeSplitValue${index}`;
    const branch = query
      .clone()
      .select(`${alias}.id`, 'id')
      .andWhere(`${split.column} = :${parameter}`, { [parameter]: value })
      .orderBy(column, direction)
      .addOrderBy(`${alias}.id`, direction)
      .take(undefined)
      .limit(limit);
    query.setParameters(branch.getParameters());
    return `SELECT ${escape('id')} FROM (${branch.getQuery()}) ${escape(`range_${index}`)}`;
  });
  query.andWhere(`${alias}.id IN (SELECT ${escape('id')} FROM (${branches.join(' UNION ALL ')}) ${escape('range_keys')})`);
}

/** Loads only these columns of `alias`, keeping every other selected expression (the field-rule flags). */
function selectOnly<T extends ObjectLiteral>(query: SelectQueryBuilder<T>, alias: string, properties: string[]): void {
  query.expressionMap.selects = query.expressionMap.selects.filter((select) => select.selection !== alias);
  query.addSelect(properties.map((property) => `${alias}.${property}`));
}

/**
 * One page of an accessible query with keyset pagination. The page, `totalCount` and `hasNextPage` all come from
 * the same query, so they share the viewer's predicate and filters.
 */
export async function paginate<T extends ObjectLiteral>(
  ctx: RequestContext,
  target: new () => T,
  query: SelectQueryBuilder<T> | PlainSelect<T> | null,
  alias: string,
  page: PageArgs,
  sort: SortKey,
  split?: RangeSplit,
  /** The total when the caller knows a cheaper way to it than counting the query's rows (it must be the same number). */
  knownTotal?: () => Promise<number>,
  /** Property names to load (see `projectedColumns`); the sort key is added. Undefined or null loads every column. */
  columns?: string[] | null,
): Promise<ConnectionShape<T>> {
  if (!query) return emptyConnection();
  const first = Math.min(page.first ?? 20, ctx.config.maxPageSize, MAX_PAGE_SIZE);
  const after = page.after ? decodeCursor(page.after, sort) : null;
  const loadedColumns = columns ? [...new Set([...columns, sort.property, 'id'])] : null;
  const read: PageRead = { first, sort, after, split, columns: loadedColumns };
  if (query instanceof PlainSelect && !knownTotal && countsAlongThePage(query, read)) {
    const { rows, total } = await pagePlain(ctx, query, read, true);
    return connectionOf(rows, total, first, sort, page);
  }
  // The count runs beside the page (on its own pooled connection on MySQL).
  const totalCount = knownTotal ? knownTotal() : query instanceof PlainSelect ? countPlain(ctx, query) : query.clone().getCount();
  const rows = query instanceof PlainSelect ? pagePlain(ctx, query, read, false).then((read) => read.rows) : pageOfQuery(ctx, target, query, alias, read);
  const [loaded, count] = await Promise.all([rows, totalCount]);
  return connectionOf(loaded, count, first, sort, page);
}

/**
 * Whether the page's own statement counts the rows (`COUNT(*) OVER ()`) instead of a second statement: when the
 * rows are a set of keys the viewer's own rows lead to (a vendor's or a finder's cases), the page already reads and
 * sorts every one of them, so the count costs almost nothing there and a whole statement elsewhere (at 10k cases,
 * a vendor's count took as long in MariaDB as its page). Only on a first page (a cursor narrows the rows the page
 * reads, not the total) and without a split (whose branches each read a part).
 */
function countsAlongThePage(select: PlainSelect, { after, split }: PageRead): boolean {
  return select.keySet && !after && !(split && split.values.length > 1);
}

/** What one page reads: `first + 1` rows (the extra one says whether there is a next page) after the cursor. */
interface PageRead {
  first: number;
  sort: SortKey;
  after: [unknown, string] | null;
  split: RangeSplit | undefined;
  /** Property names to load; null loads every column. */
  columns: string[] | null;
}

async function pageOfQuery<T extends ObjectLiteral>(
  ctx: RequestContext,
  target: new () => T,
  query: SelectQueryBuilder<T>,
  alias: string,
  { first, sort, after, split, columns }: PageRead,
): Promise<T[]> {
  const column = `${alias}.${sort.property}`;
  if (after) {
    const comparison = sort.direction === 'DESC' ? '<' : '>';
    query.andWhere(`(${column} ${comparison} :cursorValue OR (${column} = :cursorValue AND ${alias}.id ${comparison} :cursorId))`, {
      cursorValue: after[0],
      cursorId: after[1],
    });
  }
  if (split && split.values.length > 1) restrictToSplitRanges(ctx, query, alias, column, sort.direction, first + 1, split);
  query.orderBy(column, sort.direction).addOrderBy(`${alias}.id`, sort.direction).take(undefined).limit(first + 1);
  // An audited read fingerprints the whole text it hands out, so it is never projected.
  if (columns && isAuditedReader(ctx) && ctx.dataSource.getMetadata(target).name === 'Advisory') throw new Error('Audited advisory reads load every column');
  if (columns) selectOnly(query, alias, columns);
  return loadAccessible(ctx, target, query);
}

async function countPlain(ctx: RequestContext, select: PlainSelect): Promise<number> {
  const metadata = ctx.dataSource.getMetadata(select.target);
  const escape = (name: string) => ctx.dataSource.driver.escape(name);
  const sql = `SELECT COUNT(*) AS ${escape('total')} FROM ${escape(metadata.tableName)} ${escape(select.alias)} WHERE ${select.whereSql()}`;
  const [statement, positional] = ctx.dataSource.driver.escapeQueryWithParameters(sql, select.params);
  const [row] = (await managerOf(ctx).query(statement, positional)) as { total: number | string }[];
  return Number(row?.total ?? 0);
}

/** The page of a PlainSelect: the same statement pageOfQuery has the query builder write, with the same split. */
async function pagePlain<T extends ObjectLiteral>(
  ctx: RequestContext,
  select: PlainSelect<T>,
  read: PageRead,
  counted: boolean,
): Promise<{ rows: T[]; total: number }> {
  if (counted && !countsAlongThePage(select, read)) throw new Error('Only a first page of a key set, without a split, counts its rows');
  const { first, sort, after, split, columns } = read;
  const metadata = ctx.dataSource.getMetadata(select.target);
  if (metadata.name === 'Advisory') throw new Error('Advisories are listed through loadAccessible, which audits embargoed reads');
  if (!holdsReadPredicate(select)) throw new Error('A page is read from a select that holds the read predicate (its field-rule flags rely on it)');
  const escape = (name: string) => ctx.dataSource.driver.escape(name);
  const alias = escape(select.alias);
  const sortColumn = `${alias}.${escape(columnOf(metadata, sort.property).databaseName)}`;
  const id = `${alias}.${escape(columnOf(metadata, 'id').databaseName)}`;
  const params: Record<string, unknown> = { ...select.params };
  const extra: string[] = [];
  if (after) {
    const comparison = sort.direction === 'DESC' ? '<' : '>';
    extra.push(`${sortColumn} ${comparison} :cursorValue OR (${sortColumn} = :cursorValue AND ${id} ${comparison} :cursorId)`);
    params.cursorValue = after[0];
    params.cursorId = after[1];
  }
  const table = `${escape(metadata.tableName)} ${alias}`;
  const order = `ORDER BY ${sortColumn} ${sort.direction}, ${id} ${sort.direction}`;
  if (split && split.values.length > 1) {
    // As restrictToSplitRanges: the first `first + 1` ids of each value's ordered range, merged.
    const branches = split.values.map((value, index) => {
      params[`rangeSplitValue${index}`] = value;
      const branch = `SELECT ${id} AS ${escape('id')} FROM ${table} WHERE ${select.whereSql([...extra, `${split.column} = :rangeSplitValue${index}`])} ${order} LIMIT ${first + 1}`;
      return `SELECT ${escape('id')} FROM (${branch}) ${escape(`range_${index}`)}`;
    });
    extra.push(`${id} IN (SELECT ${escape('id')} FROM (${branches.join(' UNION ALL ')}) ${escape('range_keys')})`);
  }
  const selection = selectionOf(ctx, metadata, select.alias, columns);
  // The page's ids first (the viewer's predicate, filters, cursor, order and limit), then its columns by those ids:
  // the per-row field-rule flags and shown state, which may be subqueries, are then computed for the page alone, not
  // for every row the predicate admits before the sort (a vendor's every case).
  const total = escape(PAGE_TOTAL);
  const pageIds = `SELECT ${id} AS ${escape('id')}${counted ? `, COUNT(*) OVER () AS ${total}` : ''} FROM ${table} WHERE ${select.whereSql(extra)} ${order} LIMIT ${first + 1}`;
  const sql =
    `SELECT ${selection.sql}${counted ? `, ${escape('page_ids')}.${total} AS ${total}` : ''} ` +
    `FROM (${pageIds}) ${escape('page_ids')} INNER JOIN ${table} ON ${id} = ${escape('page_ids')}.${escape('id')} ${order}`;
  const raw = await runStatement(ctx, sql, { ...params, ...selection.params });
  // A first page without rows: nothing matches, so the total is 0.
  return { rows: hydrateSelection<T>(ctx, selection, raw), total: counted && raw.length > 0 ? Number(raw[0][PAGE_TOTAL]) : 0 };
}

const PAGE_TOTAL = 'page_total';

/** The answer when the viewer may read no row at all. */
export function emptyConnection<T>(): ConnectionShape<T> {
  return { edges: [], pageInfo: { hasNextPage: false, hasPreviousPage: false, startCursor: null, endCursor: null }, totalCount: 0 };
}

/** An edge whose cursor is encoded only when read: lists rarely ask for the cursor of every edge. */
class LazyCursorEdge<T extends ObjectLiteral> {
  constructor(
    readonly node: T,
    private readonly sort: SortKey,
  ) {}

  get cursor(): string {
    return encodeCursor((this.node as Record<string, unknown>)[this.sort.property], this.node.id as string);
  }
}

/** The connection of a page read as `first + 1` rows (the extra one says whether there is a next page). */
export function connectionOf<T extends ObjectLiteral>(rows: T[], count: number, first: number, sort: SortKey, page: PageArgs): ConnectionShape<T> {
  const hasNextPage = rows.length > first;
  const nodes = rows.slice(0, first);
  const edges = nodes.map((node) => new LazyCursorEdge(node, sort));
  return {
    edges,
    totalCount: count,
    pageInfo: {
      hasNextPage,
      hasPreviousPage: Boolean(page.after),
      startCursor: edges[0]?.cursor ?? null,
      endCursor: edges[edges.length - 1]?.cursor ?? null,
    },
  };
}
