import type { Logger } from 'pino';
import { DataSource, EntityManager } from 'typeorm';
import { AppAbility, buildAbility } from '../../policies';
import { serializeWrites } from '../common/sqlite-serial';
import { AppConfig } from '../config/config';
import { createLoaders, FieldLoaders, Loaders } from './loaders';
import { Viewer } from './viewer';

/** Everything a request carries, built once per request and passed first to every service. */
export interface RequestContext {
  requestId: string;
  /** The request's clock: every visibility rule compares with this instant. */
  now: Date;
  viewer: Viewer;
  ability: AppAbility;
  config: AppConfig;
  dataSource: DataSource;
  /** Set inside a transaction; queries then run on it. */
  manager?: EntityManager;
  loaders: Loaders & FieldLoaders;
  logger: Logger;
  clientAddress: string;
}

export interface ContextInput {
  requestId: string;
  now: Date;
  viewer: Viewer;
  config: AppConfig;
  dataSource: DataSource;
  logger: Logger;
  clientAddress: string;
}

export function createRequestContext(input: ContextInput): RequestContext {
  const ctx = { ...input, ability: buildAbility(input.viewer, input.now) } as RequestContext;
  ctx.loaders = createLoaders(ctx);
  return ctx;
}

/**
 * Runs a state change in one transaction. The callback gets a context whose queries use the transaction;
 * afterwards the request's loaders are replaced so later fields see the new state. Called inside a transaction,
 * it joins it.
 */
export async function inTransaction<T>(ctx: RequestContext, work: (tx: RequestContext) => Promise<T>): Promise<T> {
  if (ctx.manager) return work(ctx);
  const result = await serializeWrites(ctx.dataSource, () => ctx.dataSource.transaction(async (manager) => work({ ...ctx, manager })));
  ctx.loaders = createLoaders(ctx);
  return result;
}
