import type { IncomingMessage, ServerResponse } from 'node:http';
import { ApolloServer, BaseContext, HeaderMap } from '@apollo/server';
import proxyAddr from 'proxy-addr';
import type { Logger } from 'pino';

/** The largest GraphQL request body accepted, as express.json's limit on the Express path. */
export const GRAPHQL_BODY_LIMIT = 256 * 1024;

/** Client addresses as Express computes `req.ip` with `trust proxy` set to 'loopback'. */
const trustLoopback = proxyAddr.compile('loopback');

export function clientAddressOf(request: IncomingMessage): string {
  return proxyAddr(request, trustLoopback);
}

/**
 * Whether the direct endpoint serves this request: a POST to exactly /graphql of an uncompressed UTF-8 JSON body no
 * larger than the limit (when its length is declared). That is what every client sends; anything else (GET, other
 * content types, compressed or oversized bodies, paths below /graphql) goes through Express and express.json as
 * before, with the same answers.
 */
export function servesDirectly(request: IncomingMessage): boolean {
  if (request.method !== 'POST') return false;
  const url = request.url ?? '';
  const query = url.indexOf('?');
  if ((query < 0 ? url : url.slice(0, query)) !== '/graphql') return false;
  const [mediaType, ...parameters] = (request.headers['content-type'] ?? '').split(';').map((part) => part.trim().toLowerCase());
  if (mediaType !== 'application/json') return false;
  for (const parameter of parameters) {
    if (parameter.startsWith('charset=') && parameter.slice('charset='.length).replace(/"/g, '') !== 'utf-8') return false;
  }
  const encoding = request.headers['content-encoding'];
  if (encoding !== undefined && encoding.toLowerCase() !== 'identity') return false;
  const declared = request.headers['content-length'];
  return declared === undefined || Number(declared) <= GRAPHQL_BODY_LIMIT;
}

class BadRequestBody extends Error {
  constructor(readonly status: number, message: string) {
    super(message);
  }
}

function readBody(request: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let length = 0;
    const onData = (chunk: Buffer) => {
      length += chunk.length;
      if (length > GRAPHQL_BODY_LIMIT) {
        // Stop reading and answer; the connection is closed after the answer (answerError), the rest left unread.
        request.off('data', onData);
        request.pause();
        reject(new BadRequestBody(413, `The request body is larger than ${GRAPHQL_BODY_LIMIT / 1024} KB`));
        return;
      }
      chunks.push(chunk);
    };
    request.on('data', onData);
    request.on('end', () => resolve(Buffer.concat(chunks, length).toString('utf8')));
    request.on('error', reject);
    // A client that goes away mid-body: nothing to answer (settling twice is a no-op).
    request.on('close', () => {
      if (!request.complete) reject(new Error('The client closed the request before its body ended'));
    });
  });
}

/** The body as express.json (strict) reads it: empty is {}, anything but an object or an array is refused. */
function parseBody(text: string): unknown {
  const trimmed = text.trim();
  if (trimmed === '') return {};
  if (trimmed[0] !== '{' && trimmed[0] !== '[') throw new BadRequestBody(400, 'The request body must be a JSON object');
  try {
    return JSON.parse(trimmed);
  } catch {
    throw new BadRequestBody(400, 'The request body is not valid JSON');
  }
}

function answerError(response: ServerResponse, status: number, code: string, message: string): void {
  if (response.headersSent) {
    response.destroy();
    return;
  }
  const body = JSON.stringify({ errors: [{ message, extensions: { code } }] });
  response.statusCode = status;
  // An oversized body was left unread: the connection cannot carry another request.
  if (status === 413) response.setHeader('connection', 'close');
  response.setHeader('content-type', 'application/json; charset=utf-8');
  response.setHeader('content-length', Buffer.byteLength(body));
  response.end(body);
}

/**
 * Serves a GraphQL POST on node:http directly: the body read and parsed, Apollo's executeHTTPGraphQLRequest, the
 * answer written, as @as-integrations/express5 does behind express.json, without Express's router, body parser and
 * response helpers (about a sixth of the CPU of a small authenticated request). The caller has already set the
 * security headers and the request id that every response gets.
 */
export async function serveGraphqlPost<Context extends BaseContext>(
  apollo: ApolloServer<Context>,
  request: IncomingMessage,
  response: ServerResponse,
  context: () => Promise<Context>,
  logger: Logger,
): Promise<void> {
  let body: unknown;
  try {
    body = parseBody(await readBody(request));
  } catch (error) {
    if (error instanceof BadRequestBody) return answerError(response, error.status, 'BAD_REQUEST', error.message);
    response.destroy();
    return;
  }
  try {
    const headers = new HeaderMap();
    for (const [key, value] of Object.entries(request.headers)) {
      if (value !== undefined) headers.set(key, Array.isArray(value) ? value.join(', ') : value);
    }
    const url = request.url ?? '';
    const query = url.indexOf('?');
    const answer = await apollo.executeHTTPGraphQLRequest({
      httpGraphQLRequest: { method: 'POST', headers, search: query < 0 ? '' : url.slice(query), body },
      context,
    });
    for (const [key, value] of answer.headers) response.setHeader(key, value);
    response.statusCode = answer.status ?? 200;
    if (answer.body.kind === 'complete') {
      response.setHeader('content-length', Buffer.byteLength(answer.body.string));
      response.end(answer.body.string);
      return;
    }
    for await (const chunk of answer.body.asyncIterator) response.write(chunk);
    response.end();
  } catch (error) {
    logger.error({ err: error }, 'GraphQL request failed outside execution');
    answerError(response, 500, 'INTERNAL_SERVER_ERROR', 'Internal server error');
  }
}
