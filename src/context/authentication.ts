import { createHash, timingSafeEqual } from 'node:crypto';
import { createRemoteJWKSet, JWTPayload, jwtVerify, SignJWT } from 'jose';
import { DataSource, ObjectLiteral, SelectQueryBuilder } from 'typeorm';
import { AppConfig } from '../config/config';
import { CounterRead, RATE_LIMIT_TABLE } from '../http/rate-limit';
import { UnauthenticatedError } from '../errors/errors';
import { ApiKey } from '../organizations/api-key.entity';
import { Organization, OrganizationKind } from '../organizations/organization.entity';
import { User, UserRole } from '../organizations/user.entity';
import { Vendor } from '../vendors/vendor.entity';
import { ANONYMOUS, AuthenticatedViewer, Viewer } from './viewer';

export const API_KEY_PREFIX = 'rk_';
const API_KEY_LAST_USED_PRECISION_MS = 60_000;
/** Verified tokens remembered per process, and for how long at most (a removed signing key stops working within it). */
const VERIFIED_TOKEN_CACHE_SIZE = 10_000;
const VERIFIED_TOKEN_CACHE_MS = 5 * 60_000;

interface VerifiedToken {
  subject: string;
  /** Epoch ms until which the token may be taken as verified: its expiry, capped by VERIFIED_TOKEN_CACHE_MS. */
  validUntil: number;
  /** Epoch ms before which the token is not valid yet (its `nbf`), or 0. */
  validFrom: number;
}

export function hashSecret(secret: string): string {
  return createHash('sha256').update(secret).digest('hex');
}

export class Authenticator {
  private readonly verificationKey: Uint8Array | ReturnType<typeof createRemoteJWKSet>;
  /**
   * Signature checks cost more than the rest of authentication (WebCrypto, one promise chain per token). The exact
   * token string that verified is remembered until it expires, so a portal polling with one token verifies it once.
   * The user is still looked up on every request, so a deactivated user is refused at once.
   */
  private readonly verifiedTokens = new Map<string, VerifiedToken>();

  /**
   * The user and tenant lookup every token request runs, written once by withTenant and then sent as plain SQL: the
   * query builder's assembly cost more than the lookup itself.
   */
  private readonly userLookup: string;
  /** userLookup and one rate-limit counter in the same statement: a row even when the user is unknown. */
  private readonly userLookupWithCounter: string;

  constructor(private readonly config: AppConfig, private readonly dataSource: DataSource) {
    const user = dataSource.getRepository(User).createQueryBuilder('user').select(['user.id', 'user.displayName', 'user.organizationId', 'user.role', 'user.active']);
    [this.userLookup] = withTenant(user, 'user.organizationId').where('user.id = :userId', { userId: '' }).getQueryAndParameters();
    const escape = (name: string) => dataSource.driver.escape(name);
    this.userLookupWithCounter =
      `SELECT ${escape('looked')}.*, ${escape('counter')}.${escape('points')} AS ${escape('counter_points')}, ${escape('counter')}.${escape('expire')} AS ${escape('counter_expire')} ` +
      `FROM (SELECT 1 AS ${escape('one')}) ${escape('anchor')} LEFT JOIN (${this.userLookup}) ${escape('looked')} ON 1 = 1 ` +
      `LEFT JOIN ${escape(RATE_LIMIT_TABLE)} ${escape('counter')} ON ${escape('counter')}.${escape('key')} = ?`;
    if (config.jwksUrl) this.verificationKey = createRemoteJWKSet(new URL(config.jwksUrl));
    else if (config.jwtSecret) this.verificationKey = new TextEncoder().encode(config.jwtSecret);
    else throw new Error('No token verification key configured');
  }

  /**
   * Authentication runs on the real clock, not the request's domain clock (which tests may move).
   * The viewer for an Authorization header. No header is the anonymous public; a header that is present but
   * bad, expired, revoked or for an unknown or inactive user is UNAUTHENTICATED, never a public view.
   */
  async authenticate(authorization: string | undefined, now: Date = new Date(), counter?: CounterCheck): Promise<Viewer> {
    if (!authorization) return ANONYMOUS;
    const match = /^Bearer\s+(\S+)$/i.exec(authorization.trim());
    if (!match) throw new UnauthenticatedError('The Authorization header must be "Bearer <token>"');
    const credential = match[1];
    return credential.startsWith(API_KEY_PREFIX) ? this.authenticateApiKey(credential, now) : this.authenticateToken(credential, counter);
  }

  private async verifiedSubject(token: string): Promise<string> {
    const now = Date.now();
    const cached = this.verifiedTokens.get(token);
    if (cached && now < cached.validUntil && now >= cached.validFrom) return cached.subject;
    if (cached) this.verifiedTokens.delete(token);
    let payload: JWTPayload;
    try {
      const verified = await jwtVerify(token, this.verificationKey as Uint8Array, {
        issuer: this.config.jwtIssuer,
        audience: this.config.jwtAudience,
        algorithms: this.config.jwksUrl ? undefined : ['HS256'],
      });
      payload = verified.payload;
    } catch {
      throw new UnauthenticatedError('The token is invalid or expired');
    }
    if (!payload.sub) throw new UnauthenticatedError('The token names no subject');
    // A token without `exp` is taken as verified for the cache period only.
    const expires = payload.exp === undefined ? Infinity : payload.exp * 1000;
    if (this.verifiedTokens.size >= VERIFIED_TOKEN_CACHE_SIZE) this.verifiedTokens.delete(this.verifiedTokens.keys().next().value!);
    this.verifiedTokens.set(token, { subject: payload.sub, validUntil: Math.min(expires, now + VERIFIED_TOKEN_CACHE_MS), validFrom: (payload.nbf ?? 0) * 1000 });
    return payload.sub;
  }

  private async authenticateToken(token: string, counter?: CounterCheck): Promise<Viewer> {
    const subject = await this.verifiedSubject(token);
    const [found] = (await (counter
      ? this.dataSource.query(this.userLookupWithCounter, [subject, counter.read.storedKey])
      : this.dataSource.query(this.userLookup, [subject]))) as (TenantColumns & {
      user_id: string | null;
      user_displayName: string;
      user_organizationId: string | null;
      user_role: UserRole;
      user_active: unknown;
      counter_points?: unknown;
      counter_expire?: unknown;
    })[];
    if (counter) {
      counter.checked = true;
      // Before the user is looked at: a used-up counter refuses a valid token and a wrong one alike.
      counter.read.assertAvailable(found.counter_points === null || found.counter_points === undefined ? null : { points: found.counter_points, expire: found.counter_expire });
    }
    const user = found?.user_id ? found : undefined;
    if (!user || !Number(user.user_active)) throw new UnauthenticatedError('The token is invalid or expired');
    return viewerFor({ userId: user.user_id!, displayName: user.user_displayName, organizationId: user.user_organizationId, role: user.user_role, apiKeyId: null }, user);
  }

  private async authenticateApiKey(credential: string, now: Date): Promise<Viewer> {
    const [prefix] = credential.slice(API_KEY_PREFIX.length).split('.');
    const found = prefix
      ? await withTenant(this.dataSource.getRepository(ApiKey).createQueryBuilder('key'), 'key.organizationId')
          .where('key.prefix = :prefix AND key.revokedAt IS NULL', { prefix })
          .getRawAndEntities()
      : null;
    const key = found?.entities[0];
    const presented = Buffer.from(hashSecret(credential), 'hex');
    const stored = Buffer.from(key?.secretHash ?? '0'.repeat(64), 'hex');
    if (!key || !timingSafeEqual(presented, stored)) throw new UnauthenticatedError('The API key is invalid or revoked');
    if (!key.lastUsedAt || now.getTime() - key.lastUsedAt.getTime() > API_KEY_LAST_USED_PRECISION_MS) {
      await this.dataSource.getRepository(ApiKey).update({ id: key.id }, { lastUsedAt: now });
    }
    return viewerFor({ userId: null, displayName: `API key ${key.name}`, organizationId: key.organizationId, role: key.role, apiKeyId: key.id }, found!.raw[0]);
  }
}

/**
 * A rate-limit counter for the token path to read in its user lookup, so that an authenticated request costs one
 * statement: `checked` tells the caller whether that statement ran (a token refused before it was not checked).
 */
export interface CounterCheck {
  read: CounterRead;
  checked: boolean;
}

interface TenantColumns {
  tenantKind: OrganizationKind | null;
  tenantVendorId: string | null;
}

/** Joins the caller's organization kind and vendor profile, so authenticating costs one statement on every request. */
function withTenant<T extends ObjectLiteral>(query: SelectQueryBuilder<T>, organizationIdColumn: string): SelectQueryBuilder<T> {
  return query
    .leftJoin(Organization, 'tenant', `tenant.id = ${organizationIdColumn}`)
    .leftJoin(Vendor, 'tenantVendor', 'tenantVendor.organizationId = tenant.id')
    .addSelect('tenant.kind', 'tenantKind')
    .addSelect('tenantVendor.id', 'tenantVendorId');
}

function viewerFor(identity: Pick<AuthenticatedViewer, 'userId' | 'displayName' | 'organizationId' | 'role' | 'apiKeyId'>, tenant: TenantColumns): AuthenticatedViewer {
  return {
    kind: 'authenticated',
    ...identity,
    organizationKind: tenant.tenantKind ?? null,
    vendorId: tenant.tenantVendorId ?? null,
  };
}

/** Signs a development token for a user (used by `npm run token` and the tests). */
export async function signToken(config: AppConfig, userId: string, options: { expiresIn?: string; now?: Date } = {}): Promise<string> {
  if (!config.jwtSecret) throw new Error('Signing tokens needs AUTH_JWT_SECRET');
  const issuedAt = Math.floor((options.now ?? new Date()).getTime() / 1000);
  return new SignJWT({})
    .setProtectedHeader({ alg: 'HS256' })
    .setSubject(userId)
    .setIssuer(config.jwtIssuer)
    .setAudience(config.jwtAudience)
    .setIssuedAt(issuedAt)
    .setExpirationTime(options.expiresIn ?? '12h')
    .sign(new TextEncoder().encode(config.jwtSecret));
}
