import { RateLimiterAbstract, RateLimiterMySQL, RateLimiterRes, RateLimiterSQLite } from 'rate-limiter-flexible';
import { DataSource } from 'typeorm';
import type { BetterSqlite3Driver } from 'typeorm/driver/better-sqlite3/BetterSqlite3Driver';
import type { MysqlDriver } from 'typeorm/driver/mysql/MysqlDriver';
import { RateLimitedError } from '../errors/errors';

/** Created by migration 1764190000000 with exactly the columns rate-limiter-flexible reads and writes. */
export const RATE_LIMIT_TABLE = 'rate_limit';

export interface RateLimiter {
  readonly name: string;
  /**
   * Counts one action by `key` (a client address, a token id) and throws RATE_LIMITED, with the seconds until the
   * window ends, once more than `points` were counted within `duration` seconds. The counter lives in the
   * database, so every server instance on the same database shares it. Store failures propagate: a limiter that
   * cannot count refuses rather than lets everything through.
   */
  consume(dataSource: DataSource, key: string): Promise<void>;
  /** Forgets the counter for `key` (for example after a successful authentication). */
  reset(dataSource: DataSource, key: string): Promise<void>;
  /** Throws RATE_LIMITED when `key` has used up its points in the current window, without counting anything. */
  assertAvailable(dataSource: DataSource, key: string): Promise<void>;
  /**
   * assertAvailable for a counter another statement read (`counterRead` says which row and how): lets a caller
   * read it alongside something it reads anyway instead of in a statement of its own.
   */
  counterRead(key: string): CounterRead;
}

/** How to read one counter of a limiter in someone else's statement, and the verdict on what was read. */
export interface CounterRead {
  /** The row's key in RATE_LIMIT_TABLE. */
  readonly storedKey: string;
  /** Throws RATE_LIMITED when the row read (null when there is none) is a used-up counter whose window has not ended. */
  assertAvailable(row: { points: unknown; expire: unknown } | null, now?: number): void;
}

/**
 * The milliseconds until a used-up counter frees (-1 for one without an end), or null when it is not used up: the
 * row as rate-limiter-flexible's MySQL and SQLite stores keep it (`points` used, `expire` in epoch ms or NULL) and as
 * their get() reads it, a row whose window ended counting as none.
 */
function blockedFor(points: number, row: { points: unknown; expire: unknown } | null, now: number): number | null {
  if (!row) return null;
  const expire = row.expire === null || row.expire === undefined ? null : Number(row.expire);
  if (expire !== null && expire <= now) return null;
  if (Number(row.points) < points) return null;
  return expire === null ? -1 : Math.max(expire - now, 0);
}

/**
 * A named fixed-window limiter: at most `points` actions per `duration` seconds per key. Limiters with different
 * names share one table; the name prefixes every key. The store is built lazily per DataSource, on the
 * connection pool (MySQL/MariaDB) or the database handle (SQLite) TypeORM already holds.
 */
export function createRateLimiter(name: string, points: number, duration: number): RateLimiter {
  if (!/^[a-z][a-z0-9-]*$/.test(name)) throw new Error(`Rate limiter names are lower-case words with dashes, got "${name}"`);
  const stores = new WeakMap<DataSource, RateLimiterAbstract>();

  function storeFor(dataSource: DataSource): RateLimiterAbstract {
    let store = stores.get(dataSource);
    if (!store) {
      store = openStore(dataSource, { keyPrefix: name, points, duration, tableName: RATE_LIMIT_TABLE, tableCreated: true, clearExpiredByTimeout: false });
      stores.set(dataSource, store);
    }
    return store;
  }

  return {
    name,
    async consume(dataSource, key) {
      try {
        await storeFor(dataSource).consume(key);
      } catch (rejection) {
        if (rejection instanceof RateLimiterRes) throw new RateLimitedError(rejection.msBeforeNext / 1000);
        throw rejection;
      }
    },
    async reset(dataSource, key) {
      await storeFor(dataSource).delete(key);
    },
    async assertAvailable(dataSource, key) {
      const state = await storeFor(dataSource).get(key);
      if (state && state.consumedPoints >= points) throw new RateLimitedError(state.msBeforeNext / 1000);
    },
    counterRead(key) {
      return {
        storedKey: `${name}:${key}`,
        assertAvailable(row, now = Date.now()) {
          const milliseconds = blockedFor(points, row, now);
          if (milliseconds !== null) throw new RateLimitedError(milliseconds / 1000);
        },
      };
    },
  };
}

interface StoreOptions {
  keyPrefix: string;
  points: number;
  duration: number;
  tableName: string;
  tableCreated: true;
  clearExpiredByTimeout: boolean;
}

function openStore(dataSource: DataSource, options: StoreOptions): RateLimiterAbstract {
  const type = dataSource.options.type;
  if (type === 'mysql' || type === 'mariadb') {
    const driver = dataSource.driver as MysqlDriver;
    if (!driver.pool || !driver.database) throw new Error('The MySQL driver has no pool or database name yet; initialize the DataSource first');
    return new RateLimiterMySQL({ ...options, storeClient: driver.pool, storeType: 'pool', dbName: driver.database });
  }
  if (type === 'better-sqlite3') {
    const handle: unknown = (dataSource.driver as BetterSqlite3Driver).databaseConnection;
    return new RateLimiterSQLite({ ...options, storeClient: handle, storeType: 'better-sqlite3' });
  }
  throw new Error(`No database-backed rate limiter for ${type}`);
}
