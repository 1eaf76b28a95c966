import { createHarness, Harness } from './support/harness';

describe('concurrent state changes', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await createHarness();
  });
  afterAll(async () => h?.close());

  it('runs many transactions at once without interleaving them', async () => {
    const submit = (index: number) =>
      h.graphql<{ submitReport: { id: string } }>('finder', 'mutation($input: SubmitReportInput!) { submitReport(input: $input) { id } }', {
        input: { title: `Concurrent report ${index}`, description: 'A description long enough.', affectedProducts: 'Product', finderConsentToName: true },
      });
    const results = await Promise.all(Array.from({ length: 20 }, (_, index) => submit(index)));
    expect(results.flatMap((result) => result.errors ?? [])).toEqual([]);
    const count = await h.ok<{ cases: { totalCount: number } }>('finder', '{ cases { totalCount } }');
    expect(count.cases.totalCount).toBe(7 + 20);
  });
});
