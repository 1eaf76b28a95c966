/**
 * The secrecy oracle: which objects, which of their fields and therefore which counts a viewer may see in a world
 * at an instant. Written from the access rules in the README and the issues, deliberately apart from policies/
 * (it imports nothing from there and nothing from src/authorization): when the two disagree, one of them is wrong.
 *
 * The rules, as the issues state them:
 * - Coordinator staff: everything.
 * - Receiving organization: the cases it registered, in full (but the coordinator's notes) while it holds them
 *   (RECEIVED, UNDER_ANALYSIS), afterwards only the summary; their state history; the transition details
 *   (actor, reason) only while it holds the case.
 * - Vendor: only cases on which its CaseVendor row has been notified (status other than UNNOTIFIED); of those the
 *   vulnerability and analysis, the finder's name only with the finder's consent, never the coordinator's notes;
 *   its own notified CaseVendor rows; the contact attempts on those rows without the internal notes; the advisory
 *   of such a case without the other vendors' statements and the internal notes; its own vendor profile,
 *   products and contact points.
 * - Finder (any person who reported): its own reports (summary, description, affected products, its name and its
 *   consent) and their state history (no actor, no reason); nothing about vendors.
 * - Nothing is visible before its time: for anyone but coordinator staff a transition exists only from its `at` on
 *   (a scheduled publication's move to PUBLISHED is recorded with the publication time; publication.ts).
 * - Every authenticated caller: itself, its organization and its colleagues; an organization admin also its
 *   organization's API keys.
 * - Everyone, with or without credentials: advisories with status PUBLISHED whose publishedAt has come, without
 *   the internal notes.
 * - Everyone, coordinator staff included (the list is one public view): the entries of the list of unreachable
 *   developers (issue 3) that are not withdrawn and whose stage-1 time has come, each with the case's public
 *   reference, the vendor name, the date listed and, once reached, the date contact was established; the product
 *   name and versions (and when they were added) only once the stage-2 time has come. An entry whose time is in the
 *   future is invisible, exactly as if it did not exist.
 * - Issue 5's publication (revisions, credits, published vendor statuses, products, staged edits): publication.ts.
 * A viewer whose credentials are bad (inactive user, revoked key, unknown) is refused, never served the public view.
 */
import { AdvisoryStatus } from '../../src/advisories/advisory.entity';
import { CaseState, CaseVendorStatus } from '../../src/cases/case.entity';
import { OrganizationKind } from '../../src/organizations/organization.entity';
import { UserRole } from '../../src/organizations/user.entity';
import { COMMITTEE_ORACLE_FIELDS, committeeSight, CommitteeSubject } from './committee';
import { DISCLOSURE_ORACLE_FIELDS, disclosureSight, DisclosureSubject } from './disclosure';
import { ADVISORY_PUBLICATION_FIELDS, PUBLICATION_FIELDS, PublicationSubject, publicationSight } from './publication';
import type { Principal, World } from './world';

export type Subject = 'Organization' | 'User' | 'ApiKey' | 'Vendor' | 'Product' | 'ContactPoint' | 'Case' | 'CaseVendor' | 'CaseTransition' | 'ContactAttempt' | 'Advisory' | 'UnreachableDeveloperEntry'
  | DisclosureSubject | CommitteeSubject | PublicationSubject;

/** The fields each subject exposes, as the oracle knows them (a test checks this against the schema). */
export const ORACLE_FIELDS: Record<Subject, readonly string[]> = {
  Organization: ['id', 'name', 'kind', 'createdAt'],
  User: ['id', 'email', 'displayName', 'role', 'active', 'createdAt'],
  ApiKey: ['id', 'name', 'prefix', 'role', 'createdAt', 'lastUsedAt', 'revokedAt'],
  Vendor: ['id', 'name', 'website', 'createdAt'],
  Product: ['id', 'name', 'versions'],
  ContactPoint: ['id', 'kind', 'value', 'note'],
  Case: [
    'id', 'reference', 'title', 'state', 'receivedAt', 'updatedAt', 'description', 'affectedProducts', 'finderName', 'finderConsentToName',
    'overseasCoordination', 'cvssV3Vector', 'cvssV4Vector', 'cweId', 'analysisNotes', 'coordinatorNotes',
  ],
  CaseVendor: ['id', 'status', 'statement', 'notifiedAt', 'updatedAt'],
  CaseTransition: ['id', 'fromState', 'toState', 'actorName', 'reason', 'at'],
  ContactAttempt: ['id', 'channel', 'address', 'attemptedAt', 'outcome', 'notes', 'correctsAttemptId', 'createdAt'],
  Advisory: [
    'id', 'identifier', 'title', 'overview', 'affectedProducts', 'impact', 'solution', 'vendorStatements', 'cvssV3Vector', 'cvssV4Vector', 'cweId',
    'cveIds', 'status', 'publishedAt', 'unableToCoordinate', 'coordinatorVerification', 'internalNotes', 'createdAt', 'updatedAt',
    ...ADVISORY_PUBLICATION_FIELDS,
  ],
  // The columns of a list entry (world.listings) that the public entry shows, directly or computed (see model.ts).
  UnreachableDeveloperEntry: ['id', 'caseReference', 'vendorName', 'stageOnePublishedAt', 'contactEstablishedAt', 'productName', 'productVersions', 'stageTwoPublishedAt'],
  ...DISCLOSURE_ORACLE_FIELDS,
  ...COMMITTEE_ORACLE_FIELDS,
  ...PUBLICATION_FIELDS,
};
export const SUBJECTS = Object.keys(ORACLE_FIELDS) as Subject[];
/** Subjects coordinator staff see in full (the public list is a public view for everyone). */
const INTERNAL_SUBJECTS = ['Organization', 'User', 'ApiKey', 'Vendor', 'Product', 'ContactPoint', 'Case', 'CaseVendor', 'CaseTransition', 'ContactAttempt', 'Advisory'] as const;

const CASE_SUMMARY = ['id', 'reference', 'title', 'state', 'receivedAt', 'updatedAt'];
const CASE_OF_FINDER = [...CASE_SUMMARY, 'description', 'affectedProducts', 'finderName', 'finderConsentToName'];
const CASE_VULNERABILITY_AND_ANALYSIS = [...CASE_SUMMARY, 'description', 'affectedProducts', 'overseasCoordination', 'cvssV3Vector', 'cvssV4Vector', 'cweId', 'analysisNotes'];
const CASE_OF_VENDOR = [...CASE_VULNERABILITY_AND_ANALYSIS, 'finderConsentToName'];
const CASE_HELD_BY_RECEIVER = ORACLE_FIELDS.Case.filter((field) => field !== 'coordinatorNotes');
const TRANSITION_HISTORY = ['id', 'fromState', 'toState', 'at'];
const ATTEMPT_OF_VENDOR = ORACLE_FIELDS.ContactAttempt.filter((field) => field !== 'notes');
// Staged edits (issue 5) are coordinator staff's alone, like the internal notes.
const ADVISORY_OF_PUBLIC = ORACLE_FIELDS.Advisory.filter((field) => field !== 'internalNotes' && field !== 'pendingRevision');
const ADVISORY_DRAFT_OF_VENDOR = ADVISORY_OF_PUBLIC.filter((field) => field !== 'vendorStatements' && field !== 'updatedAt');
const LISTED_ENTRY = ['id', 'caseReference', 'vendorName', 'stageOnePublishedAt', 'contactEstablishedAt'];
const LISTED_PRODUCT = ['productName', 'productVersions', 'stageTwoPublishedAt'];
const HELD_BY_RECEIVER: readonly CaseState[] = [CaseState.RECEIVED, CaseState.UNDER_ANALYSIS];

/** Who the viewer is, worked out from the world itself. */
export interface Identity {
  /** False for bad credentials: every request is UNAUTHENTICATED. */
  valid: boolean;
  authenticated: boolean;
  persona: 'PUBLIC' | 'FINDER' | OrganizationKind;
  userId: string | null;
  organizationId: string | null;
  role: UserRole | null;
  vendorId: string | null;
}

export function identify(world: World, principal: Principal): Identity {
  const nobody: Identity = { valid: true, authenticated: false, persona: 'PUBLIC', userId: null, organizationId: null, role: null, vendorId: null };
  if (principal.kind === 'anonymous') return nobody;
  const user = principal.kind === 'user' ? world.users.find((row) => row.id === principal.userId) : undefined;
  const key = principal.kind === 'apiKey' ? world.apiKeys.find((row) => row.id === principal.apiKeyId) : undefined;
  if (principal.kind === 'user' && (!user || !user.active)) return { ...nobody, valid: false };
  if (principal.kind === 'apiKey' && (!key || key.revokedAt !== null)) return { ...nobody, valid: false };
  const organizationId = user ? user.organizationId : key!.organizationId;
  const organization = world.organizations.find((row) => row.id === organizationId);
  const vendor = organization ? world.vendors.find((row) => row.organizationId === organization.id) : undefined;
  return {
    valid: true,
    authenticated: true,
    persona: organization?.kind ?? 'FINDER',
    userId: user?.id ?? null,
    organizationId: organization?.id ?? null,
    role: user ? user.role : key!.role,
    vendorId: vendor?.id ?? null,
  };
}

/** What a viewer sees: for each subject, the visible objects by id with the fields readable on each. */
export interface Sight {
  identity: Identity;
  /** The instant the sight holds for. */
  now: Date;
  objects: Record<Subject, Map<string, ReadonlySet<string>>>;
  /**
   * Fields the viewer's rules grant on some object of the subject, whatever the world holds. Empty when the viewer
   * has no rule for the subject at all. Filtering or sorting on a field outside this set is refused.
   */
  granted: Record<Subject, ReadonlySet<string>>;
}

export function oracle(world: World, principal: Principal, now: Date): Sight {
  const identity = identify(world, principal);
  const objects = Object.fromEntries(SUBJECTS.map((name) => [name, new Map<string, ReadonlySet<string>>()])) as Sight['objects'];
  const granted = Object.fromEntries(SUBJECTS.map((name) => [name, new Set<string>()])) as Record<Subject, Set<string>>;
  const grant = (name: Subject, fields: readonly string[]) => fields.forEach((field) => granted[name].add(field));
  const see = (name: Subject, id: string, fields: readonly string[]) => {
    if (fields.length === 0) return;
    const current = objects[name].get(id);
    objects[name].set(id, new Set([...(current ?? []), ...fields]));
  };

  if (!identity.valid) return { identity, now, objects, granted };
  const context: SightContext = { world, identity, now, see, grant, sees: (name, id) => objects[name].has(id) };
  coreSight(context);
  for (const domainSight of DOMAIN_SIGHTS) domainSight(context);
  return { identity, now, objects, granted };
}

/** What a domain's rules get to work with: the world, who is looking, when, and how to record what it sees. */
export interface SightContext {
  world: World;
  identity: Identity;
  now: Date;
  /** The viewer sees object `id` of `subject` with these fields (added to any seen already). */
  see(subject: Subject, id: string, fields: readonly string[]): void;
  /** The viewer's rules grant these fields on some object of `subject` (see Sight.granted). */
  grant(subject: Subject, fields: readonly string[]): void;
  /** Whether the viewer sees object `id` of `subject` by the rules applied so far (the core's, then earlier domains'). */
  sees(subject: Subject, id: string): boolean;
}

/** The rules of the later issues' subjects, one function per domain, each applied to every valid viewer. */
const DOMAIN_SIGHTS: ((context: SightContext) => void)[] = [disclosureSight, committeeSight, publicationSight];

/** The rules of issue 2 (cases, vendors, contact, advisories, organizations) and of the public list. */
function coreSight({ world, identity, now, see, grant }: SightContext): void {
  const { persona, userId, organizationId, vendorId } = identity;
  const coordinator = persona === OrganizationKind.COORDINATOR;
  const receiver = persona === OrganizationKind.RECEIVER;
  const vendor = persona === OrganizationKind.VENDOR && vendorId !== null;
  const admin = identity.role === UserRole.ADMIN;

  const notifiedRowsOfViewer = new Set(
    vendor ? world.caseVendors.filter((row) => row.vendorId === vendorId && row.status !== CaseVendorStatus.UNNOTIFIED).map((row) => row.id) : [],
  );
  const casesViewerWasNotifiedOf = new Set(world.caseVendors.filter((row) => notifiedRowsOfViewer.has(row.id)).map((row) => row.caseId));
  const caseById = new Map(world.cases.map((row) => [row.id, row]));

  // The public list of unreachable developers: the same for every viewer.
  const due = (time: Date | null) => time !== null && time.getTime() <= now.getTime();
  const happened = (time: Date) => time.getTime() <= now.getTime();
  grant('UnreachableDeveloperEntry', [...LISTED_ENTRY, ...LISTED_PRODUCT]);
  for (const row of world.listings) {
    if (row.withdrawn || !due(row.stageOnePublishedAt)) continue;
    see('UnreachableDeveloperEntry', row.id, due(row.stageTwoPublishedAt) ? [...LISTED_ENTRY, ...LISTED_PRODUCT] : LISTED_ENTRY);
  }

  if (coordinator) {
    for (const name of INTERNAL_SUBJECTS) grant(name, ORACLE_FIELDS[name]);
    const all: Record<(typeof INTERNAL_SUBJECTS)[number], { id: string }[]> = {
      Organization: world.organizations, User: world.users, ApiKey: world.apiKeys, Vendor: world.vendors, Product: world.products,
      ContactPoint: world.contactPoints, Case: world.cases, CaseVendor: world.caseVendors, CaseTransition: world.transitions,
      ContactAttempt: world.contactAttempts, Advisory: world.advisories,
    };
    for (const name of INTERNAL_SUBJECTS) for (const row of all[name]) see(name, row.id, ORACLE_FIELDS[name]);
    return;
  }

  // The public: published advisories once their time has come.
  grant('Advisory', ADVISORY_OF_PUBLIC);
  for (const row of world.advisories) {
    if (row.status === AdvisoryStatus.PUBLISHED && row.publishedAt !== null && row.publishedAt.getTime() <= now.getTime()) see('Advisory', row.id, ADVISORY_OF_PUBLIC);
  }
  if (!identity.authenticated) return;

  // Every member: itself, its organization, its colleagues; an admin its organization's keys.
  if (userId) {
    grant('User', ORACLE_FIELDS.User);
    see('User', userId, ORACLE_FIELDS.User);
  }
  if (organizationId) {
    grant('Organization', ORACLE_FIELDS.Organization);
    grant('User', ORACLE_FIELDS.User);
    see('Organization', organizationId, ORACLE_FIELDS.Organization);
    for (const row of world.users) if (row.organizationId === organizationId) see('User', row.id, ORACLE_FIELDS.User);
    if (admin) {
      grant('ApiKey', ORACLE_FIELDS.ApiKey);
      for (const row of world.apiKeys) if (row.organizationId === organizationId) see('ApiKey', row.id, ORACLE_FIELDS.ApiKey);
    }
  }

  // Any person may have reported: its own reports and their history.
  if (userId) {
    grant('Case', CASE_OF_FINDER);
    grant('CaseTransition', TRANSITION_HISTORY);
    for (const row of world.cases) if (row.finderUserId === userId) see('Case', row.id, CASE_OF_FINDER);
    for (const row of world.transitions) if (caseById.get(row.caseId)?.finderUserId === userId && happened(row.at)) see('CaseTransition', row.id, TRANSITION_HISTORY);
  }

  if (receiver) {
    grant('Case', CASE_HELD_BY_RECEIVER);
    grant('CaseTransition', ORACLE_FIELDS.CaseTransition);
    for (const row of world.cases) {
      if (row.registeredByOrgId !== organizationId) continue;
      see('Case', row.id, HELD_BY_RECEIVER.includes(row.state) ? CASE_HELD_BY_RECEIVER : CASE_SUMMARY);
    }
    for (const row of world.transitions) {
      const owner = caseById.get(row.caseId);
      if (owner?.registeredByOrgId !== organizationId || !happened(row.at)) continue;
      see('CaseTransition', row.id, HELD_BY_RECEIVER.includes(owner.state) ? ORACLE_FIELDS.CaseTransition : TRANSITION_HISTORY);
    }
  }

  if (vendor) {
    grant('Case', [...CASE_OF_VENDOR, 'finderName']);
    grant('CaseVendor', ORACLE_FIELDS.CaseVendor);
    grant('ContactAttempt', ATTEMPT_OF_VENDOR);
    grant('Advisory', ADVISORY_DRAFT_OF_VENDOR);
    grant('Vendor', ORACLE_FIELDS.Vendor);
    grant('Product', ORACLE_FIELDS.Product);
    grant('ContactPoint', ORACLE_FIELDS.ContactPoint);
    for (const row of world.cases) {
      if (!casesViewerWasNotifiedOf.has(row.id)) continue;
      see('Case', row.id, row.finderConsentToName ? [...CASE_OF_VENDOR, 'finderName'] : CASE_OF_VENDOR);
    }
    for (const row of world.caseVendors) if (notifiedRowsOfViewer.has(row.id)) see('CaseVendor', row.id, ORACLE_FIELDS.CaseVendor);
    for (const row of world.contactAttempts) if (notifiedRowsOfViewer.has(row.caseVendorId)) see('ContactAttempt', row.id, ATTEMPT_OF_VENDOR);
    for (const row of world.advisories) if (casesViewerWasNotifiedOf.has(row.caseId)) see('Advisory', row.id, ADVISORY_DRAFT_OF_VENDOR);
    see('Vendor', vendorId!, ORACLE_FIELDS.Vendor);
    for (const row of world.products) if (row.vendorId === vendorId) see('Product', row.id, ORACLE_FIELDS.Product);
    for (const row of world.contactPoints) if (row.vendorId === vendorId) see('ContactPoint', row.id, ORACLE_FIELDS.ContactPoint);
  }
}

/** True when the viewer may read `field` of the object (false for objects it cannot see at all). */
export function readable(sight: Sight, subject: Subject, id: string, field: string): boolean {
  return sight.objects[subject].get(id)?.has(field) ?? false;
}
