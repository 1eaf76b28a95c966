import { createHarness, Harness } from '../support/harness';
import { readAdvisory, updateAdvisory } from './support/advisory-fixtures';

/**
 * A notified vendor reads the draft advisory of its case, except the other vendors' statements and the coordinator's
 * internal notes. Editing those must change nothing the vendor reads, not even a timestamp: `updatedAt` of a draft
 * moves with every edit, so the vendor is not given it (it reads `updatedAt` again once the advisory is public).
 */
describe('what a vendor reads of a draft does not move with edits it may not see', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await createHarness();
  }, 120_000);
  afterAll(async () => h?.close(), 60_000);

  it.each([
    ['the internal notes', { internalNotes: 'Internal: wait for the other vendor.' }],
    ['the other vendors\' statements', { vendorStatements: 'Globex: not affected. Acme: fix in 2.4.' }],
  ])('editing %s', async (_label, content) => {
    const draftId = h.world.advisories.coordinating;
    const before = await readAdvisory(h, 'vendorAcmeAdmin', draftId);
    expect(before.errors).toBeUndefined();
    expect(before.data!.advisory.status).toBe('DRAFT');
    expect(before.data!.advisory.updatedAt).toBeNull();
    h.clock.current = new Date(h.clock.current.getTime() + 60_000);
    const edited = await updateAdvisory(h, draftId, content);
    expect(edited.errors).toBeUndefined();
    expect(edited.data!.updateAdvisory.updatedAt).toBe(h.clock.now().toISOString());
    expect(await readAdvisory(h, 'vendorAcmeAdmin', draftId)).toEqual(before);
  });
});
