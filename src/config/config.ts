/**
 * The one place that reads process.env. Everything else receives an AppConfig.
 */
export type DatabaseConfig =
  | { type: 'sqlite'; path: string }
  | { type: 'mysql'; url: string };

export interface AppConfig {
  environment: 'development' | 'test' | 'production';
  port: number;
  database: DatabaseConfig;
  /** Secret: HS256 key for bearer tokens. Absent when a JWKS URL is used instead. */
  jwtSecret: string | null;
  jwksUrl: string | null;
  jwtIssuer: string;
  jwtAudience: string;
  seedDemoWorld: boolean;
  logLevel: string;
  maxPageSize: number;
  advisoryPrefixDomestic: string;
  advisoryPrefixOverseas: string;
  /** Introspection for anonymous callers; staff always may introspect. */
  publicIntrospection: boolean;
  unreachable: {
    minAttempts: number;
    minDays: number;
    minChannels: number;
    stageTwoAfterDays: number;
    committeeAfterDays: number;
  };
  committee: { quorum: number };
}

export class ConfigError extends Error {}

const DEVELOPMENT_JWT_SECRET = 'renraku-development-secret-not-for-production';

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
    database,
    jwtSecret: env.AUTH_JWT_SECRET ?? (env.AUTH_JWKS_URL ? null : production ? null : DEVELOPMENT_JWT_SECRET),
    jwksUrl: env.AUTH_JWKS_URL ?? null,
    jwtIssuer: env.AUTH_ISSUER ?? 'renraku',
    jwtAudience: env.AUTH_AUDIENCE ?? 'renraku',
    seedDemoWorld: production ? false : env.SEED_DEMO !== 'false',
    logLevel: env.LOG_LEVEL ?? (environment === 'test' ? 'silent' : 'info'),
    maxPageSize: integer(env, 'MAX_PAGE_SIZE', 100, problems),
    advisoryPrefixDomestic: env.ADVISORY_PREFIX_DOMESTIC ?? 'JVN#',
    advisoryPrefixOverseas: env.ADVISORY_PREFIX_OVERSEAS ?? 'JVNVU#',
    publicIntrospection: env.PUBLIC_INTROSPECTION === 'true',
    unreachable: {
      minAttempts: integer(env, 'UNREACHABLE_MIN_ATTEMPTS', 5, problems),
      minDays: integer(env, 'UNREACHABLE_MIN_DAYS', 30, problems),
      minChannels: integer(env, 'UNREACHABLE_MIN_CHANNELS', 2, problems),
      stageTwoAfterDays: integer(env, 'LISTING_STAGE_TWO_AFTER_DAYS', 90, problems),
      committeeAfterDays: integer(env, 'COMMITTEE_AFTER_DAYS', 90, problems),
    },
    committee: { quorum: integer(env, 'COMMITTEE_QUORUM', 3, problems) },
  };
  if (problems.length > 0) throw new ConfigError(`Invalid configuration:\n- ${problems.join('\n- ')}`);
  return config;
}

export function testConfig(overrides: Partial<AppConfig> = {}): AppConfig {
  return { ...loadConfig({ NODE_ENV: 'test' }), ...overrides };
}
