import type { ApolloServerPlugin } from '@apollo/server';
import { DataSource } from 'typeorm';
import type { AppConfig } from '../config/config';
import { API_KEY_PREFIX, Authenticator, CounterCheck } from '../context/authentication';
import type { RequestContext } from '../context/request-context';
import { Viewer } from '../context/viewer';
import { UnauthenticatedError } from '../errors/errors';
import { walkOperation } from './query-limits';
import { createRateLimiter } from './rate-limit';

type RateLimits = AppConfig['rateLimits'];

/**
 * Counts mutations before they run: every mutation field an authenticated caller sends counts against its token
 * (user or API key); every mutation field open to the public, and every mutation sent without credentials, counts
 * against the client address. Aliased fields in one operation count one each. Queries are bounded by the query
 * limits instead.
 */
export function mutationRateLimitPlugin(limits: RateLimits): ApolloServerPlugin<RequestContext> {
  const perToken = createRateLimiter('mutations-per-token', limits.mutationsPerTokenPerMinute, 60);
  const perAddress = createRateLimiter('public-mutations-per-address', limits.publicMutationsPerAddressPerMinute, 60);
  return {
    async requestDidStart() {
      return {
        async didResolveOperation({ contextValue: ctx, document, operation, schema }) {
          if (operation?.operation !== 'mutation') return;
          const mutationFields = schema.getMutationType()?.getFields() ?? {};
          const called: string[] = [];
          walkOperation(document, operation, (field, depth) => {
            if (depth === 1 && field.name.value !== '__typename') called.push(field.name.value);
            return true;
          });
          const viewer = ctx.viewer;
          for (const name of called) {
            const openToPublic = mutationFields[name]?.extensions?.access === 'PUBLIC';
            if (viewer.kind === 'authenticated') await perToken.consume(ctx.dataSource, viewer.apiKeyId ? `key:${viewer.apiKeyId}` : `user:${viewer.userId}`);
            if (viewer.kind === 'anonymous' || openToPublic) await perAddress.consume(ctx.dataSource, ctx.clientAddress);
          }
        },
      };
    },
  };
}

/**
 * Authentication with a brake on guessing. Failed attempts are counted per client address and, for API keys, per
 * key prefix. Once either counter is used up, every attempt from that address (or for that key) is refused with
 * RATE_LIMITED until the window ends, valid or not, so the answer cannot tell a right guess from a wrong one.
 * Requests without credentials are the public and are never refused here.
 */
export class AuthenticationGuard {
  private readonly perAddress;
  private readonly perApiKey;

  constructor(limits: RateLimits, private readonly authenticator: Authenticator, private readonly dataSource: DataSource) {
    this.perAddress = createRateLimiter('failed-authentications-per-address', limits.failedAuthenticationsPerAddress, limits.failedAuthenticationWindowSeconds);
    this.perApiKey = createRateLimiter('failed-authentications-per-api-key', limits.failedAuthenticationsPerAddress, limits.failedAuthenticationWindowSeconds);
  }

  async authenticate(authorization: string | undefined, clientAddress: string): Promise<Viewer> {
    if (!authorization) return this.authenticator.authenticate(authorization);
    const apiKey = apiKeyPrefixOf(authorization);
    // A token's user lookup reads the address's counter in the same statement (one statement per request, portals
    // poll); an API key checks it first, as does a token refused before its lookup ran (below).
    const counter: CounterCheck | undefined = apiKey ? undefined : { read: this.perAddress.counterRead(clientAddress), checked: false };
    if (!counter) await this.perAddress.assertAvailable(this.dataSource, clientAddress);
    if (apiKey) await this.perApiKey.assertAvailable(this.dataSource, apiKey);
    try {
      return await this.authenticator.authenticate(authorization, new Date(), counter);
    } catch (error) {
      if (error instanceof UnauthenticatedError) {
        if (counter && !counter.checked) await this.perAddress.assertAvailable(this.dataSource, clientAddress);
        await this.perAddress.consume(this.dataSource, clientAddress);
        if (apiKey) await this.perApiKey.consume(this.dataSource, apiKey);
      }
      throw error;
    }
  }
}

function apiKeyPrefixOf(authorization: string): string | null {
  const credential = /^Bearer\s+(\S+)$/i.exec(authorization.trim())?.[1];
  if (!credential?.startsWith(API_KEY_PREFIX)) return null;
  const prefix = credential.slice(API_KEY_PREFIX.length).split('.')[0];
  return prefix ? prefix.slice(0, 32) : null;
}
