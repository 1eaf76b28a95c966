import { Case, CaseState, CaseVendor, CaseVendorStatus } from '../../../src/cases/case.entity';
import { newId } from '../../../src/common/columns';
import type { RequestContext } from '../../../src/context/request-context';
import { Harness, Persona } from '../../support/harness';

let caseCounter = 0;

/** A case ready for publication (COORDINATING), with the given vendors, inserted directly. Returns its id. */
export async function insertCoordinatingCase(
  h: Harness,
  options: { title: string; vendors?: [string, CaseVendorStatus, string?][]; overseas?: boolean; state?: CaseState },
): Promise<string> {
  const id = newId();
  const now = h.clock.now();
  caseCounter += 1;
  await h.db.dataSource.getRepository(Case).insert({
    id, reference: `RNK-TEST-${process.pid % 10000}-${caseCounter}`.slice(0, 20), title: options.title, description: `About ${options.title}.`,
    affectedProducts: 'Products named in the test', finderUserId: h.world.users.finder, finderName: 'Fumi Finder', finderConsentToName: true,
    receivedAt: now, registeredByOrgId: h.world.organizations.receiver, state: options.state ?? CaseState.COORDINATING,
    overseasCoordination: options.overseas ?? false, cvssV3Vector: null, cvssV4Vector: null, cweId: null, analysisNotes: null,
    coordinatorNotes: 'Internal: test case.', updatedAt: now,
  });
  for (const [vendorId, status, statement] of options.vendors ?? []) {
    await h.db.dataSource.getRepository(CaseVendor).insert({
      id: newId(), caseId: id, vendorId, status, statement: statement ?? null, notifiedAt: status === CaseVendorStatus.UNNOTIFIED ? null : now, updatedAt: now,
    });
  }
  return id;
}

export const ADVISORY_FIELDS = `
  id identifier title overview impact solution workarounds vendorStatements affectedProducts cvssV3Vector cvssV4Vector cweId cveIds
  status publishedAt unableToCoordinate coordinatorVerification internalNotes severity revision revisedAt updatedAt cvssV3BaseScore cvssV4Score
  pendingRevision { title overview impact solution workarounds cveIds products { vendorId name versions } }
  revisions { number releasedAt summary }
  credits { id type name organizationName status }
  vendorStatuses { vendorName responseStatus verificationResult statement }
  products { vendorName name versions }
`;

export interface AdvisoryView {
  id: string;
  identifier: string | null;
  title: string;
  overview: string | null;
  impact: string | null;
  solution: string | null;
  workarounds: string | null;
  vendorStatements: string | null;
  affectedProducts: string | null;
  cvssV3Vector: string | null;
  cvssV4Vector: string | null;
  cweId: string | null;
  cveIds: string[] | null;
  status: string;
  publishedAt: string | null;
  unableToCoordinate: boolean | null;
  coordinatorVerification: string | null;
  internalNotes: string | null;
  severity: string | null;
  revision: number | null;
  revisedAt: string | null;
  updatedAt: string;
  cvssV3BaseScore: number | null;
  cvssV4Score: number | null;
  pendingRevision: { title: string | null; overview: string | null; impact: string | null; products: { name: string }[] | null } | null;
  revisions: { number: number; releasedAt: string; summary: string }[];
  credits: { id: string; type: string; name: string; organizationName: string | null; status: string | null }[];
  vendorStatuses: { vendorName: string; responseStatus: string; verificationResult: string; statement: string | null }[];
  products: { vendorName: string; name: string; versions: string | null }[];
}

export async function createAdvisory(h: Harness, caseId: string, content: Record<string, unknown> = {}): Promise<AdvisoryView> {
  const data = await h.ok<{ createAdvisory: AdvisoryView }>(
    'coordinatorStaff',
    `mutation($input: CreateAdvisoryInput!) { createAdvisory(input: $input) { ${ADVISORY_FIELDS} } }`,
    { input: { caseId, ...content } },
  );
  return data.createAdvisory;
}

export async function updateAdvisory(h: Harness, advisoryId: string, content: Record<string, unknown>, persona: Persona = 'coordinatorStaff') {
  return h.graphql<{ updateAdvisory: AdvisoryView }>(persona, `mutation($input: UpdateAdvisoryInput!) { updateAdvisory(input: $input) { ${ADVISORY_FIELDS} } }`, {
    input: { advisoryId, ...content },
  });
}

export async function publish(h: Harness, advisoryId: string, publishAt?: Date): Promise<AdvisoryView> {
  const data = await h.ok<{ publishAdvisory: AdvisoryView }>(
    'coordinatorStaff',
    `mutation($input: PublishAdvisoryInput!) { publishAdvisory(input: $input) { ${ADVISORY_FIELDS} } }`,
    { input: { advisoryId, ...(publishAt ? { publishAt: publishAt.toISOString() } : {}) } },
  );
  return data.publishAdvisory;
}

export async function publishRevision(h: Harness, advisoryId: string, summary: string, refreshVendorStatuses = false) {
  return h.graphql<{ publishAdvisoryRevision: AdvisoryView }>(
    'coordinatorStaff',
    `mutation($input: PublishAdvisoryRevisionInput!) { publishAdvisoryRevision(input: $input) { ${ADVISORY_FIELDS} } }`,
    { input: { advisoryId, summary, refreshVendorStatuses } },
  );
}

export async function readAdvisory(h: Harness, persona: Persona, id: string) {
  return h.graphql<{ advisory: AdvisoryView }>(persona, `query($id: ID!) { advisory(id: $id) { ${ADVISORY_FIELDS} } }`, { id });
}

/** The request context of a demo persona, for calling services directly (as another procedure would). */
export async function contextOf(h: Harness, persona: Exclude<Persona, 'anonymous'>): Promise<RequestContext> {
  const viewer = await h.server.authenticator.authenticate(`Bearer ${h.tokens[persona]}`);
  return h.server.contextFor(viewer);
}

export const CVSS_V3 = 'CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H';
export const CVSS_V4 = 'CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N';
