import { GraphQLSchema, lexicographicSortSchema, printSchema } from 'graphql';
import { buildSchema, getMetadataStorage, NonEmptyArray } from 'type-graphql';
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
  built ??= buildSchema({
    resolvers: RESOLVERS,
    authChecker,
    authMode: 'error',
    validateFn: validateArgument,
    scalarsMap: [{ type: Date, scalar: DateTimeISO }],
  });
  return built;
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
