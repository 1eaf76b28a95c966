import { AddressInfo } from 'node:net';
import pino from 'pino';
import { openDatabase } from '../../src/app';
import { testConfig } from '../../src/config/config';
import { createServer } from '../../src/http/server';
import { getSchema } from '../../src/schema';
import { createHarness, Harness, Persona } from '../support/harness';
import { selectionFor } from './model';

/** Building a server on a fresh database with the demo world takes seconds on a busy MariaDB. */
const HOOK_TIMEOUT = 120_000;

interface Answer {
  status: number;
  headers: Headers;
  text: string;
  body: { data?: Record<string, unknown> | null; errors?: { message: string; extensions?: Record<string, unknown> }[] };
}

async function postTo(url: string, payload: unknown, headers: Record<string, string> = {}): Promise<Answer> {
  const response = await fetch(`${url}/graphql`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(payload) });
  const text = await response.text();
  return { status: response.status, headers: response.headers, text, body: JSON.parse(text) as Answer['body'] };
}

const codeOf = (answer: Answer) => answer.body.errors?.[0]?.extensions?.code;

/** case → caseVendors → case → caseVendors … with the innermost field at `depth` (the root field is depth 1). */
function deepCaseQuery(depth: number): string {
  let selection = 'id';
  for (let level = depth - 1; level >= 2; level--) selection = `${level % 2 === 0 ? 'caseVendors' : 'case'} { id ${selection} }`;
  return `query($id: ID!) { case(id: $id) { ${selection} } }`;
}

describe('side channels: cost limits, introspection, suggestions, errors and caching', () => {
  let h: Harness;
  let url: string;
  beforeAll(async () => {
    h = await createHarness();
    url = await h.listen();
  }, HOOK_TIMEOUT);
  afterAll(async () => h?.close(), HOOK_TIMEOUT);

  const post = (payload: unknown, persona: Persona = 'anonymous') => postTo(url, payload, persona === 'anonymous' ? {} : { authorization: `Bearer ${h.tokens[persona]}` });

  describe('cost limits', () => {
    it('refuses an operation deeper than the limit with QUERY_TOO_COMPLEX before any resolver runs', async () => {
      const query = deepCaseQuery(h.config.queryLimits.maxDepth + 1);
      const answer = await post({ query, variables: { id: h.world.cases.coordinating } }, 'coordinatorStaff');
      expect(answer.status).toBe(400);
      expect(answer.body.data).toBeUndefined();
      expect(answer.body.errors?.[0]?.extensions).toMatchObject({ code: 'QUERY_TOO_COMPLEX', measure: 'depth', limit: h.config.queryLimits.maxDepth });
    });

    it('answers an operation within the depth limit', async () => {
      const answer = await post({ query: deepCaseQuery(h.config.queryLimits.maxDepth), variables: { id: h.world.cases.coordinating } }, 'coordinatorStaff');
      expect(answer.status).toBe(200);
      expect(answer.body.errors).toBeUndefined();
    });

    it('counts depth through fragments exactly as if they were written out', async () => {
      const fragments = Array.from({ length: 7 }, (_, level) => `fragment F${level} on CaseVendor { case { caseVendors { ...F${level + 1} } } }`).join(' ');
      const query = `query($id: ID!) { case(id: $id) { caseVendors { ...F0 } } } ${fragments} fragment F7 on CaseVendor { id }`;
      const answer = await post({ query, variables: { id: h.world.cases.coordinating } }, 'coordinatorStaff');
      expect(answer.body.errors?.[0]?.extensions).toMatchObject({ code: 'QUERY_TOO_COMPLEX', measure: 'depth' });
    });

    it('refuses more aliases than allowed, also when a fragment repeats them', async () => {
      const many = Array.from({ length: h.config.queryLimits.maxAliases + 1 }, (_, index) => `a${index}: advisories(first: 1) { totalCount }`).join(' ');
      const direct = await post({ query: `{ ${many} }` });
      expect(direct.status).toBe(400);
      expect(direct.body.errors?.[0]?.extensions).toMatchObject({ code: 'QUERY_TOO_COMPLEX', measure: 'aliases' });

      const tenAliases = Array.from({ length: 10 }, (_, index) => `p${index}: persona`).join(' ');
      const repeated = await post({ query: `{ a: viewer { ...V } b: viewer { ...V } c: viewer { ...V } } fragment V on ViewerInfo { ${tenAliases} }` });
      expect(repeated.body.errors?.[0]?.extensions).toMatchObject({ code: 'QUERY_TOO_COMPLEX', measure: 'aliases' });
    });

    it('refuses a query whose estimated cost exceeds the budget: page sizes multiply what is below them', async () => {
      // Every field of a case and of everything three relations away, as a dashboard might ask.
      const node = selectionFor(await getSchema(), 'Case', 3);
      const expensive = await post({ query: `{ cases(first: 100) { edges { node { ${node} } } } }` }, 'coordinatorStaff');
      expect(expensive.status).toBe(400);
      expect(expensive.body.errors?.[0]?.extensions).toMatchObject({ code: 'QUERY_TOO_COMPLEX', measure: 'complexity', limit: h.config.queryLimits.maxComplexity });
      expect((expensive.body.errors?.[0]?.extensions?.actual as number) > h.config.queryLimits.maxComplexity).toBe(true);

      const affordable = await post({ query: `{ cases(first: 10) { edges { node { ${node} } } } }` }, 'coordinatorStaff');
      expect(affordable.status).toBe(200);
      expect(affordable.body.errors).toBeUndefined();
    });

    it('judges the same document again for each page size, also when it has judged it before', async () => {
      const node = selectionFor(await getSchema(), 'Case', 3);
      const query = `query($first: Int!) { cases(first: $first) { edges { node { ${node} } } } }`;
      for (let round = 0; round < 2; round++) {
        const expensive = await post({ query, variables: { first: 100 } }, 'coordinatorStaff');
        expect(expensive.status).toBe(400);
        expect(expensive.body.errors?.[0]?.extensions).toMatchObject({ code: 'QUERY_TOO_COMPLEX', measure: 'complexity' });
        const affordable = await post({ query, variables: { first: 10 } }, 'coordinatorStaff');
        expect(affordable.status).toBe(200);
        expect(affordable.body.errors).toBeUndefined();
      }
    });

    it('refuses a document with more tokens than allowed before validating it', async () => {
      const fields = Array.from({ length: h.config.queryLimits.maxTokens }, () => '__typename').join(' ');
      const answer = await post({ query: `{ ${fields} }` });
      expect(answer.status).toBe(400);
      expect(codeOf(answer)).toBe('GRAPHQL_PARSE_FAILED');
      expect(answer.body.data).toBeUndefined();
    });

    it('does not run batched operations', async () => {
      const answer = await postTo(url, [{ query: '{ viewer { persona } }' }, { query: '{ advisories { totalCount } }' }]);
      expect(answer.status).toBe(400);
      expect(answer.text).not.toContain('PUBLIC');
    });
  });

  describe('introspection', () => {
    const schemaQuery = '{ __schema { queryType { name } types { name } } }';

    it.each<Persona>(['anonymous', 'vendorAcmeAdmin', 'finder', 'receiver', 'operator', 'committeeChair'])('is refused to %s by default', async (persona) => {
      for (const query of [schemaQuery, '{ __type(name: "Case") { fields { name } } }', 'query { ...Q } fragment Q on Query { __schema { types { name } } }']) {
        const answer = await post({ query }, persona);
        expect(answer.status).toBe(403);
        expect(codeOf(answer)).toBe('FORBIDDEN');
        expect(answer.text).not.toContain('CaseVendor');
      }
    });

    it('is open to coordinator staff', async () => {
      const answer = await post({ query: schemaQuery }, 'coordinatorStaff');
      expect(answer.status).toBe(200);
      expect(answer.text).toContain('"CaseVendor"');
    });

    it('leaves __typename to everyone', async () => {
      const answer = await post({ query: '{ __typename viewer { __typename persona } }' });
      expect(answer.body).toEqual({ data: { __typename: 'Query', viewer: { __typename: 'ViewerInfo', persona: 'PUBLIC' } } });
    });

    it('is open to the public when PUBLIC_INTROSPECTION is set', async () => {
      const open = await createHarness({ config: { publicIntrospection: true } });
      try {
        const answer = await postTo(await open.listen(), { query: schemaQuery });
        expect(answer.status).toBe(200);
        expect(answer.text).toContain('"CaseVendor"');
      } finally {
        await open.close();
      }
    });
  });

  describe('no "Did you mean" hints, for anyone', () => {
    it.each<Persona>(['anonymous', 'vendorAcmeAdmin', 'coordinatorStaff'])('hides field, argument and type suggestions from %s', async (persona) => {
      const answers = [
        await post({ query: '{ advisories { edges { node { titel } } } }' }, persona),
        await post({ query: '{ advisory(idd: "x") { id } }' }, persona),
        await post({ query: '{ advisories(filter: { status: PUBLISH }) { totalCount } }' }, persona),
        await post({ query: 'query($f: AdvisoryFiltr) { advisories(filter: $f) { totalCount } }' }, persona),
      ];
      for (const answer of answers) {
        expect(answer.status).toBe(400);
        expect(answer.text).not.toMatch(/did you mean/i);
        expect(answer.text).not.toContain('internalNotes');
      }
    });

    it('hides enum suggestions in variable values too (Apollo strips them from validation errors only)', async () => {
      const answer = await post({ query: 'query($f: AdvisoryFilter) { advisories(filter: $f) { totalCount } }', variables: { f: { status: 'PUBLISH' } } });
      expect(answer.status).toBe(400);
      expect(codeOf(answer)).toBe('BAD_USER_INPUT');
      expect(answer.text).not.toMatch(/did you mean/i);
      expect(answer.text).not.toContain('"PUBLISHED"');
    });
  });

  describe('caching', () => {
    it.each([
      ['a successful query', { query: '{ viewer { persona } }' }, {}],
      ['a validation error', { query: '{ nope }' }, {}],
      ['a NOT_FOUND', { query: '{ advisory(id: "00000000-0000-4000-8000-000000000000") { id } }' }, {}],
      ['a failed authentication', { query: '{ viewer { persona } }' }, { authorization: 'Bearer not-a-token' }],
    ])('marks %s private and not storable', async (_label, payload, headers) => {
      const answer = await postTo(url, payload, headers as Record<string, string>);
      expect(answer.headers.get('cache-control')).toBe('private, no-store');
      expect(answer.headers.get('x-content-type-options')).toBe('nosniff');
    });

    it('marks authenticated answers and other routes private and not storable', async () => {
      const answer = await post({ query: '{ cases { totalCount } }' }, 'vendorAcmeAdmin');
      expect(answer.headers.get('cache-control')).toBe('private, no-store');
      const health = await fetch(`${url}/healthz`);
      expect(health.headers.get('cache-control')).toBe('private, no-store');
      const missing = await fetch(`${url}/no-such-route`);
      expect(missing.headers.get('cache-control')).toBe('private, no-store');
    });
  });
});

describe('errors outside development show no SQL, values or stack', () => {
  let h: Harness;
  let url: string;
  beforeAll(async () => {
    h = await createHarness();
    url = await h.listen();
    // Force an internal error on a real path: a table the resolvers read is gone.
    await h.db.dataSource.query('DROP TABLE vendor_contact_point');
  }, HOOK_TIMEOUT);
  afterAll(async () => h?.close(), HOOK_TIMEOUT);

  it('masks a database failure as INTERNAL_SERVER_ERROR with a fixed message', async () => {
    const answer = await postTo(url, { query: `{ vendor(id: "${h.world.vendors.acme}") { name contactPoints { value note } } }` }, { authorization: `Bearer ${h.tokens.coordinatorStaff}` });
    const error = answer.body.errors?.[0];
    expect(error?.message).toBe('Internal server error');
    expect(error?.extensions).toEqual({ code: 'INTERNAL_SERVER_ERROR' });
    expect(answer.text).not.toMatch(/select|from|vendor_contact_point|sqlite|mysql|no such table|doesn't exist|stack|at \w+ \(/i);
    expect(answer.text).not.toContain(h.world.vendors.acme);
    expect(answer.body.data).toBeNull();
  });

  it('adds the detail in development only', async () => {
    const development = await createServer({
      config: testConfig({ environment: 'development', database: h.db.config }), dataSource: h.db.dataSource, logger: pino({ level: 'silent' }),
    });
    try {
      await new Promise<void>((resolve) => development.httpServer.listen(0, '127.0.0.1', resolve));
      const developmentUrl = `http://127.0.0.1:${(development.httpServer.address() as AddressInfo).port}`;
      const answer = await postTo(developmentUrl, { query: `{ vendor(id: "${h.world.vendors.acme}") { contactPoints { value } } }` }, { authorization: `Bearer ${h.tokens.coordinatorStaff}` });
      expect(answer.body.errors?.[0]?.extensions?.code).toBe('INTERNAL_SERVER_ERROR');
      expect(String(answer.body.errors?.[0]?.extensions?.detail)).toMatch(/vendor_contact_point/);
    } finally {
      await development.stop();
    }
  });
});

describe('rate limits kept in the database, shared by every server instance', () => {
  let h: Harness;
  let url: string;
  let secondUrl: string;
  let stopSecond: () => Promise<void>;
  const limits = { mutationsPerTokenPerMinute: 3, publicMutationsPerAddressPerMinute: 2, failedAuthenticationsPerAddress: 3, failedAuthenticationWindowSeconds: 60 };

  beforeAll(async () => {
    h = await createHarness({ config: { rateLimits: limits } });
    url = await h.listen();
    // A second instance with its own connection pool on the same database, as behind a load balancer.
    const otherDataSource = await openDatabase(testConfig({ database: h.db.config }));
    const second = await createServer({ config: h.config, dataSource: otherDataSource, logger: pino({ level: 'silent' }) });
    await new Promise<void>((resolve) => second.httpServer.listen(0, '127.0.0.1', resolve));
    secondUrl = `http://127.0.0.1:${(second.httpServer.address() as AddressInfo).port}`;
    stopSecond = async () => {
      await second.stop();
      await otherDataSource.destroy();
    };
  }, HOOK_TIMEOUT);
  afterAll(async () => {
    await stopSecond?.();
    await h?.close();
  }, HOOK_TIMEOUT);

  const from = (address: string, authorization?: string) => ({ 'x-forwarded-for': address, ...(authorization ? { authorization } : {}) });
  const viewerQuery = { query: '{ viewer { persona } }' };

  it('refuses every attempt from an address after too many failed authentications, on every instance, valid or not', async () => {
    const address = '203.0.113.10';
    for (let attempt = 0; attempt < limits.failedAuthenticationsPerAddress; attempt++) {
      const answer = await postTo(attempt % 2 ? secondUrl : url, viewerQuery, from(address, 'Bearer wrong'));
      expect(answer.status).toBe(401);
      expect(codeOf(answer)).toBe('UNAUTHENTICATED');
    }
    for (const target of [url, secondUrl]) {
      const wrong = await postTo(target, viewerQuery, from(address, 'Bearer wrong'));
      const right = await postTo(target, viewerQuery, from(address, `Bearer ${h.tokens.vendorAcmeAdmin}`));
      for (const answer of [wrong, right]) {
        expect(answer.status).toBe(429);
        expect(codeOf(answer)).toBe('RATE_LIMITED');
        expect(Number(answer.headers.get('retry-after'))).toBeGreaterThan(0);
        expect(answer.headers.get('cache-control')).toBe('private, no-store');
      }
      // The right and the wrong guess get the same answer: the limit cannot be used to test credentials.
      expect(right.text).toBe(wrong.text);
    }
    // Other addresses and the anonymous public from the same address are unaffected.
    expect((await postTo(url, viewerQuery, from('203.0.113.11', `Bearer ${h.tokens.vendorAcmeAdmin}`))).status).toBe(200);
    expect((await postTo(url, viewerQuery, from(address))).status).toBe(200);
  });

  it('limits guesses at one API key from many addresses', async () => {
    const key = await h.ok<{ createApiKey: { secret: string } }>('coordinatorAdmin', 'mutation { createApiKey(input: { name: "portal" }) { secret } }');
    const [prefix] = key.createApiKey.secret.split('.');
    for (let attempt = 0; attempt < limits.failedAuthenticationsPerAddress; attempt++) {
      expect((await postTo(url, viewerQuery, from(`198.51.100.${attempt}`, `Bearer ${prefix}.guess${attempt}`))).status).toBe(401);
    }
    const blocked = await postTo(secondUrl, viewerQuery, from('198.51.100.99', `Bearer ${key.createApiKey.secret}`));
    expect(blocked.status).toBe(429);
    expect((await postTo(url, viewerQuery, from('198.51.100.98', `Bearer ${h.tokens.finder}`))).status).toBe(200);
  });

  it('limits mutations per token across instances, counting each aliased mutation', async () => {
    const mutation = (count: number) => `mutation { ${Array.from({ length: count }, (_, index) => `m${index}: updateVendorStatus(input: { caseVendorId: "00000000-0000-4000-8000-000000000000", statement: "x" }) { id }`).join(' ')} }`;
    const staff = `Bearer ${h.tokens.vendorAcmeStaff}`;
    expect(codeOf(await postTo(url, { query: mutation(2) }, from('192.0.2.1', staff)))).toBe('NOT_FOUND');
    expect(codeOf(await postTo(secondUrl, { query: mutation(1) }, from('192.0.2.2', staff)))).toBe('NOT_FOUND');
    const limited = await postTo(url, { query: mutation(1) }, from('192.0.2.3', staff));
    expect(limited.status).toBe(429);
    expect(codeOf(limited)).toBe('RATE_LIMITED');
    // Another token is unaffected, and queries are not counted.
    expect(codeOf(await postTo(url, { query: mutation(1) }, from('192.0.2.1', `Bearer ${h.tokens.vendorGlobex}`)))).toBe('NOT_FOUND');
    expect((await postTo(url, { query: '{ cases { totalCount } }' }, from('192.0.2.1', staff))).status).toBe(200);
  });

  it('limits public mutations per client address', async () => {
    const tip = {
      query: 'mutation($input: SubmitTipInput!) { submitUnreachableDeveloperTip(input: $input) { received } }',
      variables: { input: { entryId: '00000000-0000-4000-8000-000000000000', message: 'Try their support forum.' } },
    };
    const address = '192.0.2.50';
    const codes: unknown[] = [];
    for (let attempt = 0; attempt < limits.publicMutationsPerAddressPerMinute + 1; attempt++) {
      codes.push(codeOf(await postTo(attempt % 2 ? secondUrl : url, { query: 'mutation { transitionCase(input: { caseId: "00000000-0000-4000-8000-000000000000", to: CLOSED }) { id } }' }, from(address))));
    }
    expect(codes.slice(0, limits.publicMutationsPerAddressPerMinute)).toEqual(Array(limits.publicMutationsPerAddressPerMinute).fill('UNAUTHENTICATED'));
    expect(codes.at(-1)).toBe('RATE_LIMITED');
    expect(codeOf(await postTo(url, tip, from(address)))).toBe('RATE_LIMITED');
    expect(codeOf(await postTo(url, tip, from('192.0.2.51')))).not.toBe('RATE_LIMITED');
  });
});
