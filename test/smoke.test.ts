import { createHarness, Harness } from './support/harness';

describe('smoke', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await createHarness();
  });
  afterAll(async () => h?.close());

  it('serves the coordinator every case and the public only published advisories', async () => {
    const data = await h.ok<{ cases: { totalCount: number; edges: { node: { title: string; coordinatorNotes: string | null } }[] } }>(
      'coordinatorStaff',
      '{ cases(first: 50) { totalCount edges { node { title coordinatorNotes caseVendors { status vendor { name } } } } } }',
    );
    expect(data.cases.totalCount).toBe(10);
    const pub = await h.ok<{ advisories: { totalCount: number } }>('anonymous', '{ advisories { totalCount edges { node { identifier title internalNotes } } } }');
    expect(pub.advisories.totalCount).toBe(2);
  });
});
