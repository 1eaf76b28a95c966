/**
 * The one place that reads process.env. Everything else receives an AppConfig.
 */
export type DatabaseConfig =
  | { type: 'sqlite'; path: string }
  | { type: 'mysql'; url: string };

export interface AppConfig {
  environment: 'development' | 'test' | 'production';
  port: number;
  /** Server processes (WEB_CONCURRENCY), one per core in production; above one only on MySQL/MariaDB (src/http/workers.ts). */
  workers: number;
  database: DatabaseConfig;
  /** Secret: HS256 key for bearer tokens. Absent when a JWKS URL is used instead. */
  jwtSecret: string | null;
  jwksUrl: string | null;
  jwtIssuer: string;
  jwtAudience: string;
  seedDemoWorld: boolean;
  logLevel: string;
  maxPageSize: number;
  /**
   * The public search counts its matches up to this many; above it, `totalCount` is this number and flagged as a lower
   * bound, so a common word costs no more than this many index entries to count (README "Search").
   */
  searchTotalCountCap: number;
  advisoryPrefixDomestic: string;
  advisoryPrefixOverseas: string;
  /** Introspection for anonymous callers; staff always may introspect. */
  publicIntrospection: boolean;
  /** Per-operation cost limits; exceeding one answers QUERY_TOO_COMPLEX before anything runs. */
  queryLimits: {
    maxDepth: number;
    maxAliases: number;
    /** Budget in graphql-query-complexity points: one per field, times `first` below a connection. */
    maxComplexity: number;
    /** Parser token limit: refuses huge documents before validation spends time on them. */
    maxTokens: number;
  };
  /** Limits kept in the database, so they hold across several server instances. */
  rateLimits: {
    /** Mutations an authenticated caller (user or API key) may send per minute. */
    mutationsPerTokenPerMinute: number;
    /** Anonymous mutations, and calls of mutations open to the public, per client address per minute. */
    publicMutationsPerAddressPerMinute: number;
    /** Failed authentications per client address per window; then every attempt from it is refused until the window ends. */
    failedAuthenticationsPerAddress: number;
    failedAuthenticationWindowSeconds: number;
  };
  unreachable: {
    minAttempts: number;
    minDays: number;
    minChannels: number;
    stageTwoAfterDays: number;
    committeeAfterDays: number;
  };
  committee: { quorum: number };
  /** How published advisories name their publisher and link to themselves (CSAF, CVE records, feeds). */
  publication: {
    /** The public base URL of this service, without a trailing slash. */
    baseUrl: string;
    publisherName: string;
    /** CSAF `publisher.namespace`: the publisher's own web address. */
    publisherNamespace: string;
    /** The CNA's organization UUID in CVE Services (`assignerOrgId`, `providerMetadata.orgId`). */
    cveOrgId: string;
    cveShortName: string;
    /** Entries per Atom feed. */
    feedSize: number;
  };
}

export class ConfigError extends Error {}

/** The public search's count cap unless SEARCH_TOTAL_COUNT_CAP says otherwise (named in the schema's description). */
export const DEFAULT_SEARCH_TOTAL_COUNT_CAP = 1000;

const DEVELOPMENT_JWT_SECRET = 'renraku-development-secret-not-for-production';

const UUID_V4 = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/i;
// A placeholder: a deployment that issues CVE records sets CVE_ORG_ID to its CNA's UUID in CVE Services.
const DEVELOPMENT_CVE_ORG_ID = '8254265b-2729-46b6-b9e3-3dfca2d5bfca';

function httpUrl(env: NodeJS.ProcessEnv, name: string, fallback: string, problems: string[]): string {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  try {
    const url = new URL(raw);
    if (url.protocol !== 'https:' && url.protocol !== 'http:') throw new Error('not http');
  } catch {
    problems.push(`${name} must be an http(s) URL, got "${raw}"`);
    return fallback;
  }
  return raw.replace(/\/+$/, '');
}

function integer(env: NodeJS.ProcessEnv, name: string, fallback: number, problems: string[]): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 0) {
    problems.push(`${name} must be a non-negative integer, got "${raw}"`);
    return fallback;
  }
  return value;
}

export function parseDatabaseUrl(url: string): DatabaseConfig {
  if (url.startsWith('sqlite:')) return { type: 'sqlite', path: url.slice('sqlite:'.length) || ':memory:' };
  if (url.startsWith('mysql://') || url.startsWith('mariadb://')) return { type: 'mysql', url: url.replace(/^mariadb:/, 'mysql:') };
  throw new ConfigError(`DATABASE_URL must start with sqlite: or mysql://, got "${url}"`);
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env): AppConfig {
  const problems: string[] = [];
  const environment = env.NODE_ENV === 'production' ? 'production' : env.NODE_ENV === 'test' ? 'test' : 'development';
  const production = environment === 'production';

  if (production && !env.DATABASE_URL) problems.push('DATABASE_URL is required in production');
  if (production && !env.AUTH_JWT_SECRET && !env.AUTH_JWKS_URL) {
    problems.push('AUTH_JWT_SECRET or AUTH_JWKS_URL is required in production');
  }
  if (env.AUTH_JWT_SECRET && env.AUTH_JWT_SECRET.length < 32) problems.push('AUTH_JWT_SECRET must be at least 32 characters');

  let database: DatabaseConfig = { type: 'sqlite', path: 'data/renraku.sqlite' };
  try {
    if (env.DATABASE_URL) database = parseDatabaseUrl(env.DATABASE_URL);
  } catch (error) {
    problems.push((error as Error).message);
  }

  const config: AppConfig = {
    environment,
    port: integer(env, 'PORT', 4000, problems),
    workers: integer(env, 'WEB_CONCURRENCY', 1, problems),
    database,
    jwtSecret: env.AUTH_JWT_SECRET ?? (env.AUTH_JWKS_URL ? null : production ? null : DEVELOPMENT_JWT_SECRET),
    jwksUrl: env.AUTH_JWKS_URL ?? null,
    jwtIssuer: env.AUTH_ISSUER ?? 'renraku',
    jwtAudience: env.AUTH_AUDIENCE ?? 'renraku',
    seedDemoWorld: production ? false : env.SEED_DEMO !== 'false',
    logLevel: env.LOG_LEVEL ?? (environment === 'test' ? 'silent' : 'info'),
    maxPageSize: integer(env, 'MAX_PAGE_SIZE', 100, problems),
    searchTotalCountCap: integer(env, 'SEARCH_TOTAL_COUNT_CAP', DEFAULT_SEARCH_TOTAL_COUNT_CAP, problems),
    advisoryPrefixDomestic: env.ADVISORY_PREFIX_DOMESTIC ?? 'JVN#',
    advisoryPrefixOverseas: env.ADVISORY_PREFIX_OVERSEAS ?? 'JVNVU#',
    publicIntrospection: env.PUBLIC_INTROSPECTION === 'true',
    queryLimits: {
      maxDepth: integer(env, 'QUERY_MAX_DEPTH', 12, problems),
      maxAliases: integer(env, 'QUERY_MAX_ALIASES', 30, problems),
      maxComplexity: integer(env, 'QUERY_MAX_COMPLEXITY', 20000, problems),
      maxTokens: integer(env, 'QUERY_MAX_TOKENS', 5000, problems),
    },
    rateLimits: {
      mutationsPerTokenPerMinute: integer(env, 'RATE_LIMIT_MUTATIONS_PER_TOKEN', 600, problems),
      publicMutationsPerAddressPerMinute: integer(env, 'RATE_LIMIT_PUBLIC_MUTATIONS_PER_ADDRESS', 60, problems),
      failedAuthenticationsPerAddress: integer(env, 'RATE_LIMIT_FAILED_AUTH_PER_ADDRESS', 20, problems),
      failedAuthenticationWindowSeconds: integer(env, 'RATE_LIMIT_FAILED_AUTH_WINDOW_SECONDS', 900, problems),
    },
    unreachable: {
      minAttempts: integer(env, 'UNREACHABLE_MIN_ATTEMPTS', 5, problems),
      minDays: integer(env, 'UNREACHABLE_MIN_DAYS', 30, problems),
      minChannels: integer(env, 'UNREACHABLE_MIN_CHANNELS', 2, problems),
      stageTwoAfterDays: integer(env, 'LISTING_STAGE_TWO_AFTER_DAYS', 90, problems),
      committeeAfterDays: integer(env, 'COMMITTEE_AFTER_DAYS', 90, problems),
    },
    committee: { quorum: integer(env, 'COMMITTEE_QUORUM', 3, problems) },
    publication: {
      baseUrl: httpUrl(env, 'PUBLIC_BASE_URL', `http://localhost:${env.PORT || 4000}`, problems),
      publisherName: env.PUBLISHER_NAME ?? 'renraku Coordination Center',
      publisherNamespace: httpUrl(env, 'PUBLISHER_NAMESPACE', 'https://renraku.example', problems),
      cveOrgId: env.CVE_ORG_ID ?? DEVELOPMENT_CVE_ORG_ID,
      cveShortName: env.CVE_SHORT_NAME ?? 'renraku',
      feedSize: integer(env, 'FEED_SIZE', 50, problems),
    },
  };
  if (config.workers < 1) problems.push('WEB_CONCURRENCY must be at least 1');
  // SQLite's writes are serialized inside one process (src/common/sqlite-serial.ts); several would contend for the file.
  if (config.workers > 1 && config.database.type === 'sqlite') problems.push('WEB_CONCURRENCY above 1 needs MySQL/MariaDB (DATABASE_URL=mysql://...)');
  if (config.searchTotalCountCap < 1) problems.push('SEARCH_TOTAL_COUNT_CAP must be at least 1');
  if (!UUID_V4.test(config.publication.cveOrgId)) problems.push('CVE_ORG_ID must be a version 4 UUID');
  if (problems.length > 0) throw new ConfigError(`Invalid configuration:\n- ${problems.join('\n- ')}`);
  return config;
}

export function testConfig(overrides: Partial<AppConfig> = {}): AppConfig {
  return { ...loadConfig({ NODE_ENV: 'test' }), ...overrides };
}
