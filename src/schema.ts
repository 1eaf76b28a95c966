import { GraphQLObjectType, GraphQLSchema, lexicographicSortSchema, printSchema } from 'graphql';
import { buildSchema, BuildSchemaOptions, getMetadataStorage, NonEmptyArray } from 'type-graphql';
import { AdvisoryCreditResolver, AdvisoryResolver } from './advisories/advisory.resolver';
import { AuditEntryResolver, EmbargoReaderResolver } from './audit/audit.resolver';
import { authChecker } from './authorization/access';
import { DateTimeISO } from './common/date-time-scalar';
import { validateArgument } from './common/validate-argument';
import { CaseResolver, CaseVendorResolver } from './cases/case.resolver';
import { CaseCommitteeResolver, CommitteeReferralResolver } from './committee/committee.resolver';
import { ContactAttemptResolver } from './contact/contact-attempt.resolver';
import { DisclosureAdvisoryResolver, DisclosureFeedbackResolver, DisclosureGrantResolver } from './disclosure/disclosure.resolver';
import { OrganizationResolver, UserResolver } from './organizations/organization.resolver';
import { CaseUnreachableResolver, UnreachableDeclarationResolver, UnreachableListingResolver, UnreachableResolver } from './unreachable/unreachable.resolver';
import { VendorResolver } from './vendors/vendor.resolver';

// eslint-disable-next-line @typescript-eslint/ban-types
export const RESOLVERS: NonEmptyArray<Function> = [
  OrganizationResolver,
  UserResolver,
  VendorResolver,
  CaseResolver,
  CaseVendorResolver,
  ContactAttemptResolver,
  AdvisoryResolver,
  DisclosureGrantResolver,
  DisclosureFeedbackResolver,
  DisclosureAdvisoryResolver,
  AuditEntryResolver,
  EmbargoReaderResolver,
  AdvisoryCreditResolver,
  UnreachableResolver,
  UnreachableDeclarationResolver,
  UnreachableListingResolver,
  CaseUnreachableResolver,
  CommitteeReferralResolver,
  CaseCommitteeResolver,
];

let built: Promise<GraphQLSchema> | null = null;

/**
 * A field that only returns its property (same name, no roles, no middleware) is resolved by graphql-js's default
 * resolver instead of type-graphql's wrapper, which allocated a resolver-data object and ran an empty middleware
 * chain for every field of every row. type-graphql's own `simple` option; a field whose schema name differs from
 * its property (a case's `state` shows `shownState`) keeps the wrapper, which reads the property.
 *
 * This runs before buildSchema, when type-graphql has not yet copied roles and middlewares onto the fields, so it
 * reads where the decorators put them: a field under any @Authorized or @UseMiddleware (on itself, on a field of the
 * same name in any class, or on its class or a class it extends) keeps the wrapper and so its checks.
 */
export function resolvePlainFieldsByDefault(): void {
  const storage = getMetadataStorage();
  const guardedNames = new Set([...storage.authorizedFields, ...storage.middlewares].map((guard) => guard.fieldName));
  const guardedClasses = [...storage.authorizedResolver, ...storage.resolverMiddlewares].map((guard) => guard.target);
  const classIsGuarded = (target: Function) => guardedClasses.some((guarded) => target === guarded || target.prototype instanceof guarded);
  for (const field of storage.fields) {
    if (field.simple !== undefined || field.name !== field.schemaName) continue;
    if (guardedNames.has(field.name) || classIsGuarded(field.target)) continue;
    field.simple = true;
  }
}

/** The schema is built once per process; it holds no per-request state. */
export function getSchema(): Promise<GraphQLSchema> {
  if (!built) resolvePlainFieldsByDefault();
  const options: BuildSchemaOptions = {
    resolvers: RESOLVERS,
    authChecker,
    authMode: 'error',
    validateFn: validateArgument,
    scalarsMap: [{ type: Date, scalar: DateTimeISO }],
  };
  built ??= buildSchema(options).then((schema) => {
    callFieldResolversDirectly(schema, options);
    return schema;
  });
  return built;
}

type ParamKind = 'root' | 'context' | 'info';

const IN_ORDER: readonly ParamKind[] = ['root', 'context', 'info'];

/**
 * A field resolver method that takes only the row, the context and the resolve info, with no role and no middleware
 * (on itself or its class), is called directly instead of through type-graphql's handler, which for every call
 * allocated a resolver-data object, looked the resolver instance up in its container, sorted the parameters and ran
 * an empty middleware chain: a vendor portal page calls such resolvers a few hundred times. The field resolver for
 * each field is the one type-graphql itself picks (schema-generator.js: by object type and method name, among the
 * resolvers given to buildSchema). A row that is not an instance of the parameter's type (type-graphql would convert
 * it), any other method, and every field when the schema has a global middleware, go through type-graphql's handler as before. Resolver classes hold no state, so one instance
 * of each serves every call, as type-graphql's default container keeps one.
 */
export function callFieldResolversDirectly(schema: GraphQLSchema, options: Pick<BuildSchemaOptions, 'resolvers' | 'globalMiddlewares'>): string[] {
  const storage = getMetadataStorage();
  const direct: string[] = [];
  // A global middleware runs for every field: then every field keeps the handler that runs it.
  if ((options.globalMiddlewares?.length ?? 0) > 0) return direct;
  const resolvers = options.resolvers as readonly Function[];
  const instances = new Map<Function, Record<string, (...params: unknown[]) => unknown>>();
  for (const objectType of storage.objectTypes) {
    const type = schema.getType(objectType.name);
    if (!(type instanceof GraphQLObjectType)) continue;
    const schemaFields = type.getFields();
    for (const field of objectType.fields ?? []) {
      const resolver = storage.fieldResolvers.find(
        (candidate) => (candidate.kind === 'internal' || resolvers.includes(candidate.target)) && candidate.getObjectType?.() === field.target && candidate.methodName === field.name,
      );
      const schemaField = schemaFields[field.schemaName];
      if (!resolver || resolver.kind !== 'external' || !schemaField?.resolve) continue;
      // @Authorized() without roles leaves an empty list: any list at all keeps the handler and its check.
      if (resolver.roles !== undefined || field.roles !== undefined || !Array.isArray(resolver.middlewares) || resolver.middlewares.length > 0 || !Array.isArray(field.middlewares) || field.middlewares.length > 0) continue;
      const params = [...(resolver.params ?? [])].sort((a, b) => a.index - b.index);
      if (params.some((param, index) => param.index !== index || !['root', 'context', 'info'].includes(param.kind) || ('propertyName' in param && param.propertyName))) continue;
      const kinds = params.map((param) => param.kind as ParamKind);
      const rootParam = params.find((param) => param.kind === 'root') as { getType?: () => unknown } | undefined;
      const rootType = rootParam?.getType?.();
      if (rootParam?.getType && typeof rootType !== 'function') continue;
      let instance = instances.get(resolver.target);
      if (!instance) instances.set(resolver.target, (instance = new (resolver.target as new () => Record<string, (...params: unknown[]) => unknown>)()));
      const method = instance[resolver.methodName];
      if (typeof method !== 'function') continue;
      const handler = schemaField.resolve;
      const target = instance;
      // Parameters in the order (root, context, info), or a prefix of it: passed as they come, nothing allocated.
      const inOrder = kinds.every((kind, index) => kind === IN_ORDER[index]);
      schemaField.resolve = (root, args, context, info) => {
        if (rootType && !(root instanceof (rootType as Function))) return handler(root, args, context, info);
        if (inOrder) return method.call(target, root, context, info);
        const values = { root, context, info };
        return method.apply(target, kinds.map((kind) => values[kind]));
      };
      direct.push(`${type.name}.${field.schemaName}`);
    }
  }
  return direct;
}

export async function printedSchema(): Promise<string> {
  return `${printSchema(lexicographicSortSchema(await getSchema()))}\n`;
}

/** "Operation -> who may call it", one line each, checked in as schema/access.txt so access changes show in review. */
export async function accessTable(): Promise<{ table: string; undeclared: string[] }> {
  const schema = await getSchema();
  const lines: string[] = [];
  const undeclared: string[] = [];
  for (const root of [schema.getQueryType(), schema.getMutationType()]) {
    if (!root) continue;
    for (const field of Object.values(root.getFields())) {
      const access = field.extensions?.access as string | undefined;
      if (!access) undeclared.push(`${root.name}.${field.name}`);
      lines.push(`${root.name}.${field.name}: ${access ?? 'UNDECLARED'}`);
    }
  }
  return { table: `${lines.sort().join('\n')}\n`, undeclared };
}
