import type { ApolloServerPlugin } from '@apollo/server';
import { DocumentNode, FieldNode, FragmentDefinitionNode, getNamedType, GraphQLError, GraphQLSchema, Kind, OperationDefinitionNode, SelectionSetNode } from 'graphql';
import { ComplexityEstimator, fieldExtensionsEstimator, getComplexity, simpleEstimator } from 'graphql-query-complexity';
import type { AppConfig } from '../config/config';
import type { RequestContext } from '../context/request-context';
import { DomainError, ErrorCode, QueryTooComplexError } from '../errors/errors';

export type QueryLimits = AppConfig['queryLimits'];

/**
 * Calls `visit` for every field the operation selects, with its depth (root fields are 1), expanding fragment
 * spreads where they are used, so a fragment used twice counts twice. Introspection fields (`__schema`, `__type`)
 * are reported but not descended into: their depth is the schema's, and who may introspect is decided elsewhere.
 * Stops early when `visit` returns false. Validation has already refused fragment cycles.
 */
export function walkOperation(document: DocumentNode, operation: OperationDefinitionNode, visit: (field: FieldNode, depth: number) => boolean): void {
  const fragments = new Map<string, FragmentDefinitionNode>();
  for (const definition of document.definitions) if (definition.kind === Kind.FRAGMENT_DEFINITION) fragments.set(definition.name.value, definition);

  const walk = (selectionSet: SelectionSetNode, depth: number): boolean => {
    for (const selection of selectionSet.selections) {
      if (selection.kind === Kind.FIELD) {
        if (!visit(selection, depth)) return false;
        if (selection.selectionSet && !selection.name.value.startsWith('__') && !walk(selection.selectionSet, depth + 1)) return false;
      } else if (selection.kind === Kind.INLINE_FRAGMENT) {
        if (!walk(selection.selectionSet, depth)) return false;
      } else {
        const fragment = fragments.get(selection.name.value);
        if (fragment && !walk(fragment.selectionSet, depth)) return false;
      }
    }
    return true;
  };
  walk(operation.selectionSet, 1);
}

/** Every field costs one point; a field returning a connection costs its children times `first` (its page size). */
const connectionEstimator: ComplexityEstimator = ({ field, args, childComplexity }) => {
  if (!getNamedType(field.type).name.endsWith('Connection') || typeof args.first !== 'number') return undefined;
  return 1 + childComplexity * Math.max(1, args.first);
};

const ESTIMATORS: ComplexityEstimator[] = [fieldExtensionsEstimator(), connectionEstimator, simpleEstimator({ defaultComplexity: 1 })];

/** Throws QUERY_TOO_COMPLEX when the operation is deeper, has more aliases or costs more than the limits allow. */
export function assertWithinQueryLimits(
  schema: GraphQLSchema,
  document: DocumentNode,
  operation: OperationDefinitionNode,
  variables: Record<string, unknown>,
  limits: QueryLimits,
): void {
  let depth = 0;
  let aliases = 0;
  let fields = 0;
  walkOperation(document, operation, (field, fieldDepth) => {
    depth = Math.max(depth, fieldDepth);
    if (field.alias) aliases++;
    fields++;
    return depth <= limits.maxDepth && aliases <= limits.maxAliases && fields <= limits.maxComplexity;
  });
  if (depth > limits.maxDepth) throw new QueryTooComplexError('depth', limits.maxDepth, depth);
  if (aliases > limits.maxAliases) throw new QueryTooComplexError('aliases', limits.maxAliases, aliases);
  if (fields > limits.maxComplexity) throw new QueryTooComplexError('complexity', limits.maxComplexity, fields);

  let complexity: number;
  try {
    complexity = getComplexity({
      schema,
      query: document,
      operationName: operation.name?.value,
      variables,
      estimators: ESTIMATORS,
      maxQueryNodes: limits.maxComplexity,
    });
  } catch (error) {
    if (error instanceof GraphQLError && /maximum allowed number of nodes/i.test(error.message)) {
      throw new QueryTooComplexError('complexity', limits.maxComplexity, limits.maxComplexity + 1);
    }
    // Variables that cannot be coerced: execution would refuse them too (HTTP 400); answer the same way, earlier.
    const message = error instanceof Error ? error.message : 'The variables are not valid for this operation';
    throw new DomainError(ErrorCode.BAD_USER_INPUT, message, { http: { status: 400 } });
  }
  if (complexity > limits.maxComplexity) throw new QueryTooComplexError('complexity', limits.maxComplexity, complexity);
}

const MAX_CACHED_VERDICTS_PER_DOCUMENT = 64;
const MAX_CACHED_VARIABLES_LENGTH = 2_000;

/** Checks every operation against the limits after it is parsed and validated, before any resolver runs. */
export function queryLimitsPlugin(limits: QueryLimits): ApolloServerPlugin<RequestContext> {
  // Apollo keeps one parsed DocumentNode per query string, and the verdict depends only on the document, the
  // operation and the variables (page sizes), so a polling client's repeated request is not costed again.
  const verdicts = new WeakMap<DocumentNode, Map<string, DomainError | null>>();
  return {
    async requestDidStart() {
      return {
        async didResolveOperation({ schema, document, operation, request }) {
          // Without an operation graphql-js executes nothing and answers with its own error.
          if (!operation) return;
          const variables = request.variables ?? {};
          const serialized = JSON.stringify(variables);
          if (serialized.length > MAX_CACHED_VARIABLES_LENGTH) return assertWithinQueryLimits(schema, document, operation, variables, limits);
          const key = `${operation.name?.value ?? ''}\u0000${serialized}`;
          let forDocument = verdicts.get(document);
          if (!forDocument) verdicts.set(document, (forDocument = new Map()));
          let verdict = forDocument.get(key);
          if (verdict === undefined) {
            try {
              assertWithinQueryLimits(schema, document, operation, variables, limits);
              verdict = null;
            } catch (error) {
              if (!(error instanceof DomainError)) throw error;
              verdict = error;
            }
            if (forDocument.size >= MAX_CACHED_VERDICTS_PER_DOCUMENT) forDocument.delete(forDocument.keys().next().value!);
            forDocument.set(key, verdict);
          }
          // A fresh error each time: Apollo wraps and formats what it is given.
          if (verdict) throw new DomainError(verdict.extensions.code as ErrorCode, verdict.message, { ...verdict.extensions });
        },
      };
    },
  };
}
