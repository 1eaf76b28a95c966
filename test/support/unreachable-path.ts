import { Exploitation, PublicValueAdded, SupplierInvolvement } from '../../src/committee/ssvc';
import { signToken } from '../../src/context/authentication';
import { GraphQLResult, Harness, Persona } from './harness';

/** Runs an operation as any bearer token (for users a test creates), exactly like Harness.graphql does for personas. */
export async function graphqlAsToken<T = Record<string, unknown>>(h: Harness, token: string, query: string, variables?: Record<string, unknown>): Promise<GraphQLResult<T>> {
  const viewer = await h.server.authenticator.authenticate(`Bearer ${token}`);
  const response = await h.server.apollo.executeOperation<T>({ query, variables }, { contextValue: h.server.contextFor(viewer) });
  if (response.body.kind !== 'single') throw new Error('incremental delivery is not expected');
  return { data: response.body.singleResult.data as T | null | undefined, errors: response.body.singleResult.errors };
}

export async function okAsToken<T = Record<string, unknown>>(h: Harness, token: string, query: string, variables?: Record<string, unknown>): Promise<T> {
  const result = await graphqlAsToken<T>(h, token, query, variables);
  if (result.errors?.length) throw new Error(`GraphQL errors: ${JSON.stringify(result.errors)}`);
  return result.data as T;
}

export interface SilentCase {
  caseId: string;
  reference: string;
  title: string;
  vendorId: string;
  vendorName: string;
  caseVendorId: string;
  /** A person of the vendor's own organization. */
  vendorToken: string;
}

/** A fresh report taken through intake to VENDOR_CONTACT, with a vendor (and one of its users) added but never reached. */
export async function createSilentCase(h: Harness, name: string): Promise<SilentCase> {
  const title = `Remote code execution in ${name} Gateway`;
  const submitted = await h.ok<{ submitReport: { id: string; reference: string } }>(
    'finder',
    `mutation($input: SubmitReportInput!) { submitReport(input: $input) { id reference } }`,
    { input: { title, description: `Secret details: the ${name} gateway runs any uploaded script as root.`, affectedProducts: `${name} Gateway 4.x`, finderConsentToName: true } },
  );
  const caseId = submitted.submitReport.id;
  const transition = `mutation($input: TransitionCaseInput!) { transitionCase(input: $input) { state } }`;
  await h.ok('receiver', transition, { input: { caseId, to: 'UNDER_ANALYSIS' } });
  await h.ok('receiver', transition, { input: { caseId, to: 'HANDED_OVER' } });
  await h.ok('coordinatorStaff', transition, { input: { caseId, to: 'VENDOR_CONTACT' } });

  const vendorName = `${name} Systems`;
  const created = await h.ok<{ createVendor: { id: string } }>(
    'coordinatorAdmin',
    `mutation($input: CreateVendorInput!) { createVendor(input: $input) { id } }`,
    { input: { name: vendorName, contactPoints: [{ kind: 'EMAIL', value: `security@${name.toLowerCase()}.example` }], products: [{ name: `${name} Gateway`, versions: '4.x' }] } },
  );
  const vendorId = created.createVendor.id;
  const organizations = await h.ok<{ organizations: { id: string; name: string }[] }>('coordinatorAdmin', '{ organizations { id name } }');
  const organizationId = organizations.organizations.find((organization) => organization.name === vendorName)!.id;
  const user = await h.ok<{ createUser: { id: string } }>(
    'coordinatorAdmin',
    `mutation($input: CreateUserInput!) { createUser(input: $input) { id } }`,
    { input: { email: `psirt@${name.toLowerCase()}.example`, displayName: `${name} PSIRT`, organizationId, role: 'ADMIN' } },
  );
  const added = await h.ok<{ addVendorToCase: { id: string } }>(
    'coordinatorStaff',
    `mutation($input: AddVendorToCaseInput!) { addVendorToCase(input: $input) { id } }`,
    { input: { caseId, vendorId } },
  );
  return {
    caseId,
    reference: submitted.submitReport.reference,
    title,
    vendorId,
    vendorName,
    caseVendorId: added.addVendorToCase.id,
    vendorToken: await signToken(h.config, user.createUser.id),
  };
}

export async function recordAttempt(h: Harness, caseVendorId: string, channel: string, outcome: string, persona: Persona = 'coordinatorStaff'): Promise<GraphQLResult> {
  return h.graphql(
    persona,
    `mutation($input: RecordContactAttemptInput!) { recordContactAttempt(input: $input) { id outcome } }`,
    { input: { caseVendorId, channel, address: `${channel.toLowerCase()}-address`, attemptedAt: h.clock.now().toISOString(), outcome, notes: 'Internal: no answer.' } },
  );
}

/** Five unanswered attempts over 40 days through two channels: enough for the default rule. The clock ends 40 days later. */
export async function recordUnansweredAttempts(h: Harness, caseVendorId: string): Promise<void> {
  const plan: [string, string, number][] = [
    ['EMAIL', 'NO_RESPONSE', 10],
    ['EMAIL', 'BOUNCED', 10],
    ['PHONE', 'NO_RESPONSE', 10],
    ['POSTAL_MAIL', 'DELIVERED_NO_REPLY', 10],
    ['WEB_FORM', 'NO_RESPONSE', 0],
  ];
  for (const [channel, outcome, thenDays] of plan) {
    const result = await recordAttempt(h, caseVendorId, channel, outcome);
    if (result.errors?.length) throw new Error(JSON.stringify(result.errors));
    h.clock.advanceDays(thenDays);
  }
}

export const DECLARE = `mutation($input: DeclareUnreachableInput!) { declareVendorUnreachable(input: $input) { id status attemptCount channelCount vendorName } }`;
export const STAGE_ONE = `mutation($input: ListingStageOneInput!) { publishListingStageOne(input: $input) { id stageOnePublishedAt } }`;
export const STAGE_TWO = `mutation($input: ListingStageTwoInput!) { publishListingStageTwo(input: $input) { id productName stageTwoPublishedAt } }`;
export const PUBLIC_ENTRY_FIELDS = 'id caseReference vendorName listedAt stage productName productVersions productInformationListedAt contactEstablished contactEstablishedAt';
export const PUBLIC_LIST = `{ unreachableDevelopers(first: 100) { totalCount edges { node { ${PUBLIC_ENTRY_FIELDS} } } } }`;

export interface PublicEntry {
  id: string;
  caseReference: string;
  vendorName: string;
  listedAt: string;
  stage: number;
  productName: string | null;
  productVersions: string | null;
  productInformationListedAt: string | null;
  contactEstablished: boolean;
  contactEstablishedAt: string | null;
}

export async function publicList(h: Harness, persona: Persona = 'anonymous'): Promise<{ totalCount: number; entries: PublicEntry[] }> {
  const data = await h.ok<{ unreachableDevelopers: { totalCount: number; edges: { node: PublicEntry }[] } }>(persona, PUBLIC_LIST);
  return { totalCount: data.unreachableDevelopers.totalCount, entries: data.unreachableDevelopers.edges.map((edge) => edge.node) };
}

/** Declares the vendor unreachable (after its attempts) and publishes stage 1 now. Returns the declaration and list entry ids. */
export async function declareAndList(h: Harness, silent: SilentCase): Promise<{ declarationId: string; listingId: string }> {
  await recordUnansweredAttempts(h, silent.caseVendorId);
  const declared = await h.ok<{ declareVendorUnreachable: { id: string } }>('coordinatorStaff', DECLARE, { input: { caseVendorId: silent.caseVendorId } });
  const declarationId = declared.declareVendorUnreachable.id;
  const listed = await h.ok<{ publishListingStageOne: { id: string } }>('coordinatorStaff', STAGE_ONE, { input: { declarationId } });
  return { declarationId, listingId: listed.publishListingStageOne.id };
}

/** A complete case file (the enum values are also what GraphQL variables carry). */
export const REFERRAL_INPUT = {
  supplierInvolvement: SupplierInvolvement.UNCOOPERATIVE_OR_UNRESPONSIVE,
  supplierInvolvementReasoning: 'The vendor was tried five times over forty days and listed for ninety days.',
  exploitation: Exploitation.PUBLIC_POC,
  exploitationReasoning: 'A proof of concept circulates on a public forum.',
  publicValueAdded: PublicValueAdded.AMPLIATIVE,
  publicValueAddedReasoning: 'No vendor advisory exists; ours adds mitigations.',
  societalImpact: 'Gateways of this kind run in hospitals.',
  harmBalance: 'Silence leaves users exposed; the proof of concept is public already.',
  coordinatorVerification: 'Coordinator staff reproduced the issue on Gateway 4.2 in the lab.',
};
