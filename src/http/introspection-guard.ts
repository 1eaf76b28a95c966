import type { ApolloServerPlugin } from '@apollo/server';
import type { AppConfig } from '../config/config';
import type { RequestContext } from '../context/request-context';
import { personaOf } from '../context/viewer';
import { DomainError, ErrorCode } from '../errors/errors';
import { walkOperation } from './query-limits';

const INTROSPECTION_FIELDS = new Set(['__schema', '__type']);

/**
 * Schema introspection for coordinator staff always, for everyone else only when PUBLIC_INTROSPECTION is set.
 * `__typename` stays available to all: clients need it and it names only types the caller already selected.
 */
export function introspectionGuardPlugin(config: Pick<AppConfig, 'publicIntrospection'>): ApolloServerPlugin<RequestContext> {
  return {
    async requestDidStart() {
      return {
        async didResolveOperation({ contextValue, document, operation }) {
          if (!operation || config.publicIntrospection || personaOf(contextValue.viewer) === 'COORDINATOR') return;
          let introspects = false;
          walkOperation(document, operation, (field) => {
            introspects = INTROSPECTION_FIELDS.has(field.name.value);
            return !introspects;
          });
          if (introspects) {
            throw new DomainError(ErrorCode.FORBIDDEN, 'Introspection is available to coordinator staff only', { http: { status: 403 } });
          }
        },
      };
    },
  };
}
