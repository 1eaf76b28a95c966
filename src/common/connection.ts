import { ArgsType, ClassType, Field, Int, ObjectType } from 'type-graphql';
import { Max, Min } from 'class-validator';
import { ObjectLiteral, SelectQueryBuilder } from 'typeorm';
import type { RequestContext } from '../context/request-context';
import { loadAccessible } from '../authorization/accessible';
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

function decodeCursor(cursor: string, sort: SortKey): [unknown, string] {
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
 * One page of an accessible query with keyset pagination. The page, `totalCount` and `hasNextPage` all come from
 * the same query, so they share the viewer's predicate and filters.
 */
export async function paginate<T extends ObjectLiteral>(
  ctx: RequestContext,
  target: new () => T,
  query: SelectQueryBuilder<T> | null,
  alias: string,
  page: PageArgs,
  sort: SortKey,
): Promise<ConnectionShape<T>> {
  const empty = { edges: [], pageInfo: { hasNextPage: false, hasPreviousPage: false, startCursor: null, endCursor: null }, totalCount: 0 };
  if (!query) return empty;
  const first = Math.min(page.first ?? 20, ctx.config.maxPageSize, MAX_PAGE_SIZE);
  const totalCount = await query.clone().getCount();
  const column = `${alias}.${sort.property}`;
  if (page.after) {
    const [value, id] = decodeCursor(page.after, sort);
    const comparison = sort.direction === 'DESC' ? '<' : '>';
    query.andWhere(`(${column} ${comparison} :cursorValue OR (${column} = :cursorValue AND ${alias}.id ${comparison} :cursorId))`, {
      cursorValue: value,
      cursorId: id,
    });
  }
  query.orderBy(column, sort.direction).addOrderBy(`${alias}.id`, sort.direction).take(undefined).limit(first + 1);
  const rows = await loadAccessible(ctx, target, query);
  const hasNextPage = rows.length > first;
  const nodes = rows.slice(0, first);
  const edges = nodes.map((node) => ({ node, cursor: encodeCursor((node as Record<string, unknown>)[sort.property], node.id as string) }));
  return {
    edges,
    totalCount,
    pageInfo: {
      hasNextPage,
      hasPreviousPage: Boolean(page.after),
      startCursor: edges[0]?.cursor ?? null,
      endCursor: edges[edges.length - 1]?.cursor ?? null,
    },
  };
}
