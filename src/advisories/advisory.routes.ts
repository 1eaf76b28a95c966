import { randomUUID } from 'node:crypto';
import type { Express, Request, Response } from 'express';
import { createRequestContext, RequestContext } from '../context/request-context';
import { ANONYMOUS } from '../context/viewer';
import { allowPublicCaching } from '../http/security-headers';
import type { AppDependencies } from '../http/server';
import { findPublishedAdvisory } from './advisory-export.service';
import { advisoriesFeed, FEED_PATHS, unreachableFeed } from './advisory-feeds';
import { toCsafDocument } from './csaf';
import { toCveRecords } from './cve-record';
import { PublishedAdvisory } from './published-advisory';

export type RouteDependencies = Parameters<NonNullable<AppDependencies['routes']>>[1];

/** Seconds shared caches may keep published content; a revision shows everywhere within this time. */
const PUBLIC_MAX_AGE_SECONDS = 60;

/**
 * The one answer for "no published advisory here": unknown ids, drafts and scheduled publications all get these
 * exact bytes, status and headers, so the endpoints cannot be used to learn that an unpublished advisory exists.
 */
export const ADVISORY_NOT_FOUND_BODY = JSON.stringify({ error: 'NOT_FOUND', message: 'No published advisory has this id' });

/**
 * Public exports and feeds. Every request is answered as the anonymous public at the request's clock, through
 * the same policy and accessible queries as GraphQL, whatever credentials it carries.
 */
export function registerAdvisoryRoutes(app: Express, deps: RouteDependencies): void {
  const publicContext = (response: Response, request: Request): RequestContext =>
    createRequestContext({
      requestId: String(response.locals.requestId ?? randomUUID()),
      now: deps.clock(),
      viewer: ANONYMOUS,
      config: deps.config,
      dataSource: deps.dataSource,
      logger: deps.logger,
      clientAddress: request.ip ?? 'unknown',
    });
  const settings = deps.config.publication;

  const send = (response: Response, contentType: string, body: string) => {
    allowPublicCaching(response, PUBLIC_MAX_AGE_SECONDS);
    response.status(200).type(contentType).send(body);
  };
  const guarded = (handler: (request: Request, response: Response) => Promise<void>) => async (request: Request, response: Response) => {
    try {
      await handler(request, response);
    } catch (error) {
      deps.logger.error({ err: error, requestId: response.locals.requestId, path: request.path }, 'advisory export failed');
      if (!response.headersSent) response.status(500).type('application/json').send(JSON.stringify({ error: 'INTERNAL_SERVER_ERROR' }));
    }
  };
  const exportRoute = (render: (publication: PublishedAdvisory) => unknown) =>
    guarded(async (request, response) => {
      const key = String(request.params.id ?? '');
      const publication = await findPublishedAdvisory(publicContext(response, request), key);
      if (!publication) {
        response.status(404).type('application/json').send(ADVISORY_NOT_FOUND_BODY);
        return;
      }
      send(response, 'application/json', JSON.stringify(render(publication), null, 2));
    });

  app.get('/advisories/:id/csaf.json', exportRoute((publication) => toCsafDocument(publication, settings)));
  app.get('/advisories/:id/cve.json', exportRoute((publication) => toCveRecords(publication, settings)));
  app.get(
    FEED_PATHS.advisories,
    guarded(async (request, response) => send(response, 'application/atom+xml; charset=utf-8', await advisoriesFeed(publicContext(response, request), settings))),
  );
  app.get(
    FEED_PATHS.unreachable,
    guarded(async (request, response) => send(response, 'application/atom+xml; charset=utf-8', await unreachableFeed(publicContext(response, request), settings))),
  );
}
