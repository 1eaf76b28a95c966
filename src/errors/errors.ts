import { HeaderMap } from '@apollo/server';
import { GraphQLError } from 'graphql';

/** The closed set of error codes a client can rely on (`extensions.code`). */
export enum ErrorCode {
  UNAUTHENTICATED = 'UNAUTHENTICATED',
  FORBIDDEN = 'FORBIDDEN',
  NOT_FOUND = 'NOT_FOUND',
  BAD_USER_INPUT = 'BAD_USER_INPUT',
  CONFLICT = 'CONFLICT',
  INVALID_TRANSITION = 'INVALID_TRANSITION',
  RULE_NOT_MET = 'RULE_NOT_MET',
  RATE_LIMITED = 'RATE_LIMITED',
  QUERY_TOO_COMPLEX = 'QUERY_TOO_COMPLEX',
  INTERNAL_SERVER_ERROR = 'INTERNAL_SERVER_ERROR',
}

export class DomainError extends GraphQLError {
  constructor(code: ErrorCode, message: string, details: Record<string, unknown> = {}) {
    super(message, { extensions: { code, ...details } });
  }
}

export class UnauthenticatedError extends DomainError {
  constructor(message = 'Authentication failed') {
    super(ErrorCode.UNAUTHENTICATED, message);
  }
}

export class ForbiddenError extends DomainError {
  constructor(message = 'You are not allowed to do this') {
    super(ErrorCode.FORBIDDEN, message);
  }
}

/** The one answer for "does not exist" and "exists but you may not see it". Never names the id. */
export class NotFoundError extends DomainError {
  constructor(type: string) {
    super(ErrorCode.NOT_FOUND, `${type} not found`);
  }
}

export class BadUserInputError extends DomainError {
  constructor(message: string, field?: string) {
    super(ErrorCode.BAD_USER_INPUT, message, field ? { field } : {});
  }
}

export class ConflictError extends DomainError {
  constructor(message: string) {
    super(ErrorCode.CONFLICT, message);
  }
}

export class InvalidTransitionError extends DomainError {
  constructor(from: string, to: string) {
    super(ErrorCode.INVALID_TRANSITION, `A case cannot move from ${from} to ${to}`, { from, to });
  }
}

export class RuleNotMetError extends DomainError {
  constructor(message: string, unmet: string[]) {
    super(ErrorCode.RULE_NOT_MET, message, { unmet });
  }
}

/** HTTP 429 with Retry-After. (`extensions.http` sets the response status and never reaches the client.) */
export class RateLimitedError extends DomainError {
  constructor(retryAfterSeconds: number) {
    const seconds = Math.max(1, Math.ceil(retryAfterSeconds));
    super(ErrorCode.RATE_LIMITED, 'Too many requests; try again later', {
      retryAfterSeconds: seconds,
      http: { status: 429, headers: new HeaderMap([['retry-after', String(seconds)]]) },
    });
  }
}

export type QueryLimitMeasure = 'depth' | 'aliases' | 'complexity';

/** The operation would cost more than the server allows; refused before any resolver runs (HTTP 400). */
export class QueryTooComplexError extends DomainError {
  constructor(measure: QueryLimitMeasure, limit: number, actual: number) {
    super(ErrorCode.QUERY_TOO_COMPLEX, `The operation exceeds the ${measure} limit (${actual} > ${limit}); ask for fewer fields or smaller pages`, {
      measure,
      limit,
      actual,
      http: { status: 400 },
    });
  }
}
