import { randomUUID } from 'node:crypto';
import { GraphQLSchema } from 'graphql';
import { readable, Sight, Subject } from './oracle';
import { ResponseChecker, Row, selectionFor, TYPE_MODELS, worldRows } from './model';
import { publicationOperations } from './publication-operations';
import { shownAdvisoryStatus, shownCaseState } from './publication';
import type { HttpAnswer } from './support';
import { COMMITTEE_ROOT_FIELDS, committeeOperations } from './committee';
import { DISCLOSURE_ROOT_FIELDS, disclosureOperations } from './disclosure';
import type { World } from './world';

/** How deep the suite follows relations below every root field (filtered variants go one level: they test the filter). */
export const RELATION_DEPTH = 3;
const FILTERED_DEPTH = 1;
/** Page size for connections; generated worlds stay below it, so one page holds the whole list. */
const PAGE = 20;

export interface Operation {
  label: string;
  query: string;
  variables?: Record<string, unknown>;
  check(answer: HttpAnswer, checker: ResponseChecker): void;
}

/** Root fields the suite queries. A test fails when the schema has a Query field that is not listed here. */
export const COVERED_ROOT_FIELDS = [
  'viewer', 'cases', 'case', 'caseByReference', 'advisories', 'advisory', 'vendors', 'vendor', 'organizations', 'users', 'apiKeys', 'unreachableDevelopers', 'unreachableDeveloper',
  'searchAdvisories', 'unableToCoordinateAdvisories', 'myAdvisoryCredits', ...DISCLOSURE_ROOT_FIELDS, ...COMMITTEE_ROOT_FIELDS,
];
/** Root fields of issues 3, 4 and 5 the suite does not query yet (see PENDING_FIELDS in model.ts). */
export const PENDING_ROOT_FIELDS: string[] = [];
const AUTHENTICATED_ROOTS = new Set(['cases', 'case', 'caseByReference', 'vendors', 'vendor', 'organizations', 'users', 'apiKeys', ...DISCLOSURE_ROOT_FIELDS, ...COMMITTEE_ROOT_FIELDS]);

/** What a domain's operations are built with (see operationsFor). */
export interface OperationKit {
  schema: GraphQLSchema;
  world: World;
  sight: Sight;
  index: ReturnType<typeof worldRows>;
  /** A pseudo-random item chosen by the property's picks. */
  pick<T>(items: T[]): T | undefined;
  visible(subject: Subject): Row[];
  hidden(subject: Subject): Row[];
  /** The selection of every covered field of a type, relations followed to `depth`. */
  node(typeName: string, depth?: number): string;
  /** A Relay connection root field checked against the oracle (totalCount, pageInfo, the exact node set). */
  connection(field: string, typeName: string, filterType: string | null, orderType: string | null, filter: ListFilter): Operation;
  /** False (after recording any problem) when the answer is a refusal the oracle predicts or contradicts. */
  expectAccess(field: string, answer: HttpAnswer, checker: ResponseChecker): boolean;
}

/** The operations of the later issues' root fields, one function per domain. */
const DOMAIN_OPERATIONS: ((kit: OperationKit) => Operation[])[] = [disclosureOperations, committeeOperations, publicationOperations];

export interface ListFilter {
  label: string;
  variables: Record<string, unknown>;
  /** Fields the filter or the sort reads: rows where the viewer cannot read one of them are not matched. */
  uses: string[];
  matches(row: Row): boolean;
}

/**
 * Every root field with relations to RELATION_DEPTH, with and without filters, for one viewer. `picks` are random
 * numbers from the property, used to choose ids and filter values from the world.
 */
export function operationsFor(schema: GraphQLSchema, world: World, sight: Sight, picks: number[]): Operation[] {
  const index = worldRows(world);
  let next = 0;
  const pick = <T>(items: T[]): T | undefined => (items.length === 0 ? undefined : items[(picks[next++ % picks.length] ?? 0) % items.length]);
  const visible = (subject: Subject) => [...index[subject].values()].filter((row) => sight.objects[subject].has(row.id));
  const hidden = (subject: Subject) => [...index[subject].values()].filter((row) => !sight.objects[subject].has(row.id));
  const markerOf = (value: unknown) => (typeof value === 'string' ? /CNRY\d{5}Z/.exec(value)?.[0] : undefined);
  const operations: Operation[] = [];
  const node = (typeName: string, depth = RELATION_DEPTH) => selectionFor(schema, typeName, depth);

  operations.push({
    label: 'viewer',
    query: `{ viewer { persona role rules user { ${node('User')} } organization { ${node('Organization')} } } }`,
    check(answer, checker) {
      if (!expectAccess('viewer', answer, checker)) return;
      const viewer = answer.json.data?.viewer as Record<string, unknown> | undefined;
      if (!viewer) return checker.problem('viewer', `no data: ${answer.text.slice(0, 300)}`);
      const { identity } = sight;
      if (viewer.persona !== identity.persona) checker.problem('viewer.persona', `expected ${identity.persona}, got ${String(viewer.persona)}`);
      if ((viewer.role ?? null) !== identity.role) checker.problem('viewer.role', `expected ${identity.role}, got ${String(viewer.role)}`);
      if (identity.userId) checker.object('User', viewer.user, 'viewer.user');
      else if (viewer.user !== null) checker.problem('viewer.user', `expected null, got ${JSON.stringify(viewer.user)}`);
      if (identity.organizationId) checker.object('Organization', viewer.organization, 'viewer.organization');
      else if (viewer.organization !== null) checker.problem('viewer.organization', `expected null, got ${JSON.stringify(viewer.organization)}`);
    },
  });

  // Connections: cases, advisories, vendors, each plain and filtered.
  const cases = [...index.Case.values()];
  const someCase = pick(cases);
  const caseFilters: ListFilter[] = [{ label: 'all', variables: {}, uses: ['receivedAt'], matches: () => true }];
  if (someCase) {
    // States as the viewer reads them: a scheduled publication shows as PUBLICATION_SCHEDULED, PUBLISHED or the
    // state before it, depending on who asks and when (publication.ts).
    const shows = (row: Row, states: string[]) => states.includes(shownCaseState(world, sight, row));
    const states = [someCase.state as string, String(pick(cases)?.state)];
    caseFilters.push({
      label: `states ${states} by updatedAt`, variables: { filter: { states }, orderBy: { field: 'UPDATED_AT', direction: 'ASC' } }, uses: ['updatedAt', 'state'],
      matches: (row) => shows(row, states),
    });
    // The dashboard's shape (states only, newest received first: one index range per state, and for staff the total
    // from the per-state counts), with every state a scheduled publication can show as, and one of them alone.
    const scheduled = cases.find((row) => row.state === 'PUBLICATION_SCHEDULED');
    if (scheduled) {
      const shownAs = ['PUBLISHED', 'PUBLICATION_SCHEDULED', String(scheduled.stateBeforePublication)];
      const alone = String(pick(shownAs));
      for (const wanted of [shownAs, [alone]]) {
        caseFilters.push({ label: `states ${wanted} by receivedAt`, variables: { filter: { states: wanted } }, uses: ['receivedAt', 'state'], matches: (row) => shows(row, wanted) });
      }
    }
    const search = markerOf(pick(cases)?.title);
    if (search) caseFilters.push({ label: `search ${search}`, variables: { filter: { search: search.toLowerCase() } }, uses: ['receivedAt', 'title'], matches: (row) => String(row.title).includes(search) });
    const cweId = pick(cases.filter((row) => row.cweId))?.cweId as string | undefined;
    if (cweId) caseFilters.push({ label: `cwe ${cweId}`, variables: { filter: { cweId } }, uses: ['receivedAt', 'cweId'], matches: (row) => row.cweId === cweId });
    const [from, to] = [someCase.receivedAt as Date, (pick(cases)?.receivedAt ?? someCase.receivedAt) as Date].sort((left, right) => left.getTime() - right.getTime());
    caseFilters.push({
      label: 'received between', variables: { filter: { receivedAfter: from.toISOString(), receivedBefore: new Date(to.getTime() + 1).toISOString() } }, uses: ['receivedAt'],
      matches: (row) => (row.receivedAt as Date) >= from && (row.receivedAt as Date) <= to,
    });
    const vendor = pick([...index.Vendor.values()]);
    if (vendor) {
      caseFilters.push({
        label: `vendor ${vendor.id}`, variables: { filter: { vendorId: vendor.id } }, uses: ['receivedAt'],
        matches: (row) => world.caseVendors.some((link) => link.caseId === row.id && link.vendorId === vendor.id && sight.objects.CaseVendor.has(link.id)),
      });
    }
  }
  for (const filter of caseFilters) operations.push(connection('cases', 'Case', 'CaseFilter', 'CaseOrder', filter));

  const advisories = [...index.Advisory.values()];
  const advisoryFilters: ListFilter[] = [
    { label: 'all', variables: {}, uses: ['createdAt'], matches: () => true },
    // By the status the viewer reads: a scheduled publication is a draft to those who may not know of it (publication.ts).
    { label: 'published', variables: { filter: { status: 'PUBLISHED' } }, uses: ['createdAt', 'status'], matches: (row) => shownAdvisoryStatus(world, sight, row) === 'PUBLISHED' },
    { label: 'drafts', variables: { filter: { status: 'DRAFT' } }, uses: ['createdAt', 'status'], matches: (row) => shownAdvisoryStatus(world, sight, row) === 'DRAFT' },
  ];
  const advisorySearch = markerOf(pick(advisories)?.title);
  if (advisorySearch) advisoryFilters.push({ label: `search ${advisorySearch}`, variables: { filter: { search: advisorySearch } }, uses: ['createdAt', 'title'], matches: (row) => String(row.title).includes(advisorySearch) });
  for (const filter of advisoryFilters) operations.push(connection('advisories', 'Advisory', 'AdvisoryFilter', null, filter));

  const vendorFilters: ListFilter[] = [{ label: 'all', variables: {}, uses: ['name'], matches: () => true }];
  const vendorSearch = markerOf(pick([...index.Vendor.values()])?.name);
  if (vendorSearch) vendorFilters.push({ label: `search ${vendorSearch}`, variables: { filter: { search: vendorSearch } }, uses: ['name'], matches: (row) => String(row.name).includes(vendorSearch) });
  for (const filter of vendorFilters) operations.push(connection('vendors', 'Vendor', 'VendorFilter', null, filter));

  // The public list of unreachable developers: no filter, newest first.
  operations.push(connection('unreachableDevelopers', 'UnreachableDeveloperEntry', null, null, { label: 'all', variables: {}, uses: [], matches: () => true }));

  // Plain lists, in one operation (all need credentials).
  const lists = [['organizations', 'Organization', 'Organization'], ['users', 'User', 'User'], ['apiKeys', 'ApiKey', 'ApiKey']] as const;
  operations.push({
    label: 'organizations, users, apiKeys',
    query: `{ ${lists.map(([field, typeName]) => `${field} { ${node(typeName)} }`).join(' ')} }`,
    check(answer, checker) {
      if (!expectAccess('organizations', answer, checker)) return;
      for (const [field, typeName, subject] of lists) checker.exactly(typeName, [...index[subject].values()], answer.json.data?.[field], field);
    },
  });

  // Single lookups: a visible object, a hidden one and a made-up id, by every way of naming one.
  const lookups: [string, string, Subject, string, string][] = [
    ['case', 'Case', 'Case', 'id', 'ID!'],
    ['caseByReference', 'Case', 'Case', 'reference', 'String!'],
    ['advisory', 'Advisory', 'Advisory', 'id', 'ID!'],
    ['vendor', 'Vendor', 'Vendor', 'id', 'ID!'],
    ['unreachableDeveloper', 'UnreachableDeveloperEntry', 'UnreachableDeveloperEntry', 'id', 'ID!'],
  ];
  for (const [field, typeName, subject, argument, argumentType] of lookups) {
    // A made-up id for one lookup only: existence.test.ts compares hidden and made-up byte for byte everywhere.
    const targets: (Row | undefined)[] = [pick(visible(subject)), pick(hidden(subject))].filter((target) => target !== undefined);
    if (field === 'case') targets.push(undefined);
    for (const target of targets) {
      const key = argument === 'id' ? 'id' : 'reference';
      const value = target ? String(target[key]) : argument === 'id' ? randomUUID() : 'RNK-NONE-00000';
      const shown = target !== undefined && sight.objects[subject].has(target.id);
      operations.push({
        label: `${field}(${shown ? 'visible' : target ? 'hidden' : 'made-up'})`,
        query: `query($value: ${argumentType}) { ${field}(${argument}: $value) { ${node(typeName)} } }`,
        variables: { value },
        check(answer, checker) {
          if (!expectAccess(field, answer, checker)) return;
          if (shown) return checker.object(typeName, answer.json.data?.[field], field);
          const code = answer.json.errors?.[0]?.extensions?.code;
          if (code !== 'NOT_FOUND' || answer.json.data !== null) checker.problem(field, `expected NOT_FOUND and no data, got ${answer.text.slice(0, 300)}`);
        },
      });
    }
  }
  const kit: OperationKit = { schema, world, sight, index, pick, visible, hidden, node, connection, expectAccess };
  for (const domainOperations of DOMAIN_OPERATIONS) operations.push(...domainOperations(kit));
  return operations;

  function connection(field: string, typeName: string, filterType: string | null, orderType: string | null, filter: ListFilter): Operation {
    const subject = TYPE_MODELS[typeName].subject;
    const variables = [filterType && `$filter: ${filterType}`, orderType && `$orderBy: ${orderType}`].filter(Boolean).join(', ');
    const args = [`first: ${PAGE}`, filterType && 'filter: $filter', orderType && 'orderBy: $orderBy'].filter(Boolean).join(', ');
    return {
      label: `${field} ${filter.label}`,
      query: `query${variables ? `(${variables})` : ''} { ${field}(${args}) { totalCount pageInfo { hasNextPage hasPreviousPage } edges { cursor node { ${node(typeName, filter.label === 'all' ? RELATION_DEPTH : FILTERED_DEPTH)} } } } }`,
      variables: filter.variables,
      check(answer, checker) {
        if (!expectAccess(field, answer, checker)) return;
        const granted = sight.granted[subject];
        if (granted.size > 0 && filter.uses.some((used) => !granted.has(used))) {
          if (answer.json.errors?.[0]?.extensions?.code !== 'FORBIDDEN') checker.problem(`${field} ${filter.label}`, `expected FORBIDDEN, got ${answer.text.slice(0, 300)}`);
          return;
        }
        const expected = [...index[subject].values()].filter(
          (row) => sight.objects[subject].has(row.id) && filter.uses.every((used) => readable(sight, subject, row.id, used)) && filter.matches(row),
        );
        const data = answer.json.data?.[field] as { totalCount: number; pageInfo: { hasNextPage: boolean }; edges: { node: unknown }[] } | undefined;
        if (!data) return checker.problem(`${field} ${filter.label}`, `no data: ${answer.text.slice(0, 300)}`);
        if (data.totalCount !== expected.length) checker.problem(`${field} ${filter.label}.totalCount`, `${data.totalCount > expected.length ? 'LEAK: ' : ''}expected ${expected.length}, got ${data.totalCount}`);
        if (data.pageInfo.hasNextPage !== expected.length > PAGE) checker.problem(`${field} ${filter.label}.pageInfo`, `hasNextPage is ${data.pageInfo.hasNextPage} for ${expected.length} rows`);
        checker.exactly(typeName, expected, data.edges.map((edge) => edge.node), `${field} ${filter.label}`);
      },
    };
  }

  /** False (after recording any problem) when the answer is a refusal that the oracle predicts or contradicts. */
  function expectAccess(field: string, answer: HttpAnswer, checker: ResponseChecker): boolean {
    const code = answer.json.errors?.[0]?.extensions?.code;
    const refused = !sight.identity.valid || (!sight.identity.authenticated && AUTHENTICATED_ROOTS.has(field));
    if (refused) {
      if (code !== 'UNAUTHENTICATED' || answer.json.data) checker.problem(field, `expected UNAUTHENTICATED, got ${answer.text.slice(0, 300)}`);
      return false;
    }
    if (code && code !== 'NOT_FOUND' && code !== 'FORBIDDEN') {
      checker.problem(field, `unexpected error ${answer.text.slice(0, 500)}`);
      return false;
    }
    return true;
  }
}
