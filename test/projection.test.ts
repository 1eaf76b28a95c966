import { Builder, newBuilder } from '../policies/ability';
import { CaseVendor } from '../src/cases/case.entity';
import { countSqlStatements } from '../src/common/sql-statement-counter';
import { Vendor } from '../src/vendors/vendor.entity';
import { ContactAttempt } from '../src/contact/contact-attempt.entity';
import { readableThroughParent } from '../src/authorization/accessible';
import { createHarness, Harness, Persona } from './support/harness';

/**
 * Case lists and their vendor rows, vendors and attempts are read with only the columns the request selects
 * (src/context/batch-query.ts), and `lastContactAttempt` is read as the last row alone. Whatever way a client writes
 * its selection (fragments, inline fragments, aliases, a field asked only through a relation), the answer must be the
 * one a full selection gives, for every persona.
 */
const PERSONAS: Persona[] = ['coordinatorStaff', 'vendorAcmeAdmin', 'vendorGlobex', 'finder', 'receiver', 'committeeMember', 'operator'];

const ATTEMPT = 'id channel outcome attemptedAt address notes correctsAttemptId createdAt';
const VENDOR = 'id name website createdAt';
const CASE_VENDOR = `id status statement notifiedAt updatedAt vendor { ${VENDOR} } contactAttempts { ${ATTEMPT} }`;
const CASE = `id reference title description state receivedAt finderName cvssV3Vector cweId`;

const FULL = `{ cases(first: 100) { totalCount edges { node { ${CASE} caseVendors { ${CASE_VENDOR} } contactAttempts { ${ATTEMPT} } lastContactAttempt { ${ATTEMPT} } } } } }`;

const FRAGMENTED = `{ cases(first: 100) { totalCount edges { ... on CaseEdge { node { ...CaseFields ... on Case { caseVendors { ...VendorRow } } } } } } }
  fragment CaseFields on Case { ${CASE} contactAttempts { ...Attempt } lastContactAttempt { ... on ContactAttempt { ...Attempt } } }
  fragment VendorRow on CaseVendor { id status statement notifiedAt updatedAt vendor { ... on Vendor { ${VENDOR} } } contactAttempts { ...Attempt } }
  fragment Attempt on ContactAttempt { ${ATTEMPT} }`;

interface AttemptRow {
  id: string;
  attemptedAt: string;
  outcome: string;
}
interface CaseNode {
  id: string;
  title: string;
  caseVendors: { id: string; status: string; vendor: { name: string } | null; contactAttempts: AttemptRow[] }[];
  contactAttempts: AttemptRow[];
  lastContactAttempt: AttemptRow | null;
}
type CasePage = { cases: { totalCount: number; edges: { node: CaseNode }[] } };

describe('column projection and the last contact attempt', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await createHarness();
  });
  afterAll(async () => h?.close());

  it.each(PERSONAS)('answers %s the same through fragments as through a full selection', async (persona) => {
    const full = await h.graphql<CasePage>(persona, FULL);
    const fragmented = await h.graphql<CasePage>(persona, FRAGMENTED);
    expect(fragmented).toEqual(full);
    if (persona === 'coordinatorStaff') expect(full.data?.cases.totalCount).toBeGreaterThan(3);
  });

  it.each(PERSONAS)('answers %s the same when relations are asked for without the columns they follow', async (persona) => {
    const full = await h.graphql<CasePage>(persona, FULL);
    const sparse = await h.graphql<CasePage>(
      persona,
      `{ cases(first: 100) { edges { node { title caseVendors { vendor { name } contactAttempts { outcome } } lastContactAttempt { outcome } } } } }`,
    );
    expect(sparse.errors).toBeUndefined();
    const expected = full.data?.cases.edges.map(({ node }) => ({
      title: node.title,
      caseVendors: node.caseVendors.map((row) => ({ vendor: row.vendor && { name: row.vendor.name }, contactAttempts: row.contactAttempts.map((attempt) => ({ outcome: attempt.outcome })) })),
      lastContactAttempt: node.lastContactAttempt && { outcome: node.lastContactAttempt.outcome },
    }));
    expect(sparse.data?.cases.edges.map((edge) => edge.node) ?? null).toEqual(expected ?? null);
  });

  // A vendor row's vendor is read in the vendor rows' own statement (a LEFT JOIN under the vendor's read predicate).
  // Asked again under an alias with fewer fields, it comes through the vendor loader's own statement instead: the two
  // must agree for every row, including the rows whose vendor the viewer may not read (null both ways).
  it.each(PERSONAS)('gives %s the same vendor through the joined read as through the vendor loader', async (persona) => {
    type Joined = { cases: { edges: { node: { caseVendors: { id: string; byLoader: { id: string } | null; joined: { id: string; name: string } | null }[] } }[] } };
    const answer = await h.ok<Joined>(persona, '{ cases(first: 100) { edges { node { caseVendors { id byLoader: vendor { id } joined: vendor { id name } } } } } }');
    const rows = answer.cases.edges.flatMap((edge) => edge.node.caseVendors);
    for (const row of rows) expect({ row: row.id, vendor: row.joined?.id ?? null }).toEqual({ row: row.id, vendor: row.byLoader?.id ?? null });
    if (persona === 'coordinatorStaff') expect(rows.filter((row) => row.joined).length).toBeGreaterThan(3);
    for (const row of rows.filter((each) => each.joined)) {
      const single = await h.ok<{ vendor: { id: string; name: string } }>(persona, 'query($id: ID!) { vendor(id: $id) { id name } }', { id: row.joined!.id });
      expect(single.vendor).toEqual(row.joined);
    }
  });

  /** Makes request contexts of a coordinator whose ability holds only `rules`, each with loaders of its own. */
  async function hypotheticalContexts(rules: (can: Builder['can']) => void) {
    const viewer = await h.server.authenticator.authenticate(`Bearer ${h.tokens.coordinatorStaff}`);
    return () => {
      const { can, build } = newBuilder();
      rules(can);
      const ctx = h.server.contextFor(viewer);
      ctx.ability = build();
      return ctx;
    };
  }

  // No shipped policy lets a viewer read a vendor row but not its vendor, or only some of a vendor's fields, so the
  // joined read is also checked under such rules directly: the loader primed by the join must answer exactly what it
  // answers by its own statement.
  const HYPOTHETICAL_VENDOR_RULES: [name: string, rules: (can: Builder['can'], vendors: Harness['world']['vendors']) => void, expected: Record<'acme' | 'globex' | 'initech', 'whole' | 'id only' | null>][] = [
    ['one vendor readable', (can, vendors) => can('read', 'Vendor', { id: vendors.acme }), { acme: 'whole', globex: null, initech: null }],
    [
      'one whole, one by id only',
      (can, vendors) => {
        can('read', 'Vendor', ['id'], { id: vendors.globex });
        can('read', 'Vendor', { id: vendors.acme });
      },
      { acme: 'whole', globex: 'id only', initech: null },
    ],
  ];

  it.each(HYPOTHETICAL_VENDOR_RULES)('primes the vendor loader with what it would load itself (%s)', async (_name, vendorRules, expected) => {
    const hypothetical = await hypotheticalContexts((can) => {
      can('read', ['Case', 'CaseVendor']);
      vendorRules(can, h.world.vendors);
    });
    const vendorFields = new Set(['id', 'name', 'website']);
    const caseIds = (await h.ok<CasePage>('coordinatorStaff', '{ cases(first: 100) { edges { node { id } } } }')).cases.edges.map((edge) => edge.node.id);
    const joined = hypothetical();
    const rows = (await joined.loaders.manyBy(CaseVendor, 'caseId', 'id', new Set(['id', 'status']), { foreignKey: 'vendorId', target: Vendor, fields: vendorFields }).loadMany(caseIds))
      .flatMap((each) => each as CaseVendor[]);
    const vendorIds = [...new Set(rows.map((row) => row.vendorId))];
    expect(vendorIds).toEqual(expect.arrayContaining(Object.values(h.world.vendors)));
    const counter = countSqlStatements(h.db.dataSource);
    const primed = await counter.count(async () => joined.loaders.byId(Vendor, vendorFields).loadMany(vendorIds));
    expect(primed).toBe(0);
    const fromJoin = await joined.loaders.byId(Vendor, vendorFields).loadMany(vendorIds);
    const byOwnStatement = await hypothetical().loaders.byId(Vendor, vendorFields).loadMany(vendorIds);
    expect(fromJoin).toEqual(byOwnStatement);
    const shape = (vendor: unknown) => (vendor === null ? null : (vendor as Vendor).name === null ? 'id only' : 'whole');
    const seen = Object.fromEntries(Object.entries(h.world.vendors).map(([key, id]) => [key, shape(fromJoin[vendorIds.indexOf(id)])]));
    expect(seen).toEqual(expected);
  });

  it('reads the vendors of the vendor rows without a statement of their own', async () => {
    const counter = countSqlStatements(h.db.dataSource);
    const withoutVendors = await counter.count(() => h.ok('coordinatorStaff', '{ cases(first: 50) { edges { node { caseVendors { status } } } } }'));
    const withVendors = await counter.count(() => h.ok('coordinatorStaff', '{ cases(first: 50) { edges { node { caseVendors { status vendor { id name } } } } } }'));
    const aliased = await counter.count(() => h.ok('coordinatorStaff', '{ cases(first: 50) { edges { node { caseVendors { status a: vendor { id } b: vendor { id name } } } } } }'));
    expect(withVendors).toBe(withoutVendors);
    // The check above can fail: a selection the join does not cover costs the vendor loader's statement.
    expect(aliased).toBe(withoutVendors + 1);
  });

  // A vendor row's contact attempts are read in the vendor rows' own statement too (a LEFT JOIN, without the attempts'
  // predicate when the vendor row's implies it). Asked again under an alias with fewer fields, they come through the
  // attempt loader's own statement: the two must agree row by row for every persona.
  it.each(PERSONAS)('gives %s the same contact attempts of a vendor row through the joined read as through the attempt loader', async (persona) => {
    type Joined = { cases: { edges: { node: { caseVendors: { id: string; byLoader: { id: string }[]; joined: { id: string; channel: string; outcome: string }[] }[] } }[] } };
    const answer = await h.ok<Joined>(persona, '{ cases(first: 100) { edges { node { caseVendors { id byLoader: contactAttempts { id } joined: contactAttempts { id channel outcome } } } } } }');
    const rows = answer.cases.edges.flatMap((edge) => edge.node.caseVendors);
    for (const row of rows) expect({ row: row.id, attempts: row.joined.map((attempt) => attempt.id) }).toEqual({ row: row.id, attempts: row.byLoader.map((attempt) => attempt.id) });
    if (persona === 'coordinatorStaff' || persona === 'vendorAcmeAdmin') expect(rows.filter((row) => row.joined.length > 0).length).toBeGreaterThan(0);
  });

  it('reads the contact attempts of the vendor rows without a statement of their own', async () => {
    const counter = countSqlStatements(h.db.dataSource);
    for (const persona of ['coordinatorStaff', 'vendorAcmeAdmin', 'committeeMember'] as const) {
      const withoutAttempts = await counter.count(() => h.ok(persona, '{ cases(first: 50) { edges { node { caseVendors { status vendor { name } } } } } }'));
      const withAttempts = await counter.count(() => h.ok(persona, '{ cases(first: 50) { edges { node { caseVendors { status vendor { name } contactAttempts { channel } } } } } }'));
      expect({ persona, statements: withAttempts }).toEqual({ persona, statements: withoutAttempts });
    }
  });

  // The shipped policies give each viewer its attempts exactly through the vendor rows it reads, or by a condition the
  // translation cannot show to follow from them, so the join is also checked under rules where the attempts' own
  // predicate must stay in the join: the loader primed by it must answer exactly what it answers by its own statement.
  const HYPOTHETICAL_ATTEMPT_RULES: [
    name: string,
    rules: (can: Builder['can'], vendors: Harness['world']['vendors']) => void,
    impliedByVendorRow: boolean,
    sees: 'all' | 'some' | 'none',
  ][] = [
    [
      'the attempts of the vendor rows one reads',
      (can, vendors) => {
        can('read', 'CaseVendor', { vendorId: vendors.acme });
        can('read', 'ContactAttempt', { 'caseVendor.vendorId': vendors.acme });
      },
      true,
      'all',
    ],
    ['every attempt', (can) => can('read', ['CaseVendor', 'ContactAttempt']), true, 'all'],
    [
      'only the e-mails',
      (can) => {
        can('read', 'CaseVendor');
        can('read', 'ContactAttempt', { channel: 'EMAIL' });
      },
      false,
      'some',
    ],
    [
      "another vendor's attempts",
      (can, vendors) => {
        can('read', 'CaseVendor', { vendorId: vendors.acme });
        can('read', 'ContactAttempt', { 'caseVendor.vendorId': vendors.globex });
      },
      false,
      'none',
    ],
    [
      'a broader rule for the vendor rows than for the attempts',
      (can, vendors) => {
        can('read', 'CaseVendor');
        can('read', 'ContactAttempt', { 'caseVendor.vendorId': vendors.acme });
      },
      false,
      'some',
    ],
    [
      'some fields of every attempt, all fields of the e-mails',
      (can) => {
        can('read', 'CaseVendor');
        can('read', 'ContactAttempt', ['id', 'caseVendorId', 'caseId', 'attemptedAt', 'channel']);
        can('read', 'ContactAttempt', { channel: 'EMAIL' });
      },
      true,
      'all',
    ],
    ['no attempt at all', (can) => can('read', 'CaseVendor'), false, 'none'],
  ];

  it.each(HYPOTHETICAL_ATTEMPT_RULES)('primes the attempt loader with what it would load itself (%s)', async (name, rules, impliedByVendorRow, sees) => {
    const hypothetical = await hypotheticalContexts((can) => {
      can('read', ['Case', 'Vendor']);
      rules(can, h.world.vendors);
    });
    const attemptFields = new Set(['id', 'channel', 'outcome', 'address', 'attemptedAt']);
    const caseIds = (await h.ok<CasePage>('coordinatorStaff', '{ cases(first: 100) { edges { node { id } } } }')).cases.edges.map((edge) => edge.node.id);
    const joined = hypothetical();
    expect(readableThroughParent(joined, h.db.dataSource.getMetadata(ContactAttempt), 'caseVendor')).toBe(impliedByVendorRow);
    const children = { target: ContactAttempt, relation: 'caseVendor', foreignKey: 'caseVendorId', orderBy: 'attemptedAt', fields: attemptFields };
    const rows = (await joined.loaders.manyBy(CaseVendor, 'caseId', 'id', new Set(['id', 'status']), undefined, children).loadMany(caseIds)).flatMap((each) => each as CaseVendor[]);
    const rowIds = rows.map((row) => row.id);
    expect(rowIds.length).toBeGreaterThan(0);
    const counter = countSqlStatements(h.db.dataSource);
    const primed = await counter.count(async () => joined.loaders.manyBy(ContactAttempt, 'caseVendorId', 'attemptedAt', attemptFields).loadMany(rowIds));
    expect(primed).toBe(0);
    const fromJoin = await joined.loaders.manyBy(ContactAttempt, 'caseVendorId', 'attemptedAt', attemptFields).loadMany(rowIds);
    const byOwnStatement = await hypothetical().loaders.manyBy(ContactAttempt, 'caseVendorId', 'attemptedAt', attemptFields).loadMany(rowIds);
    expect(fromJoin).toEqual(byOwnStatement);
    const everyAttempt = (fromJoin as ContactAttempt[][]).flat();
    const coordinator = h.server.contextFor(await h.server.authenticator.authenticate(`Bearer ${h.tokens.coordinatorStaff}`));
    const asCoordinator = (await coordinator.loaders.manyBy(ContactAttempt, 'caseVendorId', 'attemptedAt', attemptFields).loadMany(rowIds)) as ContactAttempt[][];
    // 'all': every attempt of the vendor rows read, as the coordinator sees them.
    const seen = everyAttempt.length === 0 ? 'none' : everyAttempt.length === asCoordinator.flat().length ? 'all' : 'some';
    expect(seen).toBe(sees);
    if (name === 'some fields of every attempt, all fields of the e-mails') {
      expect(everyAttempt.some((attempt) => attempt.channel !== 'EMAIL' && attempt.address === null)).toBe(true);
      expect(everyAttempt.some((attempt) => attempt.channel === 'EMAIL' && attempt.address !== null)).toBe(true);
    }
  });

  it.each(PERSONAS)('gives %s as the last contact attempt the last of the attempts it may see', async (persona) => {
    const full = await h.graphql<CasePage>(persona, FULL);
    for (const { node } of full.data?.cases.edges ?? []) {
      expect(node.lastContactAttempt).toEqual(node.contactAttempts.at(-1) ?? null);
    }
  });

  it('gives a vendor its own latest attempt, not a later one made to another vendor on the same case', async () => {
    const before = await h.ok<CasePage>('vendorAcmeAdmin', FULL);
    const target = before.cases.edges.map((edge) => edge.node).find((node) => node.contactAttempts.length > 0)!;
    expect(target).toBeDefined();
    const added = await h.ok<{ addVendorToCase: { id: string } }>('coordinatorStaff', 'mutation($input: AddVendorToCaseInput!) { addVendorToCase(input: $input) { id } }', {
      input: { caseId: target.id, vendorId: h.world.vendors.initech },
    });
    const recorded = await h.ok<{ recordContactAttempt: { id: string } }>(
      'coordinatorStaff',
      'mutation($input: RecordContactAttemptInput!) { recordContactAttempt(input: $input) { id } }',
      { input: { caseVendorId: added.addVendorToCase.id, channel: 'EMAIL', address: 'info@initech.example', attemptedAt: h.clock.now().toISOString(), outcome: 'NO_RESPONSE' } },
    );

    const query = `query($id: ID!) { case(id: $id) { contactAttempts { ${ATTEMPT} } lastContactAttempt { ${ATTEMPT} } } }`;
    type One = { case: { contactAttempts: AttemptRow[]; lastContactAttempt: AttemptRow | null } };
    const asCoordinator = await h.ok<One>('coordinatorStaff', query, { id: target.id });
    expect(asCoordinator.case.lastContactAttempt?.id).toBe(recorded.recordContactAttempt.id);
    const asVendor = await h.ok<One>('vendorAcmeAdmin', query, { id: target.id });
    expect(asVendor.case.contactAttempts.map((attempt) => attempt.id)).not.toContain(recorded.recordContactAttempt.id);
    expect(asVendor.case.lastContactAttempt).toEqual(target.lastContactAttempt);
    expect(asVendor.case.lastContactAttempt).toEqual(asVendor.case.contactAttempts.at(-1));
  });
});
