import { createHarness, Harness, Persona } from '../support/harness';

/**
 * The public search reads only the columns the request selects on its nodes (and those its field resolvers need).
 * Whatever the selection, every field must answer what a full selection answers, for every persona.
 */
const PERSONAS: Persona[] = ['anonymous', 'coordinatorStaff', 'vendorAcmeAdmin', 'finder', 'operator', 'committeeMember'];

const FULL_NODE = `affectedProducts case { id } changedSinceLastRead coordinatorVerification createdAt credits { id } cveIds cvssV3BaseScore
  cvssV3Vector cvssV4Score cvssV4Vector cweId disclosureGrants { id } id identifier impact internalNotes overview products { name }
  publishedAt revisedAt revision revisions { number } severity solution status title unableToCoordinate updatedAt vendorStatements
  vendorStatuses { vendorName } workarounds`;

/** Each selection asks for a few fields only, and none of the columns their resolvers read. */
const SPARSE: string[][] = [
  ['id'],
  ['title', 'cvssV3BaseScore'],
  ['cvssV4Score', 'status'],
  ['revisions { number }', 'case { id }'],
  ['changedSinceLastRead', 'severity', 'publishedAt'],
  ['products { name }', 'vendorStatuses { vendorName }', 'credits { id }'],
];

type Node = Record<string, unknown>;
type Page = { edges: { node: Node }[]; totalCount: number };

describe('the public search reads only the selected columns', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await createHarness();
  });
  afterAll(async () => h?.close());

  it.each(PERSONAS)('answers %s every field as a full selection does', async (persona) => {
    for (const root of ['searchAdvisories(first: 50)', 'unableToCoordinateAdvisories(first: 50)']) {
      const full = await h.ok<Record<string, Page>>(persona, `{ page: ${root} { totalCount edges { node { ${FULL_NODE} } } } }`);
      if (root.startsWith('search') && persona === 'anonymous') expect(full.page.edges.length).toBeGreaterThan(0);
      for (const fields of SPARSE) {
        const sparse = await h.ok<Record<string, Page>>(persona, `{ page: ${root} { totalCount edges { node { ${fields.join(' ')} } } } }`);
        const names = fields.map((field) => field.split(' ')[0]);
        const expected = full.page.edges.map(({ node }) => Object.fromEntries(names.map((name) => [name, node[name]])));
        expect({ root, fields: names, nodes: sparse.page.edges.map((edge) => edge.node) }).toEqual({ root, fields: names, nodes: expected });
        expect(sparse.page.totalCount).toBe(full.page.totalCount);
      }
    }
  });
});
