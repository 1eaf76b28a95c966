import DataLoader from 'dataloader';
import { EntityTarget, ObjectLiteral } from 'typeorm';
import { accessibleQuery, loadAccessible } from '../authorization/accessible';
import type { RequestContext } from './request-context';

/**
 * Per-request batch loaders. Every batch query carries the viewer's read predicate, so a loader never returns a
 * row the viewer may not see, and loaders are never shared between requests or viewers.
 */
export interface Loaders {
  byId<T extends ObjectLiteral>(target: EntityTarget<T>): DataLoader<string, T | null>;
  /** Rows whose `column` equals the key, ordered by `orderBy` (ascending) then id. */
  manyBy<T extends ObjectLiteral>(target: EntityTarget<T>, column: keyof T & string, orderBy?: keyof T & string): DataLoader<string, T[]>;
}

export function createLoaders(ctx: RequestContext): Loaders {
  const cache = new Map<string, DataLoader<string, unknown>>();
  const nameOf = (target: EntityTarget<ObjectLiteral>) => ctx.dataSource.getMetadata(target).name;

  function memo<V>(key: string, create: () => DataLoader<string, V>): DataLoader<string, V> {
    let loader = cache.get(key) as DataLoader<string, V> | undefined;
    if (!loader) {
      loader = create();
      cache.set(key, loader as DataLoader<string, unknown>);
    }
    return loader;
  }

  return {
    byId<T extends ObjectLiteral>(target: EntityTarget<T>) {
      return memo(`id:${nameOf(target)}`, () =>
        new DataLoader<string, T | null>(async (ids) => {
          const query = accessibleQuery(ctx, target, 'row', 'read', { drivenByKeys: true });
          if (!query) return ids.map(() => null);
          const rows = await loadAccessible(ctx, target, query.andWhere('row.id IN (:...loaderIds)', { loaderIds: [...ids] }));
          const byId = new Map(rows.map((row) => [row.id as string, row]));
          return ids.map((id) => byId.get(id) ?? null);
        }),
      );
    },
    manyBy<T extends ObjectLiteral>(target: EntityTarget<T>, column: keyof T & string, orderBy?: keyof T & string) {
      return memo(`many:${nameOf(target)}:${column}:${orderBy ?? ''}`, () =>
        new DataLoader<string, T[]>(async (keys) => {
          const query = accessibleQuery(ctx, target, 'row', 'read', { drivenByKeys: true });
          if (!query) return keys.map(() => []);
          query.andWhere(`row.${column} IN (:...loaderKeys)`, { loaderKeys: [...keys] });
          if (orderBy) query.orderBy(`row.${orderBy}`, 'ASC').addOrderBy('row.id', 'ASC');
          const rows = await loadAccessible(ctx, target, query);
          const grouped = new Map<string, T[]>(keys.map((key) => [key, []]));
          for (const row of rows) grouped.get(row[column] as string)?.push(row);
          return keys.map((key) => grouped.get(key) ?? []);
        }),
      );
    },
  };
}
