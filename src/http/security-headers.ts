import type { ServerResponse } from 'node:http';
import type { NextFunction, Request, Response } from 'express';

export const PRIVATE_NO_STORE = 'private, no-store';

/**
 * Default headers for every response. Nothing is cacheable unless a route says so: GraphQL answers depend on the
 * caller and the clock, so no shared or browser cache may keep them. Routes serving public content (published
 * advisories, feeds) opt in with `allowPublicCaching`; their 404s keep the private default.
 */
export function securityHeaders(_request: Request, response: Response, next: NextFunction): void {
  setSecurityHeaders(response);
  next();
}

/** securityHeaders for a response served outside Express (the direct GraphQL endpoint). */
export function setSecurityHeaders(response: ServerResponse): void {
  response.setHeader('cache-control', PRIVATE_NO_STORE);
  response.setHeader('x-content-type-options', 'nosniff');
  response.setHeader('referrer-policy', 'no-referrer');
}

/** For a response whose body is public content, the same for every caller: shared caches may keep it briefly. */
export function allowPublicCaching(response: Response, maxAgeSeconds = 300): void {
  response.setHeader('cache-control', `public, max-age=${maxAgeSeconds}`);
}
