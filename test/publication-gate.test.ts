import { createHarness, errorCode, Harness } from './support/harness';
import { createSilentCase, declareAndList } from './support/unreachable-path';

describe('the coordinated publication path', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await createHarness();
  }, 120_000);
  afterAll(async () => h?.close());

  it('refuses a case with a vendor still declared unreachable, even when another vendor coordinates, and changes nothing', async () => {
    const silent = await createSilentCase(h, 'Hooli');
    await declareAndList(h, silent);
    const added = await h.ok<{ addVendorToCase: { id: string } }>('coordinatorStaff', 'mutation($input: AddVendorToCaseInput!) { addVendorToCase(input: $input) { id } }', {
      input: { caseId: silent.caseId, vendorId: h.world.vendors.acme },
    });
    await h.ok('coordinatorStaff', 'mutation($id: ID!) { notifyVendor(caseVendorId: $id) { id } }', { id: added.addVendorToCase.id });
    await h.ok('coordinatorStaff', 'mutation($input: TransitionCaseInput!) { transitionCase(input: $input) { state } }', { input: { caseId: silent.caseId, to: 'COORDINATING' } });
    const advisory = await h.ok<{ createAdvisory: { id: string } }>('coordinatorStaff', 'mutation($input: CreateAdvisoryInput!) { createAdvisory(input: $input) { id } }', {
      input: { caseId: silent.caseId, overview: 'Overview' },
    });
    const state = () =>
      h.ok('coordinatorStaff', 'query($a: ID!, $c: ID!) { advisory(id: $a) { status identifier publishedAt } case(id: $c) { state } }', { a: advisory.createAdvisory.id, c: silent.caseId });
    const before = await state();
    const result = await h.graphql('coordinatorStaff', 'mutation($input: PublishAdvisoryInput!) { publishAdvisory(input: $input) { identifier } }', {
      input: { advisoryId: advisory.createAdvisory.id },
    });
    expect(errorCode(result)).toBe('RULE_NOT_MET');
    expect(result.errors?.[0]?.extensions?.unmet).toEqual(['vendorUnreachable']);
    expect(await state()).toEqual(before);
  });
});
