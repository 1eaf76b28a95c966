import DataLoader from 'dataloader';
import type { FieldNode, GraphQLResolveInfo } from 'graphql';
import { EntityTarget, ObjectLiteral } from 'typeorm';
import { accessibleQuery, loadAccessible } from '../authorization/accessible';
import { Batch, JoinedMany, JoinedOne, loadBatch, projectedColumns } from './batch-query';
import type { RequestContext } from './request-context';

/**
 * Per-request batch loaders. Every batch query carries the viewer's read predicate, so a loader never returns a
 * row the viewer may not see, and loaders are never shared between requests or viewers.
 *
 * `fields` (the GraphQL fields the request selects on the loaded type, see `selectedFields`) lets a loader read
 * fewer columns; calls with different selections get different loaders, so the statement count still depends only
 * on the query's shape.
 */
export interface Loaders {
  byId<T extends ObjectLiteral>(target: EntityTarget<T>, fields?: ReadonlySet<string>): DataLoader<string, T | null>;
  /**
   * Rows whose `column` equals the key, ordered by `orderBy` (ascending) then id. With `join`, the rows a foreign key
   * of theirs points to are read in the same statement and handed to `byId(join.target, join.fields)`, which then
   * answers them without a statement of its own (see JoinedOne).
   *
   * With `children`, the rows of another type that point to each row are read in the same statement too and handed to
   * `manyBy(children.target, children.foreignKey, children.orderBy, children.fields)` (see JoinedMany).
   */
  manyBy<T extends ObjectLiteral>(
    target: EntityTarget<T>,
    column: keyof T & string,
    orderBy?: keyof T & string,
    fields?: ReadonlySet<string>,
    join?: JoinSpec<T>,
    children?: ChildrenSpec,
  ): DataLoader<string, T[]>;
  /**
   * The last row, by `orderBy` then id, among the rows the viewer may see whose `column` equals the key: the same
   * row as `manyBy(...).at(-1)`, without loading the others.
   */
  lastBy<T extends ObjectLiteral>(target: EntityTarget<T>, column: keyof T & string, orderBy: keyof T & string, fields?: ReadonlySet<string>): DataLoader<string, T | null>;
}

export interface FieldLoaders {
  /**
   * The loader a field resolver picks from its selection, picked once per field of the query: graphql-js hands every
   * item of a list the same `fieldNodes`, so the fifty rows of a page skip the selection analysis and the loader lookup.
   * `pick` must depend on the selection alone (not on the row).
   */
  forField<V>(info: Pick<GraphQLResolveInfo, 'fieldNodes'>, pick: () => DataLoader<string, V>): DataLoader<string, V>;
  /**
   * What `loader` answers for `key`: the value itself when a batch of this request has already answered it (or a join
   * primed it), else the loader's promise. A field that returns a value instead of a promise spares graphql-js the
   * asynchronous completion of the field and of the object holding it (see src/cases/case-prefetch.ts).
   */
  loadKnown<V>(loader: DataLoader<string, V>, key: string): V | Promise<V>;
}

export interface JoinSpec<T> {
  foreignKey: keyof T & string;
  target: EntityTarget<ObjectLiteral>;
  /** The fields the request selects on the joined type, as its field resolver will pass them to `byId`. */
  fields: ReadonlySet<string>;
}

export interface ChildrenSpec {
  target: EntityTarget<ObjectLiteral>;
  /** The child's many-to-one relation to the loaded type, and the child property holding it. */
  relation: string;
  foreignKey: string;
  orderBy: string;
  /** The fields the request selects on the child type, as its field resolver will pass them to `manyBy`. */
  fields: ReadonlySet<string>;
}

const signatures = new WeakMap<string[], string>();
function signatureOf(columns: string[]): string {
  let signature = signatures.get(columns);
  if (signature === undefined) signatures.set(columns, (signature = columns.join(',')));
  return signature;
}

export function createLoaders(ctx: RequestContext): Loaders & FieldLoaders {
  const cache = new Map<string, DataLoader<string, unknown>>();
  const byField = new WeakMap<readonly FieldNode[], DataLoader<string, unknown>>();
  /** Per loader, the values its batches answered and its primes set: what its cache holds, settled. */
  const answered = new WeakMap<DataLoader<string, unknown>, Map<string, unknown>>();

  function answering<V>(batch: (keys: readonly string[]) => Promise<V[]>): DataLoader<string, V> {
    const values = new Map<string, unknown>();
    const loader = new DataLoader<string, V>(async (keys) => {
      const answers = await batch(keys);
      answers.forEach((answer, index) => values.set(keys[index], answer));
      return answers;
    });
    answered.set(loader as DataLoader<string, unknown>, values);
    return loader;
  }

  /**
   * Hands `loader` the value a join read for `key`. As prime itself, an answered key keeps its value; a key still
   * pending gets the same value from its own batch (a join selects and masks what the loader would).
   */
  function primeAnswered<V>(loader: DataLoader<string, V>, key: string, value: V): void {
    const values = answered.get(loader as DataLoader<string, unknown>)!;
    if (!values.has(key)) values.set(key, value);
    loader.prime(key, value);
  }

  function memo<V>(key: string, create: () => DataLoader<string, V>): DataLoader<string, V> {
    let loader = cache.get(key) as DataLoader<string, V> | undefined;
    if (!loader) {
      loader = create();
      cache.set(key, loader as DataLoader<string, unknown>);
    }
    return loader;
  }

  /** The rows of one batch: plain SQL for most types, the audited query-builder path for advisories. */
  async function rowsOf<T extends ObjectLiteral>(target: EntityTarget<T>, batch: Batch): Promise<T[]> {
    if (ctx.dataSource.getMetadata(target).name !== 'Advisory') return loadBatch(ctx, target, batch);
    // An advisory batch takes no join: the joined rows are then loaded by their own loader.
    const query = accessibleQuery(ctx, target, 'row', 'read', { drivenByKeys: true });
    if (!query) return [];
    query.andWhere(`row.${batch.keyColumn} IN (:...loaderKeys)`, { loaderKeys: [...batch.keys] });
    if (batch.orderBy) query.orderBy(`row.${batch.orderBy}`, 'ASC').addOrderBy('row.id', 'ASC');
    const rows = await loadAccessible(ctx, target, query);
    if (!batch.lastPerKey) return rows;
    const last = new Map(rows.map((row) => [row[batch.keyColumn] as string, row]));
    return [...last.values()];
  }

  function columnsFor(target: EntityTarget<ObjectLiteral>, fields: ReadonlySet<string> | undefined, needed: string[]) {
    const columns = projectedColumns(ctx.dataSource.getMetadata(target), fields, needed);
    return { columns, signature: columns ? signatureOf(columns) : '*' };
  }

  const nameOf = (target: EntityTarget<ObjectLiteral>) => ctx.dataSource.getMetadata(target).name;

  function joinOf<T>(join: JoinSpec<T> | undefined): { batch: JoinedOne; signature: string } | undefined {
    if (!join) return undefined;
    const { columns, signature } = columnsFor(join.target, join.fields, ['id']);
    const loader = loaders.byId(join.target, join.fields);
    return {
      batch: {
        foreignKey: join.foreignKey,
        target: join.target,
        columns,
        found: (id, row) => primeAnswered(loader, id, row),
      },
      signature: `${join.foreignKey}>${nameOf(join.target)}:${signature}`,
    };
  }

  function childrenOf(children: ChildrenSpec | undefined): { batch: JoinedMany; signature: string } | undefined {
    if (!children) return undefined;
    const { columns, signature } = columnsFor(children.target, children.fields, [children.foreignKey, children.orderBy]);
    const loader = loaders.manyBy(children.target, children.foreignKey, children.orderBy, children.fields);
    return {
      batch: {
        target: children.target,
        relation: children.relation,
        foreignKey: children.foreignKey,
        orderBy: children.orderBy,
        columns,
        found: (parentId, rows) => primeAnswered(loader, parentId, rows),
      },
      signature: `${children.relation}<${nameOf(children.target)}:${children.orderBy}:${signature}`,
    };
  }

  const loaders: Loaders & FieldLoaders = {
    loadKnown<V>(loader: DataLoader<string, V>, key: string) {
      const values = answered.get(loader as DataLoader<string, unknown>);
      return values?.has(key) ? (values.get(key) as V) : loader.load(key);
    },
    forField<V>(info: Pick<GraphQLResolveInfo, 'fieldNodes'>, pick: () => DataLoader<string, V>) {
      let loader = byField.get(info.fieldNodes) as DataLoader<string, V> | undefined;
      if (!loader) byField.set(info.fieldNodes, (loader = pick()) as DataLoader<string, unknown>);
      return loader;
    },
    byId<T extends ObjectLiteral>(target: EntityTarget<T>, fields?: ReadonlySet<string>) {
      const { columns, signature } = columnsFor(target, fields, ['id']);
      return memo(`id:${nameOf(target)}:${signature}`, () =>
        answering<T | null>(async (ids) => {
          const rows = await rowsOf(target, { keyColumn: 'id', keys: ids, columns });
          const byId = new Map(rows.map((row) => [row.id as string, row]));
          return ids.map((id) => byId.get(id) ?? null);
        }),
      );
    },
    manyBy<T extends ObjectLiteral>(
      target: EntityTarget<T>,
      column: keyof T & string,
      orderBy?: keyof T & string,
      fields?: ReadonlySet<string>,
      join?: JoinSpec<T>,
      children?: ChildrenSpec,
    ) {
      const joined = joinOf(join);
      const joinedChildren = childrenOf(children);
      const { columns, signature } = columnsFor(target, fields, [column, ...(orderBy ? [orderBy] : []), ...(join ? [join.foreignKey] : []), ...(children ? ['id'] : [])]);
      return memo(`many:${nameOf(target)}:${column}:${orderBy ?? ''}:${signature}:${joined?.signature ?? ''}:${joinedChildren?.signature ?? ''}`, () =>
        answering<T[]>(async (keys) => {
          const rows = await rowsOf(target, { keyColumn: column, keys, orderBy, columns, join: joined?.batch, children: joinedChildren?.batch });
          const grouped = new Map<string, T[]>(keys.map((key) => [key, []]));
          for (const row of rows) grouped.get(row[column] as string)?.push(row);
          return keys.map((key) => grouped.get(key) ?? []);
        }),
      );
    },
    lastBy<T extends ObjectLiteral>(target: EntityTarget<T>, column: keyof T & string, orderBy: keyof T & string, fields?: ReadonlySet<string>) {
      const { columns, signature } = columnsFor(target, fields, [column, orderBy]);
      return memo(`last:${nameOf(target)}:${column}:${orderBy}:${signature}`, () =>
        answering<T | null>(async (keys) => {
          const rows = await rowsOf(target, { keyColumn: column, keys, orderBy, lastPerKey: true, columns });
          const byKey = new Map(rows.map((row) => [row[column] as string, row]));
          return keys.map((key) => byKey.get(key) ?? null);
        }),
      );
    },
  };
  return loaders;
}
