/** Command-line flags and the dataset's well-known names, shared by the seeder, the servers and the driver. */

export const DEFAULT_BENCH_DATABASE_URL = 'mysql://root@127.0.0.1:3306/renraku_bench';

/** The users the benchmark signs tokens for; the vendor is chosen by its number of cases (see run-bench.ts). */
export const BENCH_USERS = {
  coordinator: 'coordinator@renraku.example',
  operator: 'operator@renraku.example',
} as const;

/**
 * The benchmarked vendor is the one notified of the number of cases closest to this, whatever the dataset's size, so
 * that p99 at 10,000 and at 1,000,000 cases compares the same work for the viewer against a growing table (the
 * busiest vendor's share grows with the dataset).
 */
export const BENCH_VENDOR_CASES = 300;

export function benchDatabaseUrl(env: NodeJS.ProcessEnv = process.env): string {
  const url = env.DATABASE_URL ?? DEFAULT_BENCH_DATABASE_URL;
  if (!/^(mysql|mariadb):\/\//.test(url)) throw new Error(`The benchmark runs on MySQL/MariaDB; DATABASE_URL is "${url}"`);
  return url.replace(/^mariadb:/, 'mysql:');
}

/** Splits a MySQL URL into the server URL (no database) and the database name. */
export function splitDatabaseUrl(url: string): { serverUrl: string; database: string } {
  const parsed = new URL(url);
  const database = decodeURIComponent(parsed.pathname.replace(/^\//, ''));
  if (!/^[A-Za-z0-9_]+$/.test(database)) throw new Error(`DATABASE_URL must name a database (letters, digits, _): "${url}"`);
  parsed.pathname = '/';
  return { serverUrl: parsed.toString().replace(/\/$/, ''), database };
}

/**
 * Parses `--name value` and `--flag` arguments. Numbers must be non-negative integers; unknown flags are refused
 * so a typo never silently runs the default (a million-case seed, say).
 */
export function parseFlags<T extends Record<string, number | boolean>>(argv: string[], defaults: T): T {
  const result: Record<string, number | boolean> = { ...defaults };
  for (let index = 0; index < argv.length; index++) {
    const match = /^--([a-z-]+)$/.exec(argv[index]);
    if (!match || !(match[1] in defaults)) throw new Error(`Unknown argument "${argv[index]}"; expected ${Object.keys(defaults).map((name) => `--${name}`).join(', ')}`);
    const name = match[1];
    if (typeof defaults[name] === 'boolean') {
      result[name] = true;
      continue;
    }
    const raw = argv[++index];
    const value = Number(raw);
    if (raw === undefined || !Number.isInteger(value) || value < 0) throw new Error(`--${name} needs a non-negative integer, got "${raw}"`);
    result[name] = value;
  }
  return result as T;
}

/**
 * The coordinator's case dashboard: the bench's first read, and its authorization comparison (as a vendor).
 * test/sql-count.test.ts counts its statements for both.
 */
export const DASHBOARD_QUERY = `query Dashboard($first: Int!) {
  cases(first: $first, filter: { states: [VENDOR_CONTACT, COORDINATING] }) {
    totalCount
    pageInfo { hasNextPage endCursor }
    edges { node { id reference title state receivedAt
      caseVendors { status notifiedAt vendor { id name } }
      lastContactAttempt { channel outcome attemptedAt } } }
  }
}`;
