import { DASHBOARD_QUERY } from '../bench/options';
import { refreshSearchTerms } from '../src/advisories/search-index';
import { rulesToAST } from '@casl/ability/extra';
import { Advisory, AdvisoryStatus } from '../src/advisories/advisory.entity';
import { SqlConditionTranslator } from '../src/authorization/sql-condition';
import { Case, CaseState, CaseVendor, CaseVendorStatus } from '../src/cases/case.entity';
import { newId } from '../src/common/columns';
import { countSqlStatements, SqlStatementCounter } from '../src/common/sql-statement-counter';
import { ContactAttempt, ContactChannel, ContactOutcome } from '../src/contact/contact-attempt.entity';
import { DisclosureGrant } from '../src/disclosure/disclosure-grant.entity';
import { TlpLabel } from '../src/disclosure/disclosure-section';
import { DEMO_USERS, DemoPersona } from '../src/demo/demo-world';
import { ENTITIES } from '../src/entities';
import { createHarness, Harness, Persona } from './support/harness';

/**
 * The number of SQL statements a request sends must depend on the shape of the query, never on how many rows it
 * returns: a field resolver that queries once per row (N+1) makes the count grow with the page size and fails here.
 */
const PAGE_SIZES = [1, 10, 50];
/** The target for every operation (issue 7). */
const MAX_STATEMENTS = 8;
const EXTRA_CASES = 60;
const MINUTE = 60_000;

interface Page {
  totalCount: number;
  edges: { node: Record<string, unknown> }[];
}

interface Operation {
  name: string;
  persona: Persona;
  query: string;
  variables?: Record<string, unknown>;
  root: string;
  /** At most this many statements per request; MAX_STATEMENTS unless the operation says why it needs more. */
  maxStatements?: number;
  /** Fails when the page came back without the nested data the operation is meant to load. */
  check(node: Record<string, unknown>): void;
}

const OPERATIONS: Operation[] = [
  {
    name: "the coordinator's case dashboard",
    persona: 'coordinatorStaff',
    root: 'cases',
    query: DASHBOARD_QUERY,
    check(node) {
      expect((node.caseVendors as unknown[]).length).toBeGreaterThan(0);
      expect(node.lastContactAttempt).not.toBeNull();
    },
  },
  {
    name: 'the case dashboard as a vendor',
    persona: 'vendorAcmeStaff',
    root: 'cases',
    // The viewer, the page of its own cases with their count (no range per state: src/cases/case.service.ts), the
    // vendor rows with their vendor (one join), and the last contact attempts.
    maxStatements: 4,
    query: DASHBOARD_QUERY,
    check(node) {
      expect((node.caseVendors as { vendor: { name: string } }[]).map((row) => row.vendor.name)).toEqual(['Acme Networks']);
    },
  },
  {
    name: "a vendor portal's assigned cases",
    persona: 'vendorAcmeStaff',
    root: 'cases',
    // The viewer, the page with its count, and the vendor rows with their vendor and contact attempts (one join).
    maxStatements: 3,
    query: `query VendorPortal($first: Int!) {
      cases(first: $first) {
        totalCount
        pageInfo { hasNextPage endCursor }
        edges { node { id reference title state receivedAt
          caseVendors { status statement notifiedAt vendor { name } contactAttempts { channel outcome attemptedAt } } } }
      }
    }`,
    check(node) {
      const rows = node.caseVendors as { vendor: { name: string }; contactAttempts: unknown[] }[];
      expect(rows.map((row) => row.vendor.name)).toEqual(['Acme Networks']);
      expect(rows[0].contactAttempts.length).toBeGreaterThan(0);
    },
  },
  {
    name: 'an operator pulling its granted advisories',
    persona: 'operator',
    root: 'disclosureGrants',
    // Every read of embargoed text is logged before it is returned, in one locked append to the hash chain:
    // START TRANSACTION, SELECT head FOR UPDATE, INSERT (the head follows by trigger), COMMIT: 4 of its 8 statements on
    // MariaDB (on SQLite the append runs on the better-sqlite3 handle, outside TypeORM, and is not counted). The
    // reader's previous read of each advisory (changedSinceLastRead) is a subquery of the advisory statement.
    query: `query OperatorGrants($first: Int!) {
      disclosureGrants(first: $first) {
        totalCount
        pageInfo { hasNextPage endCursor }
        edges { node { id tlp sections startsAt endsAt acknowledgedAt
          advisory { id title overview affectedProducts impact solution workarounds cvssV3Vector cvssV3BaseScore cweId changedSinceLastRead } } }
      }
    }`,
    check(node) {
      const advisory = node.advisory as Record<string, unknown>;
      expect(advisory.overview).toBe('Overview.');
      expect(advisory.solution).toBeNull();
    },
  },
  {
    name: 'the public advisory search',
    persona: 'anonymous',
    root: 'searchAdvisories',
    // The page's rows carry the count (src/advisories/advisory-search.service.ts).
    maxStatements: 1,
    query: `query PublicSearch($first: Int!, $text: String) {
      searchAdvisories(first: $first, filter: { text: $text }) {
        totalCount
        pageInfo { hasNextPage endCursor }
        edges { node { id identifier title publishedAt severity cweId cvssV3BaseScore } }
      }
    }`,
    variables: { text: 'firmware' },
    check(node) {
      expect(node.identifier).toMatch(/^JVN#\d{8}$/);
    },
  },
];

/** Enough recent cases, vendors, attempts, published advisories and grants that a page of 50 is full for every persona. */
async function seedMoreThanAPage(h: Harness): Promise<void> {
  const manager = h.db.dataSource.manager;
  const now = h.clock.now().getTime();
  const cases: Case[] = [];
  const caseVendors: CaseVendor[] = [];
  const attempts: ContactAttempt[] = [];
  const advisories: Advisory[] = [];
  const grants: DisclosureGrant[] = [];
  for (let index = 0; index < EXTRA_CASES * 2; index++) {
    const published = index >= EXTRA_CASES;
    const receivedAt = new Date(now - (index + 1) * MINUTE);
    const caseId = newId();
    cases.push(Object.assign(new Case(), {
      id: caseId, reference: `RNK-SQLC-${String(index).padStart(4, '0')}`, title: `Unauthenticated firmware upload ${index}`,
      description: 'Seeded for the statement count test.', affectedProducts: 'Acme Router RX 2.x', finderUserId: h.world.users.finder,
      finderName: 'Fumi Finder', finderConsentToName: index % 2 === 0, receivedAt, registeredByOrgId: h.world.organizations.receiver,
      state: published ? CaseState.PUBLISHED : CaseState.COORDINATING, overseasCoordination: false,
      cvssV3Vector: 'CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H', cvssV4Vector: null, cweId: 'CWE-434', analysisNotes: null,
      coordinatorNotes: 'Internal.', updatedAt: receivedAt,
    }));
    for (const [vendorId, status] of [[h.world.vendors.acme, CaseVendorStatus.ACKNOWLEDGED], [h.world.vendors.globex, CaseVendorStatus.UNNOTIFIED]] as const) {
      const caseVendorId = newId();
      caseVendors.push(Object.assign(new CaseVendor(), {
        id: caseVendorId, caseId, vendorId, status, statement: null, notifiedAt: status === CaseVendorStatus.UNNOTIFIED ? null : receivedAt, updatedAt: receivedAt,
      }));
      for (const [offset, channel] of [[1, ContactChannel.EMAIL], [2, ContactChannel.PHONE]] as const) {
        attempts.push(Object.assign(new ContactAttempt(), {
          id: newId(), caseVendorId, caseId, channel, address: 'psirt@example.test', attemptedAt: new Date(receivedAt.getTime() + offset * 1000),
          recordedByUserId: h.world.users.coordinatorStaff, outcome: ContactOutcome.DELIVERED_NO_REPLY, notes: 'Internal.', correctsAttemptId: null,
          createdAt: receivedAt,
        }));
      }
    }
    // The published half feeds the public search; the other half are drafts shared early with the operator.
    const advisoryId = newId();
    advisories.push(Object.assign(new Advisory(), {
      id: advisoryId, caseId, identifier: published ? `JVN#${String(90_000_000 + index).padStart(8, '0')}` : null, title: `Unauthenticated firmware upload ${index}`,
      overview: 'Overview.', affectedProducts: 'Acme Router RX 2.x', impact: 'Impact.', solution: 'Update.', vendorStatements: 'Acme: fixed.',
      cvssV3Vector: 'CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H', cvssV4Vector: null, cweId: 'CWE-434', cveIds: [],
      status: published ? AdvisoryStatus.PUBLISHED : AdvisoryStatus.DRAFT, publishedAt: published ? receivedAt : null, unableToCoordinate: false,
      coordinatorVerification: null, internalNotes: 'Internal.', createdAt: receivedAt, updatedAt: receivedAt,
    }));
    if (!published) {
      grants.push(Object.assign(new DisclosureGrant(), {
        id: newId(), advisoryId, organizationId: h.world.organizations.operator, tlp: TlpLabel.AMBER, shareOverview: true, shareAffectedProducts: true,
        shareImpact: true, shareMitigations: false, shareTechnicalDetails: true, shareCvss: true, startsAt: receivedAt, endsAt: null,
        reason: 'Seeded for the statement count test.', createdByUserId: h.world.users.coordinatorStaff, createdAt: receivedAt, updatedAt: receivedAt,
        revokedAt: null, revokedByUserId: null, acknowledgedAt: null, acknowledgedByUserId: null, acknowledgedByApiKeyId: null,
      }));
    }
  }
  await manager.getRepository(Case).insert(cases);
  await manager.getRepository(CaseVendor).insert(caseVendors);
  await manager.getRepository(ContactAttempt).insert(attempts);
  await manager.getRepository(Advisory).insert(advisories);
  await manager.getRepository(DisclosureGrant).insert(grants);
  await refreshSearchTerms(manager, advisories.map((advisory) => advisory.id)); // as publishAdvisory would
}

describe('SQL statements per request', () => {
  let h: Harness;
  let counter: SqlStatementCounter;

  beforeAll(async () => {
    h = await createHarness();
    await seedMoreThanAPage(h);
    counter = countSqlStatements(h.db.dataSource);
  });
  afterAll(async () => h?.close());

  describe.each(OPERATIONS)('$name', (operation) => {
    it(`sends the same number of statements, at most ${operation.maxStatements ?? MAX_STATEMENTS}, for pages of ${PAGE_SIZES.join(', ')}`, async () => {
      const counts: number[] = [];
      for (const first of PAGE_SIZES) {
        let page: Page | undefined;
        counts.push(await counter.count(async () => {
          const data = await h.ok<Record<string, Page>>(operation.persona, operation.query, { ...operation.variables, first });
          page = data[operation.root];
        }));
        expect(page!.edges).toHaveLength(first);
        expect(page!.totalCount).toBeGreaterThan(50);
        for (const edge of page!.edges) operation.check(edge.node);
      }
      expect(counts).toEqual(PAGE_SIZES.map(() => counts[0]));
      expect(counts[0]).toBeLessThanOrEqual(operation.maxStatements ?? MAX_STATEMENTS);
    });
  });

  it('plans each policy as a semi-join where it can, selecting exactly the rows of the plain translation', async () => {
    let rewritten = 0;
    for (const persona of Object.keys(DEMO_USERS) as DemoPersona[]) {
      const viewer = await h.server.authenticator.authenticate(`Bearer ${h.tokens[persona]}`);
      const ctx = h.server.contextFor(viewer);
      for (const target of ENTITIES) {
        const metadata = h.db.dataSource.getMetadata(target);
        const ast = rulesToAST(ctx.ability, 'read', metadata.name);
        if (!ast) continue;
        const plain = new SqlConditionTranslator(h.db.dataSource);
        const planned = new SqlConditionTranslator(h.db.dataSource);
        const plainSql = plain.translate(ast, metadata, 'row');
        const plannedSql = planned.translateRowFilter(ast, metadata, 'row');
        if (plannedSql.includes('casl_keys_')) rewritten++;
        const ids = async (sql: string, params: Record<string, unknown>) =>
          (await h.db.dataSource.createQueryBuilder(target, 'row').select('row.id', 'id').where(sql, params).getRawMany<{ id: string }>()).map((row) => row.id).sort();
        expect({ persona, entity: metadata.name, ids: await ids(plannedSql, planned.params) }).toEqual({ persona, entity: metadata.name, ids: await ids(plainSql, plain.params) });
      }
    }
    expect(rewritten).toBeGreaterThan(0);
  });

  describe('a page of cases loads its relations before its fields resolve (src/cases/case-prefetch.ts)', () => {
    const RELATIONS = `
      mine: caseVendors { status vendor { name } }
      theirs: caseVendors { notifiedAt contactAttempts @skip(if: $skipAttempts) { channel } }
      last: lastContactAttempt { outcome attemptedAt }
      ...Attempts`;
    const FRAGMENTS = `
      fragment Attempts on Case { caseVendors { id contactAttempts { attemptedAt } } contactAttempts @include(if: $withCaseAttempts) { id } }`;
    const page = (extra = '') => `query($first: Int!, $skipAttempts: Boolean!, $withCaseAttempts: Boolean!) {
      cases(first: $first) { edges { node { id ${RELATIONS} ${extra} } } } } ${FRAGMENTS}`;
    const single = `query($id: ID!, $skipAttempts: Boolean!, $withCaseAttempts: Boolean!) { case(id: $id) { id ${RELATIONS} } } ${FRAGMENTS}`;
    const statements = (persona: Persona, query: string, variables: Record<string, unknown>) => counter.count(() => h.ok(persona, query, variables));

    it.each(['coordinatorStaff', 'vendorAcmeAdmin'] as Persona[])('answers as the fields would one case at a time, for %s', async (persona) => {
      for (const flags of [{ skipAttempts: false, withCaseAttempts: true }, { skipAttempts: true, withCaseAttempts: false }]) {
        const data = await h.ok<{ cases: Page }>(persona, page(), { first: 10, ...flags });
        expect(data.cases.edges.length).toBeGreaterThan(0);
        for (const edge of data.cases.edges) {
          const one = await h.ok<{ case: Record<string, unknown> }>(persona, single, { id: edge.node.id, ...flags });
          expect(edge.node).toEqual(one.case);
        }
        expect(data.cases.edges.some((edge) => (edge.node.mine as unknown[]).length > 0)).toBe(true);
      }
    });

    it('sends a statement for each distinct selection, none for a skipped field, and as many for 1 case as for 10', async () => {
      const flags = { skipAttempts: false, withCaseAttempts: false };
      const base = await statements('coordinatorStaff', page(), { first: 10, ...flags });
      expect(await statements('coordinatorStaff', page(), { first: 1, ...flags })).toBe(base);
      // The attempts under `theirs` come in its vendor rows' statement (a join): skipping them saves no statement.
      expect(await statements('coordinatorStaff', page(), { first: 10, ...flags, skipAttempts: true })).toBe(base);
      // The case's own attempts, included: one statement more.
      expect(await statements('coordinatorStaff', page(), { first: 10, ...flags, withCaseAttempts: true })).toBe(base + 1);
      // A second alias with the same selection as the fragment's caseVendors shares its loader: no statement more.
      expect(await statements('coordinatorStaff', page('again: caseVendors { id contactAttempts { attemptedAt } }'), { first: 10, ...flags })).toBe(base);
    });
  });

  it('counts a statement per row when a resolver does query per row, so the test above can fail', async () => {
    const perRow = async (first: number) =>
      counter.count(async () => {
        const data = await h.ok<{ cases: Page }>('coordinatorStaff', 'query($first: Int!) { cases(first: $first) { edges { node { id } } } }', { first });
        for (const edge of data.cases.edges) await h.ok('coordinatorStaff', 'query($id: ID!) { case(id: $id) { id } }', { id: edge.node.id });
      });
    expect(await perRow(10)).toBeGreaterThan(await perRow(1));
  });
});
