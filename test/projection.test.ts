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
