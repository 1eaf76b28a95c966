import { AddressInfo } from 'node:net';
import pino from 'pino';
import { AppConfig, testConfig } from '../../src/config/config';
import { signToken } from '../../src/context/authentication';
import { registerRoutes } from '../../src/http/routes';
import { createServer, RenrakuServer } from '../../src/http/server';
import { createTestDatabase, TestDatabase } from '../support/database';
import type { Principal } from './world';

export interface HttpAnswer {
  status: number;
  headers: Headers;
  /** The body exactly as it came over the wire. */
  text: string;
  json: { data?: Record<string, unknown> | null; errors?: { message: string; extensions?: Record<string, unknown> }[] };
}

export interface SecrecyServer {
  db: TestDatabase;
  server: RenrakuServer;
  config: AppConfig;
  baseUrl: string;
  /** The server's clock: every visibility rule compares with it. */
  setNow(now: Date): void;
  /** One GraphQL operation over real HTTP, authenticated as the principal. */
  graphql(principal: Principal, query: string, variables?: Record<string, unknown>): Promise<HttpAnswer>;
  close(): Promise<void>;
}

/**
 * A server on an empty, migrated database (no demo world) listening on a loopback port. The secrecy suites insert
 * their own worlds and speak to it over HTTP, so authentication, limits, error formatting and headers are all on
 * the path. Failed authentications are expected (inactive users, revoked keys), so that limit is raised here, as is
 * the complexity budget; the limits themselves are tested in side-channels.test.ts.
 */
/**
 * The public search's count cap on the secrecy server: a generated world has a few advisories, so searches above the
 * cap (a count that stops early, a page read in publication order) and at or below it (an exact count, a page read
 * from the index's matches) both occur.
 */
export const SECRECY_SEARCH_TOTAL_COUNT_CAP = 3;

export async function createSecrecyServer(overrides: Partial<AppConfig> = {}): Promise<SecrecyServer> {
  const db = await createTestDatabase();
  const base = testConfig();
  const config = testConfig({
    rateLimits: { ...base.rateLimits, failedAuthenticationsPerAddress: 1_000_000, mutationsPerTokenPerMinute: 1_000_000, publicMutationsPerAddressPerMinute: 1_000_000 },
    // Every covered field to depth 3 under a page of 20 is far above a client's budget; the budget is tested there too.
    queryLimits: { ...base.queryLimits, maxComplexity: 1_000_000 },
    searchTotalCountCap: SECRECY_SEARCH_TOTAL_COUNT_CAP,
    ...overrides,
  });
  let now = new Date();
  const server = await createServer({ config, dataSource: db.dataSource, logger: pino({ level: 'silent' }), clock: () => new Date(now.getTime()), routes: registerRoutes });
  await new Promise<void>((resolve) => server.httpServer.listen(0, '127.0.0.1', resolve));
  const baseUrl = `http://127.0.0.1:${(server.httpServer.address() as AddressInfo).port}`;
  const tokens = new Map<string, string>();

  async function authorization(principal: Principal): Promise<string | undefined> {
    if (principal.kind === 'anonymous') return undefined;
    if (principal.kind === 'apiKey') return `Bearer ${principal.secret}`;
    let token = tokens.get(principal.userId);
    if (!token) {
      token = await signToken(config, principal.userId);
      tokens.set(principal.userId, token);
    }
    return `Bearer ${token}`;
  }

  return {
    db,
    server,
    config,
    baseUrl,
    setNow(next) {
      now = new Date(next.getTime());
    },
    async graphql(principal, query, variables) {
      const auth = await authorization(principal);
      const response = await fetch(`${baseUrl}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...(auth ? { authorization: auth } : {}) },
        body: JSON.stringify({ query, variables }),
      });
      const text = await response.text();
      return { status: response.status, headers: response.headers, text, json: JSON.parse(text) as HttpAnswer['json'] };
    },
    async close() {
      await server.stop();
      await db.drop();
    },
  };
}
