import http from 'node:http';
import { clientAddressOf } from '../src/http/graphql-endpoint';
import { createHarness, Harness } from './support/harness';

/**
 * The direct GraphQL endpoint (src/http/graphql-endpoint.ts) serves POSTs of JSON without Express; everything else
 * still goes through Express. Both must answer alike, with the same headers on every response.
 */
describe('the GraphQL endpoint over HTTP', () => {
  let h: Harness;
  let url: string;
  beforeAll(async () => {
    h = await createHarness();
    url = await h.listen();
  });
  afterAll(async () => h?.close());

  const query = JSON.stringify({ query: '{ viewer { persona } }' });

  async function post(body: string, headers: Record<string, string> = {}) {
    const response = await fetch(`${url}/graphql`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body });
    return { status: response.status, headers: response.headers, text: await response.text() };
  }

  function expectCommonHeaders(headers: Headers) {
    expect(headers.get('cache-control')).toBe('private, no-store');
    expect(headers.get('x-content-type-options')).toBe('nosniff');
    expect(headers.get('referrer-policy')).toBe('no-referrer');
    expect(headers.get('x-request-id')).toBeTruthy();
    expect(headers.get('x-powered-by')).toBeNull();
  }

  it('answers a POST of JSON, in any letter case of the type and with an explicit UTF-8 charset, as Express did', async () => {
    for (const type of ['application/json', 'application/json; charset=utf-8', 'Application/JSON; charset="UTF-8"']) {
      const answer = await post(query, { 'content-type': type, 'x-request-id': 'req-42' });
      expect(answer.status).toBe(200);
      expect(JSON.parse(answer.text)).toEqual({ data: { viewer: { persona: 'PUBLIC' } } });
      expectCommonHeaders(answer.headers);
      expect(answer.headers.get('x-request-id')).toBe('req-42');
      expect(Number(answer.headers.get('content-length'))).toBe(Buffer.byteLength(answer.text));
    }
    // The variables and the operation name travel in the body; a query string is passed on to Apollo.
    const named = await fetch(`${url}/graphql?ignored=1`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query: 'query Who { viewer { persona } }', operationName: 'Who' }) });
    expect(named.status).toBe(200);
  });

  it('refuses a body that is not JSON, or not an object, with a stable code and the usual headers', async () => {
    for (const body of ['{ "query": ', 'not json', '"a string"', '42']) {
      const answer = await post(body);
      expect(answer.status).toBe(400);
      expect(JSON.parse(answer.text).errors[0].extensions.code).toBe('BAD_REQUEST');
      expectCommonHeaders(answer.headers);
    }
    // An empty body is an empty request: Apollo refuses it for lack of a query.
    const empty = await post('');
    expect(empty.status).toBe(400);
  });

  it('refuses a body over 256 KB, declared or streamed', async () => {
    const large = JSON.stringify({ query: '{ viewer { persona } }', variables: { padding: 'x'.repeat(300 * 1024) } });
    expect((await post(large)).status).toBe(413);
    // Streamed without a declared length: refused while reading.
    const status = await new Promise<number>((resolve, reject) => {
      const request = http.request(`${url}/graphql`, { method: 'POST', headers: { 'content-type': 'application/json', 'transfer-encoding': 'chunked' } }, (response) => {
        response.resume();
        resolve(response.statusCode ?? 0);
      });
      request.on('error', reject);
      for (let sent = 0; sent < 300 * 1024; sent += 16 * 1024) request.write('x'.repeat(16 * 1024));
      request.end();
    });
    expect(status).toBe(413);
    // The server still answers afterwards.
    expect((await post(query)).status).toBe(200);
  });

  it('leaves every other request to Express and Apollo as before', async () => {
    // Apollo's CSRF prevention refuses a simple request (text/plain) before executing anything.
    const plain = await post(query, { 'content-type': 'text/plain' });
    expect(plain.status).toBe(400);
    expectCommonHeaders(plain.headers);
    // A GET query is served (queries only), with the same headers.
    const get = await fetch(`${url}/graphql?query=${encodeURIComponent('{ viewer { persona } }')}`, { headers: { 'apollo-require-preflight': 'true' } });
    expect(get.status).toBe(200);
    expectCommonHeaders(get.headers);
    expect(JSON.parse(await get.text())).toEqual({ data: { viewer: { persona: 'PUBLIC' } } });
    // A charset other than UTF-8 goes through express.json, which refuses it.
    expect((await post(query, { 'content-type': 'application/json; charset=latin1' })).status).toBe(415);
  });

  it('takes the client address from X-Forwarded-For only from a loopback proxy, as Express does', () => {
    const requestFrom = (remoteAddress: string, forwarded?: string) =>
      ({ socket: { remoteAddress }, connection: { remoteAddress }, headers: forwarded ? { 'x-forwarded-for': forwarded } : {} }) as unknown as http.IncomingMessage;
    expect(clientAddressOf(requestFrom('127.0.0.1', '203.0.113.7'))).toBe('203.0.113.7');
    expect(clientAddressOf(requestFrom('::1', '203.0.113.7, 127.0.0.1'))).toBe('203.0.113.7');
    expect(clientAddressOf(requestFrom('198.51.100.1', '203.0.113.7'))).toBe('198.51.100.1');
    expect(clientAddressOf(requestFrom('198.51.100.1'))).toBe('198.51.100.1');
  });
});
