import { GraphQLFormattedError } from 'graphql';
import pino from 'pino';
import { AddressInfo } from 'node:net';
import { AppConfig, testConfig } from '../../src/config/config';
import { signToken } from '../../src/context/authentication';
import { DEMO_USERS, DemoPersona, DemoWorld, seedDemoWorld } from '../../src/demo/demo-world';
import { registerRoutes } from '../../src/http/routes';
import { createServer, RenrakuServer } from '../../src/http/server';
import { createTestDatabase, TestDatabase } from './database';

export type Persona = DemoPersona | 'anonymous';

export interface GraphQLResult<T = Record<string, unknown>> {
  data?: T | null;
  errors?: readonly GraphQLFormattedError[];
}

/** A settable clock for tests: visibility rules compare with it. */
export class TestClock {
  constructor(public current: Date = new Date('2026-11-26T09:00:00.000Z')) {}
  now = (): Date => new Date(this.current.getTime());
  advanceDays(days: number): void {
    this.current = new Date(this.current.getTime() + days * 86_400_000);
  }
}

export interface Harness {
  db: TestDatabase;
  server: RenrakuServer;
  world: DemoWorld;
  clock: TestClock;
  config: AppConfig;
  tokens: Record<DemoPersona, string>;
  /** Runs an operation in process, through authentication, context, schema and error formatting. */
  graphql<T = Record<string, unknown>>(persona: Persona, query: string, variables?: Record<string, unknown>): Promise<GraphQLResult<T>>;
  /** Like graphql() but fails the test on any error. */
  ok<T = Record<string, unknown>>(persona: Persona, query: string, variables?: Record<string, unknown>): Promise<T>;
  /** Starts the HTTP server on a free loopback port and returns its base URL. */
  listen(): Promise<string>;
  close(): Promise<void>;
}

export async function createHarness(options: { clock?: TestClock; config?: Partial<AppConfig> } = {}): Promise<Harness> {
  const clock = options.clock ?? new TestClock();
  const db = await createTestDatabase();
  const config = testConfig(options.config);
  const world = await seedDemoWorld(db.dataSource, clock.now());
  const server = await createServer({ config, dataSource: db.dataSource, logger: pino({ level: 'silent' }), clock: clock.now, routes: registerRoutes });
  const tokens = {} as Record<DemoPersona, string>;
  for (const persona of Object.keys(DEMO_USERS) as DemoPersona[]) tokens[persona] = await signToken(config, world.users[persona]);

  async function graphql<T>(persona: Persona, query: string, variables?: Record<string, unknown>): Promise<GraphQLResult<T>> {
    const authorization = persona === 'anonymous' ? undefined : `Bearer ${tokens[persona]}`;
    const viewer = await server.authenticator.authenticate(authorization);
    const response = await server.apollo.executeOperation<T>({ query, variables }, { contextValue: server.contextFor(viewer) });
    if (response.body.kind !== 'single') throw new Error('incremental delivery is not expected');
    return { data: response.body.singleResult.data as T | null | undefined, errors: response.body.singleResult.errors };
  }

  return {
    db,
    server,
    world,
    clock,
    config,
    tokens,
    graphql,
    async ok<T>(persona: Persona, query: string, variables?: Record<string, unknown>) {
      const result = await graphql<T>(persona, query, variables);
      if (result.errors?.length) throw new Error(`GraphQL errors for ${persona}: ${JSON.stringify(result.errors)}`);
      return result.data as T;
    },
    async listen() {
      await new Promise<void>((resolve) => server.httpServer.listen(0, '127.0.0.1', resolve));
      const address = server.httpServer.address() as AddressInfo;
      return `http://127.0.0.1:${address.port}`;
    },
    async close() {
      await server.stop();
      await db.drop();
    },
  };
}

export function errorCode(result: GraphQLResult<unknown>): string | undefined {
  return result.errors?.[0]?.extensions?.code as string | undefined;
}
