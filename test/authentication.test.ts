import { SignJWT } from 'jose';
import { RateLimiterMySQL, RateLimiterSQLite } from 'rate-limiter-flexible';
import { createRateLimiter } from '../src/http/rate-limit';
import { User } from '../src/organizations/user.entity';
import { signToken } from '../src/context/authentication';
import { createHarness, errorCode, Harness } from './support/harness';

describe('authentication and administration over HTTP', () => {
  let h: Harness;
  let url: string;
  beforeAll(async () => {
    h = await createHarness();
    url = await h.listen();
  });
  afterAll(async () => h?.close());

  async function post(query: string, authorization?: string, variables?: Record<string, unknown>) {
    const response = await fetch(`${url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(authorization ? { authorization } : {}) },
      body: JSON.stringify({ query, variables }),
    });
    return { status: response.status, headers: response.headers, body: (await response.json()) as { data?: Record<string, unknown>; errors?: { extensions?: { code?: string } }[] } };
  }

  it('answers health and readiness', async () => {
    expect(await (await fetch(`${url}/healthz`)).json()).toEqual({ status: 'ok' });
    expect(await (await fetch(`${url}/readyz`)).json()).toEqual({ status: 'ready' });
  });

  it('serves the anonymous public without a token, privately and uncached', async () => {
    const response = await post('{ viewer { persona } advisories { totalCount } }');
    expect(response.status).toBe(200);
    expect(response.body.data).toEqual({ viewer: { persona: 'PUBLIC' }, advisories: { totalCount: 2 } });
    expect(response.headers.get('cache-control')).toBe('private, no-store');
  });

  it('identifies a user by bearer token and returns its packed rules', async () => {
    const response = await post('{ viewer { persona role user { email } organization { kind } rules } }', `Bearer ${h.tokens.vendorAcmeStaff}`);
    const viewer = response.body.data?.viewer as { persona: string; role: string; user: { email: string }; organization: { kind: string }; rules: unknown[] };
    expect(viewer).toMatchObject({ persona: 'VENDOR', role: 'MEMBER', user: { email: 'vendor-acme-staff@renraku.example' }, organization: { kind: 'VENDOR' } });
    expect(Array.isArray(viewer.rules)).toBe(true);
    expect(JSON.stringify(viewer.rules)).toContain('CaseVendor');
  });

  it.each([
    ['a malformed header', 'Token abc'],
    ['garbage', 'Bearer not-a-jwt'],
    ['a foreign signature', 'FOREIGN'],
    ['an expired token', 'EXPIRED'],
    ['a token for an unknown user', 'UNKNOWN'],
    ['a token for a deactivated user', 'INACTIVE'],
    ['an unknown API key', 'Bearer rk_0000.secret'],
  ])('refuses %s with UNAUTHENTICATED, never a public view', async (_label, header) => {
    let authorization = header;
    const sign = (secret: string, subject: string, expiresIn = '1h') =>
      new SignJWT({}).setProtectedHeader({ alg: 'HS256' }).setSubject(subject).setIssuer(h.config.jwtIssuer).setAudience(h.config.jwtAudience).setIssuedAt().setExpirationTime(expiresIn).sign(new TextEncoder().encode(secret));
    if (header === 'FOREIGN') authorization = `Bearer ${await sign('another-secret-that-is-long-enough-to-use', h.world.users.coordinatorAdmin)}`;
    if (header === 'EXPIRED') authorization = `Bearer ${await sign(h.config.jwtSecret!, h.world.users.coordinatorAdmin, '-1h')}`;
    if (header === 'UNKNOWN') authorization = `Bearer ${await signToken(h.config, '00000000-0000-4000-8000-000000000000')}`;
    if (header === 'INACTIVE') {
      await h.db.dataSource.getRepository(User).update({ id: h.world.users.committeeMember2 }, { active: false });
      authorization = `Bearer ${h.tokens.committeeMember2}`;
    }
    const response = await post('{ viewer { persona } advisories { totalCount } }', authorization);
    expect(response.status).toBe(401);
    expect(response.body.data ?? null).toBeNull();
    expect(response.body.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
  });

  it('reads the failed-authentication counter in the user lookup of a token, and on its own otherwise', async () => {
    // rate-limiter-flexible's own read: its MySQL and SQLite stores both read through their common base's get().
    const storeBase = Object.getPrototypeOf(RateLimiterMySQL.prototype) as { get: () => Promise<unknown> };
    expect(Object.getPrototypeOf(RateLimiterSQLite.prototype)).toBe(storeBase);
    const ownReads = jest.spyOn(storeBase, 'get');
    const lookups = jest.spyOn(h.db.dataSource, 'query');
    try {
      expect((await post('{ viewer { persona } }', `Bearer ${h.tokens.vendorAcmeStaff}`)).status).toBe(200);
      expect(ownReads).not.toHaveBeenCalled();
      expect(lookups.mock.calls.filter(([sql]) => String(sql).includes('rate_limit'))).toHaveLength(1);
      // Refused before any lookup (a bad signature): the counter is read by itself, then counted.
      expect((await post('{ viewer { persona } }', 'Bearer not-a-token')).status).toBe(401);
      expect(ownReads).toHaveBeenCalledTimes(1);
    } finally {
      ownReads.mockRestore();
      lookups.mockRestore();
    }
  });

  it('judges a counter read elsewhere as the limiter judges its own', () => {
    const limiter = createRateLimiter('spec-counter', 3, 60);
    const read = limiter.counterRead('192.0.2.1');
    const now = Date.parse('2026-11-27T00:00:00Z');
    expect(read.storedKey).toBe('spec-counter:192.0.2.1');
    expect(() => read.assertAvailable(null, now)).not.toThrow();
    expect(() => read.assertAvailable({ points: 2, expire: now + 1_000 }, now)).not.toThrow();
    expect(() => read.assertAvailable({ points: '3', expire: String(now + 1_000) }, now)).toThrow('Too many requests');
    expect(() => read.assertAvailable({ points: 3, expire: now }, now)).not.toThrow(); // the window has ended
    expect(() => read.assertAvailable({ points: 5, expire: null }, now)).toThrow('Too many requests');
  });

  it('takes a token it verified before as valid only until it expires, and still refuses a user deactivated since', async () => {
    const expiresAt = Math.floor(Date.now() / 1000) + 2;
    const token = await new SignJWT({}).setProtectedHeader({ alg: 'HS256' }).setSubject(h.world.users.receiver).setIssuer(h.config.jwtIssuer)
      .setAudience(h.config.jwtAudience).setIssuedAt().setExpirationTime(expiresAt).sign(new TextEncoder().encode(h.config.jwtSecret!));
    const query = '{ viewer { persona } }';
    expect((await post(query, `Bearer ${token}`)).status).toBe(200);
    expect((await post(query, `Bearer ${token}`)).status).toBe(200);
    await new Promise((resolve) => setTimeout(resolve, expiresAt * 1000 - Date.now() + 50));
    const expired = await post(query, `Bearer ${token}`);
    expect(expired.status).toBe(401);
    expect(expired.body.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');

    const fresh = await signToken(h.config, h.world.users.finderAnonymous);
    expect((await post(query, `Bearer ${fresh}`)).status).toBe(200);
    await h.db.dataSource.getRepository(User).update({ id: h.world.users.finderAnonymous }, { active: false });
    try {
      expect((await post(query, `Bearer ${fresh}`)).status).toBe(401);
    } finally {
      await h.db.dataSource.getRepository(User).update({ id: h.world.users.finderAnonymous }, { active: true });
    }
  });

  describe('organization API keys', () => {
    const create = 'mutation($input: CreateApiKeyInput!) { createApiKey(input: $input) { secret apiKey { id name prefix role lastUsedAt revokedAt } } }';

    it('are created by an organization admin, shown once, scoped to the organization, and revocable', async () => {
      const created = await h.ok<{ createApiKey: { secret: string; apiKey: { id: string; prefix: string; lastUsedAt: string | null } } }>('vendorAcmeAdmin', create, { input: { name: 'Portal sync' } });
      const { secret, apiKey } = created.createApiKey;
      expect(secret.startsWith(`rk_${apiKey.prefix}.`)).toBe(true);
      expect(apiKey.lastUsedAt).toBeNull();

      const asKey = await post('{ viewer { persona user { id } } cases { totalCount } }', `Bearer ${secret}`);
      expect(asKey.status).toBe(200);
      expect(asKey.body.data).toEqual({ viewer: { persona: 'VENDOR', user: null }, cases: { totalCount: 3 } });

      const listed = await h.ok<{ apiKeys: { id: string; lastUsedAt: string | null }[] }>('vendorAcmeAdmin', '{ apiKeys { id lastUsedAt } }');
      expect(listed.apiKeys.find((key) => key.id === apiKey.id)?.lastUsedAt).not.toBeNull();
      expect((await h.ok<{ apiKeys: unknown[] }>('vendorGlobex', '{ apiKeys { id } }')).apiKeys).toEqual([]);
      expect(errorCode(await h.graphql('vendorGlobex', 'mutation($id: ID!) { revokeApiKey(id: $id) { id } }', { id: apiKey.id }))).toBe('NOT_FOUND');

      await h.ok('vendorAcmeAdmin', 'mutation($id: ID!) { revokeApiKey(id: $id) { revokedAt } }', { id: apiKey.id });
      const revoked = await post('{ cases { totalCount } }', `Bearer ${secret}`);
      expect(revoked.status).toBe(401);
      expect(revoked.body.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
    });

    it('cannot be made by a member, nor for another organization', async () => {
      expect(errorCode(await h.graphql('vendorAcmeStaff', create, { input: { name: 'x' } }))).toBe('FORBIDDEN');
      expect(errorCode(await h.graphql('vendorAcmeAdmin', create, { input: { name: 'x', organizationId: h.world.organizations.globex } }))).toBe('FORBIDDEN');
    });
  });

  describe('user administration', () => {
    const createUser = 'mutation($input: CreateUserInput!) { createUser(input: $input) { id email role organization { id } } }';

    it('lets an organization admin add colleagues up to its own role, and nowhere else', async () => {
      const added = await h.ok<{ createUser: { role: string; organization: { id: string } } }>('vendorAcmeAdmin', createUser, { input: { email: 'new-engineer@acme.example', displayName: 'New Engineer' } });
      expect(added.createUser).toMatchObject({ role: 'MEMBER', organization: { id: h.world.organizations.acme } });
      expect(errorCode(await h.graphql('vendorAcmeAdmin', createUser, { input: { email: 'x@globex.example', displayName: 'X', organizationId: h.world.organizations.globex } }))).toBe('FORBIDDEN');
      expect(errorCode(await h.graphql('vendorAcmeStaff', createUser, { input: { email: 'y@acme.example', displayName: 'Y' } }))).toBe('FORBIDDEN');
      expect(errorCode(await h.graphql('vendorAcmeStaff', 'mutation($input: UpdateUserInput!) { updateUser(input: $input) { role } }', { input: { userId: h.world.users.vendorAcmeStaff, role: 'ADMIN' } }))).toBe('FORBIDDEN');
    });

    it('lets a coordinator admin create organizations and users anywhere, but not coordinator staff', async () => {
      const organization = await h.ok<{ createOrganization: { id: string } }>('coordinatorAdmin', 'mutation { createOrganization(input: { name: "Second Operator", kind: OPERATOR }) { id } }');
      const user = await h.ok<{ createUser: { organization: { id: string } } }>('coordinatorAdmin', createUser, {
        input: { email: 'ops@second.example', displayName: 'Ops', organizationId: organization.createOrganization.id, role: 'ADMIN' },
      });
      expect(user.createUser.organization.id).toBe(organization.createOrganization.id);
      expect(errorCode(await h.graphql('coordinatorStaff', 'mutation { createOrganization(input: { name: "Nope", kind: OPERATOR }) { id } }'))).toBe('FORBIDDEN');
      expect(errorCode(await h.graphql('coordinatorAdmin', createUser, { input: { email: 'ops@second.example', displayName: 'Again' } }))).toBe('CONFLICT');
    });

    it('shows users only their colleagues', async () => {
      const colleagues = await h.ok<{ users: { email: string }[] }>('vendorGlobex', '{ users { email } }');
      expect(colleagues.users.map((user) => user.email)).toEqual(['vendor-globex@renraku.example']);
    });
  });
});
