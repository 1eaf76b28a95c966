import type { Persona } from '../support/harness';
import { COMMITTEE_WAYS } from './committee';
import { DISCLOSURE_WAYS } from './disclosure';
import type { Sight, Subject } from './oracle';
import { PUBLICATION_WAYS } from './publication-operations';
import type { World } from './world';

/**
 * Every way to name an object: the lookups, the filters and every mutation that takes an id (existence.test.ts checks
 * that no mutation is missing). Used by existence.test.ts (hidden and made-up ids answer alike) and by
 * scheduled-mutations.test.ts (a scheduled publication and an unscheduled one answer alike).
 */
export const MADE_UP_ID = '6d1f0a4e-2b7c-4c3e-9a5f-8e2d1c0b9a7f';
export const MADE_UP_REFERENCE = 'RNK-ZZZZ-ZZZZ';
const PAST = '2026-01-05T10:00:00.000Z';

export interface Way {
  name: string;
  subject: Subject;
  /** Which column of the hidden object names it (the id, or the public reference). */
  by?: 'id' | 'reference';
  /** A list filtered by the object: answers with data (an empty list) rather than an error. */
  filter?: true;
  /** Restricts which hidden objects this way is tried with. */
  only?: (row: Record<string, unknown>, sight: Sight, world: World) => boolean;
  /** Tried with every hidden object (cheap reads); other ways with the first and the last. */
  every?: true;
  /** Only as these personas (a way whose limit is counted per client address, which all personas here share). */
  personas?: Persona[];
  /** The made-up id must answer NOT_FOUND (so two answers cut short by a limit cannot pass as equal). */
  notFound?: true;
  query: string;
  variables(value: string, world: World): Record<string, unknown>;
}

export const WAYS: Way[] = [
  { name: 'case(id:)', subject: 'Case', every: true, query: 'query($v: ID!) { case(id: $v) { id title } }', variables: (v) => ({ v }) },
  { name: 'caseByReference(reference:)', subject: 'Case', by: 'reference', query: 'query($v: String!) { caseByReference(reference: $v) { id title } }', variables: (v) => ({ v }) },
  { name: 'advisory(id:)', subject: 'Advisory', every: true, query: 'query($v: ID!) { advisory(id: $v) { id title } }', variables: (v) => ({ v }) },
  {
    name: 'unreachableDeveloper(id:)', subject: 'UnreachableDeveloperEntry', every: true,
    query: 'query($v: ID!) { unreachableDeveloper(id: $v) { id vendorName } }', variables: (v) => ({ v }),
  },
  {
    // Tips are limited to 5 an hour per client address, counted before the lookup: one persona keeps the probes
    // (first and last hidden entry, each against a made-up id) under it.
    name: 'submitUnreachableDeveloperTip', subject: 'UnreachableDeveloperEntry', personas: ['anonymous'], notFound: true,
    query: 'mutation($v: ID!) { submitUnreachableDeveloperTip(input: { entryId: $v, message: "Try their support forum." }) { received receiptCode } }',
    variables: (v) => ({ v }),
  },
  { name: 'vendor(id:)', subject: 'Vendor', query: 'query($v: ID!) { vendor(id: $v) { id name } }', variables: (v) => ({ v }) },
  {
    name: 'cases(filter: { vendorId })', subject: 'Vendor', filter: true,
    query: 'query($v: ID!) { cases(filter: { vendorId: $v }) { totalCount pageInfo { hasNextPage } edges { node { id } } } }', variables: (v) => ({ v }),
  },
  {
    name: 'cases(filter: { vendorId }) through a hidden vendor row', subject: 'CaseVendor', filter: true,
    // Vendors of which the viewer sees no row at all (a vendor's own notified rows legitimately match its own id).
    only: (row, sight, world) => !world.caseVendors.some((other) => other.vendorId === row.vendorId && sight.objects.CaseVendor.has(other.id)),
    query: 'query($v: ID!) { cases(filter: { vendorId: $v }) { totalCount edges { node { id } } } }',
    // The vendor of a row the viewer may not see: the filter must not reveal that the vendor is on the case.
    variables: (v, world) => ({ v: world.caseVendors.find((row) => row.id === v)?.vendorId ?? MADE_UP_ID }),
  },
  { name: 'transitionCase', subject: 'Case', query: 'mutation($v: ID!) { transitionCase(input: { caseId: $v, to: WITHDRAWN, reason: "probe" }) { id state } }', variables: (v) => ({ v }) },
  { name: 'updateCase', subject: 'Case', query: 'mutation($v: ID!) { updateCase(input: { caseId: $v, analysisNotes: "probe" }) { id } }', variables: (v) => ({ v }) },
  { name: 'addVendorToCase (case)', subject: 'Case', query: 'mutation($v: ID!, $vendor: ID!) { addVendorToCase(input: { caseId: $v, vendorId: $vendor }) { id } }', variables: (v, world) => ({ v, vendor: world.vendors[0].id }) },
  { name: 'addVendorToCase (vendor)', subject: 'Vendor', query: 'mutation($v: ID!, $case: ID!) { addVendorToCase(input: { caseId: $case, vendorId: $v }) { id } }', variables: (v, world) => ({ v, case: world.cases[0].id }) },
  { name: 'createAdvisory', subject: 'Case', query: 'mutation($v: ID!) { createAdvisory(input: { caseId: $v }) { id } }', variables: (v) => ({ v }) },
  { name: 'notifyVendor', subject: 'CaseVendor', query: 'mutation($v: ID!) { notifyVendor(caseVendorId: $v) { id status } }', variables: (v) => ({ v }) },
  { name: 'updateVendorStatus', subject: 'CaseVendor', query: 'mutation($v: ID!) { updateVendorStatus(input: { caseVendorId: $v, statement: "probe" }) { id } }', variables: (v) => ({ v }) },
  {
    name: 'recordContactAttempt', subject: 'CaseVendor',
    query: `mutation($v: ID!) { recordContactAttempt(input: { caseVendorId: $v, channel: EMAIL, address: "probe@example.com", attemptedAt: "${PAST}", outcome: NO_RESPONSE }) { id } }`,
    variables: (v) => ({ v }),
  },
  {
    name: 'recordContactAttempt (correctsAttemptId)', subject: 'ContactAttempt',
    query: `mutation($v: ID!, $row: ID!) { recordContactAttempt(input: { caseVendorId: $row, channel: EMAIL, address: "probe@example.com", attemptedAt: "${PAST}", outcome: NO_RESPONSE, correctsAttemptId: $v }) { id } }`,
    variables: (v, world) => ({ v, row: world.caseVendors[0].id }),
  },
  { name: 'updateAdvisory', subject: 'Advisory', query: 'mutation($v: ID!) { updateAdvisory(input: { advisoryId: $v, internalNotes: "probe" }) { id } }', variables: (v) => ({ v }) },
  { name: 'publishAdvisory', subject: 'Advisory', query: 'mutation($v: ID!) { publishAdvisory(input: { advisoryId: $v }) { id } }', variables: (v) => ({ v }) },
  { name: 'addProduct', subject: 'Vendor', query: 'mutation($v: ID!) { addProduct(input: { vendorId: $v, name: "Probe" }) { id } }', variables: (v) => ({ v }) },
  { name: 'addContactPoint', subject: 'Vendor', query: 'mutation($v: ID!) { addContactPoint(input: { vendorId: $v, kind: EMAIL, value: "probe@example.com" }) { id } }', variables: (v) => ({ v }) },
  { name: 'updateUser', subject: 'User', query: 'mutation($v: ID!) { updateUser(input: { userId: $v, active: true }) { id } }', variables: (v) => ({ v }) },
  { name: 'revokeApiKey', subject: 'ApiKey', query: 'mutation($v: ID!) { revokeApiKey(id: $v) { id } }', variables: (v) => ({ v }) },
  {
    name: 'createUser (organizationId)', subject: 'Organization',
    query: 'mutation($v: ID!) { createUser(input: { email: "probe@example.com", displayName: "Probe", organizationId: $v }) { id } }', variables: (v) => ({ v }),
  },
  { name: 'createApiKey (organizationId)', subject: 'Organization', query: 'mutation($v: ID!) { createApiKey(input: { name: "probe", organizationId: $v }) { secret } }', variables: (v) => ({ v }) },
  {
    // A finder names the receiving organization it reports to, so receivers are known to finders by design
    // (docs/security.md); every other organization must be indistinguishable from a made-up id.
    name: 'submitReport (receiverOrganizationId of a non-receiver)', subject: 'Organization', only: (row) => row.kind !== 'RECEIVER',
    query: 'mutation($v: ID!) { submitReport(input: { title: "Probe", description: "A probing report.", affectedProducts: "x", finderConsentToName: false, receiverOrganizationId: $v }) { id } }',
    variables: (v) => ({ v }),
  },
  ...DISCLOSURE_WAYS,
  ...COMMITTEE_WAYS,
  ...PUBLICATION_WAYS,
];

/** Mutations that name no existing object. */
export const NO_TARGET = ['createOrganization', 'createVendor'];

