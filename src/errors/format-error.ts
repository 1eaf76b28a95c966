import { GraphQLFormattedError } from 'graphql';
import { unwrapResolverError } from '@apollo/server/errors';
import { ArgumentValidationError } from 'type-graphql';
import type { Logger } from 'pino';
import { DomainError, ErrorCode } from './errors';

// Apollo labels every error without a code INTERNAL_SERVER_ERROR, so that code must never let a message through.
const CLIENT_CODES = new Set<string>(Object.values(ErrorCode).filter((code) => code !== ErrorCode.INTERNAL_SERVER_ERROR));
const APOLLO_CLIENT_CODES = new Set(['GRAPHQL_PARSE_FAILED', 'GRAPHQL_VALIDATION_FAILED', 'BAD_USER_INPUT', 'PERSISTED_QUERY_NOT_FOUND', 'OPERATION_RESOLUTION_FAILURE', 'BAD_REQUEST']);

/**
 * Maps every error to the closed set of codes. Known domain errors pass with their message; validation errors
 * name the fields; anything else is logged with the request id and masked, so no SQL, value or stack leaves.
 */
export function formatError(formatted: GraphQLFormattedError, error: unknown, options: { development: boolean; logger: Logger }): GraphQLFormattedError {
  const original = unwrapResolverError(error);
  const base = { message: withoutSuggestions(formatted.message), locations: formatted.locations, path: formatted.path };
  if (original instanceof ArgumentValidationError) {
    const fields = original.extensions.validationErrors as { property: string; constraints?: Record<string, string>; children?: unknown[] }[];
    const details = flattenValidation(fields);
    return { ...base, message: `Invalid input: ${details.map((detail) => `${detail.field}: ${detail.problem}`).join('; ')}`, extensions: { code: ErrorCode.BAD_USER_INPUT, fields: details } };
  }
  if (original instanceof DomainError) {
    // `http` (status, headers) is for Apollo's response head; the client reads the code and details only.
    const extensions: Record<string, unknown> = { ...original.extensions };
    delete extensions.http;
    return { ...base, extensions };
  }
  const code = String(formatted.extensions?.code ?? '');
  if (APOLLO_CLIENT_CODES.has(code) || CLIENT_CODES.has(code)) {
    const clientCode = code === 'GRAPHQL_VALIDATION_FAILED' || code === 'GRAPHQL_PARSE_FAILED' ? code : code === 'BAD_REQUEST' ? ErrorCode.BAD_USER_INPUT : code;
    return { ...base, extensions: { code: clientCode } };
  }
  options.logger.error({ err: original }, 'unexpected error');
  return {
    message: 'Internal server error',
    locations: formatted.locations,
    path: formatted.path,
    extensions: { code: ErrorCode.INTERNAL_SERVER_ERROR, ...(options.development ? { detail: String((original as Error)?.message ?? original) } : {}) },
  };
}

/**
 * graphql-js appends "Did you mean …?" to unknown fields, arguments and enum values. Apollo's
 * hideSchemaDetailsFromClientErrors strips it from validation errors only; variable coercion errors (an enum
 * value in the variables) still carry it, so every message is cleaned here.
 */
export function withoutSuggestions(message: string): string {
  return message.replace(/ ?Did you mean [^?]*\?/g, '');
}

interface ValidationNode {
  property: string;
  constraints?: Record<string, string>;
  children?: unknown[];
}

function flattenValidation(nodes: ValidationNode[], prefix = ''): { field: string; problem: string }[] {
  return nodes.flatMap((node) => {
    const field = prefix ? `${prefix}.${node.property}` : node.property;
    const own = Object.values(node.constraints ?? {}).map((problem) => ({ field, problem }));
    return [...own, ...flattenValidation((node.children ?? []) as ValidationNode[], field)];
  });
}
