import { DataSource } from 'typeorm';

const queues = new WeakMap<DataSource, Promise<unknown>>();

/**
 * On SQLite, TypeORM shares one connection between all requests, so two async transactions would nest as savepoints
 * of one another: one request's rollback could undo another's committed work. Writes are therefore run one after
 * another. On MySQL/MariaDB each transaction has its own pooled connection and this is a pass-through.
 */
export function serializeWrites<T>(dataSource: DataSource, work: () => Promise<T>): Promise<T> {
  if (dataSource.options.type !== 'better-sqlite3') return work();
  const previous = queues.get(dataSource) ?? Promise.resolve();
  const next = previous.then(work, work);
  queues.set(
    dataSource,
    next.then(
      () => undefined,
      () => undefined,
    ),
  );
  return next;
}
