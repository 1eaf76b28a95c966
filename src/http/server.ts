import { randomUUID } from 'node:crypto';
import http from 'node:http';
import { ApolloServer, ApolloServerPlugin } from '@apollo/server';
import { ApolloServerPluginCacheControlDisabled } from '@apollo/server/plugin/disabled';
import { ApolloServerPluginDrainHttpServer } from '@apollo/server/plugin/drainHttpServer';
import { expressMiddleware } from '@as-integrations/express5';
import express, { Express, NextFunction, Request, Response } from 'express';
import { GraphQLError } from 'graphql';
import type { Logger } from 'pino';
import { DataSource } from 'typeorm';
import { AppConfig } from '../config/config';
import { Authenticator } from '../context/authentication';
import { createRequestContext, RequestContext } from '../context/request-context';
import { Viewer } from '../context/viewer';
import { DomainError } from '../errors/errors';
import { formatError } from '../errors/format-error';
import { getSchema } from '../schema';
import { AuthenticationGuard, mutationRateLimitPlugin } from './abuse-limits';
import { introspectionGuardPlugin } from './introspection-guard';
import { queryLimitsPlugin } from './query-limits';
import { clientAddressOf, GRAPHQL_BODY_LIMIT, serveGraphqlPost, servesDirectly } from './graphql-endpoint';
import { PRIVATE_NO_STORE, securityHeaders, setSecurityHeaders } from './security-headers';

export type Clock = () => Date;

export interface AppDependencies {
  config: AppConfig;
  dataSource: DataSource;
  logger: Logger;
  clock?: Clock;
  /** Extra HTTP routes (exports, feeds), mounted before /graphql. */
  routes?: (app: Express, deps: Required<Pick<AppDependencies, 'config' | 'dataSource' | 'logger' | 'clock'>> & { authenticator: Authenticator }) => void;
  plugins?: ApolloServerPlugin<RequestContext>[];
}

export interface RenrakuServer {
  app: Express;
  httpServer: http.Server;
  apollo: ApolloServer<RequestContext>;
  authenticator: Authenticator;
  contextFor(viewer: Viewer, options?: { requestId?: string; clientAddress?: string }): RequestContext;
  stop(): Promise<void>;
}

export async function createServer(deps: AppDependencies): Promise<RenrakuServer> {
  const { config, dataSource, logger } = deps;
  const clock = deps.clock ?? (() => new Date());
  const development = config.environment === 'development';
  const authenticator = new Authenticator(config, dataSource);
  const authenticationGuard = new AuthenticationGuard(config.rateLimits, authenticator, dataSource);
  const app = express();
  app.disable('x-powered-by');
  app.set('trust proxy', 'loopback');
  // A GraphQL POST of JSON (what every client sends) is served without Express (see servesDirectly); everything
  // else goes through the Express app. Set once Apollo has started.
  let serveDirectly: ((request: http.IncomingMessage, response: http.ServerResponse) => void) | null = null;
  const httpServer = http.createServer((request, response) => {
    if (serveDirectly && servesDirectly(request)) serveDirectly(request, response);
    else app(request, response);
  });
  // Longer than any client's or proxy's idle timeout (Node's fetch keeps 4 s, load balancers 60 s), so the client
  // closes an idle connection first: with Node's 5 s default, a request sent as the server closed it met ECONNRESET.
  httpServer.keepAliveTimeout = 65_000;
  httpServer.headersTimeout = 66_000;

  const contextFor: RenrakuServer['contextFor'] = (viewer, options = {}) =>
    createRequestContext({
      requestId: options.requestId ?? randomUUID(),
      now: clock(),
      viewer,
      config,
      dataSource,
      logger: logger.child({ requestId: options.requestId }),
      clientAddress: options.clientAddress ?? '127.0.0.1',
    });

  const apollo = new ApolloServer<RequestContext>({
    schema: await getSchema(),
    includeStacktraceInErrorResponses: development,
    hideSchemaDetailsFromClientErrors: true,
    // Introspection is decided per caller by introspectionGuardPlugin (staff always, the public by configuration).
    introspection: true,
    allowBatchedHttpRequests: false,
    // main.ts owns shutdown. Apollo's own SIGTERM handler would call stop() beside ours, and in @apollo/server 5.5.1
    // a second stop() waiting on the first never returns (its barrier is resolved only on error): the process hung.
    stopOnTerminationSignals: false,
    parseOptions: { maxTokens: config.queryLimits.maxTokens },
    // Every selection costs at least one complexity point, so a document with more could never pass anyway.
    maxRecursiveSelections: config.queryLimits.maxComplexity,
    formatError: (formatted, error) => formatError(formatted, error, { development, logger }),
    // Apollo's default indents every answer by two spaces: a tenth more bytes to write, and 4% of a vendor portal
    // request's CPU spent formatting them.
    stringifyResult: (result) => JSON.stringify(result),
    plugins: [
      ApolloServerPluginDrainHttpServer({ httpServer }),
      ApolloServerPluginCacheControlDisabled(),
      introspectionGuardPlugin(config),
      queryLimitsPlugin(config.queryLimits),
      mutationRateLimitPlugin(config.rateLimits),
      ...(deps.plugins ?? []),
    ],
  });
  await apollo.start();

  /** The request id every response carries, and the log line written when the response is finished. */
  const beginRequest = (request: http.IncomingMessage, response: http.ServerResponse, url: string): string => {
    const requestId = String(request.headers['x-request-id'] ?? randomUUID()).slice(0, 100);
    response.setHeader('x-request-id', requestId);
    const started = process.hrtime.bigint();
    response.on('finish', () => {
      logger.info({ requestId, method: request.method, path: url.split('?')[0], status: response.statusCode, ms: Number(process.hrtime.bigint() - started) / 1e6 }, 'request');
    });
    return requestId;
  };

  const graphqlContext = async (authorization: string | undefined, clientAddress: string, requestId: string, response: http.ServerResponse) => {
    let viewer: Viewer;
    try {
      viewer = await authenticationGuard.authenticate(authorization, clientAddress);
    } catch (error) {
      if (!(error instanceof DomainError)) throw error;
      throw new GraphQLError(error.message, { extensions: { ...error.extensions, http: error.extensions.http ?? { status: 401 } } });
    }
    response.setHeader('cache-control', PRIVATE_NO_STORE);
    return contextFor(viewer, { requestId, clientAddress });
  };

  serveDirectly = (request, response) => {
    setSecurityHeaders(response);
    const requestId = beginRequest(request, response, request.url ?? '');
    const clientAddress = clientAddressOf(request);
    void serveGraphqlPost(apollo, request, response, () => graphqlContext(request.headers.authorization, clientAddress, requestId, response), logger);
  };

  app.use(securityHeaders);
  app.use((request: Request, response: Response, next: NextFunction) => {
    response.locals.requestId = beginRequest(request, response, request.originalUrl);
    next();
  });

  app.get('/healthz', (_request, response) => {
    response.json({ status: 'ok' });
  });
  app.get('/readyz', async (_request, response) => {
    try {
      await dataSource.query('SELECT 1');
      response.json({ status: 'ready' });
    } catch {
      response.status(503).json({ status: 'database unreachable' });
    }
  });

  // GraphQL answers are private and never cached, so Express need not hash each body for an ETag (the public routes
  // mounted after it keep theirs). Mounted first: it is what almost every request asks for.
  const graphqlApp = express();
  graphqlApp.set('etag', false);
  graphqlApp.disable('x-powered-by');
  graphqlApp.set('trust proxy', 'loopback');
  app.use('/graphql', graphqlApp);
  graphqlApp.use(
    express.json({ limit: GRAPHQL_BODY_LIMIT }),
    expressMiddleware(apollo, {
      context: ({ req, res }) => graphqlContext(req.headers.authorization, req.ip ?? 'unknown', res.locals.requestId as string, res),
    }),
  );

  deps.routes?.(app, { config, dataSource, logger, clock, authenticator });

  return {
    app,
    httpServer,
    apollo,
    authenticator,
    contextFor,
    async stop() {
      await apollo.stop();
      if (httpServer.listening) await new Promise<void>((resolve) => httpServer.close(() => resolve()));
    },
  };
}
