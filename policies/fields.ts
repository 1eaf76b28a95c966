import { DisclosureSection } from '../src/disclosure/disclosure-section';

/**
 * Field sets the policies grant. A rule without a field list grants every field of its subject.
 * Fields not listed for a viewer resolve to null (the schema marks them role-dependent).
 */
export const CASE_SUMMARY = ['id', 'reference', 'title', 'state', 'receivedAt', 'updatedAt'];
export const CASE_VULNERABILITY = [
  ...CASE_SUMMARY,
  'description',
  'affectedProducts',
  'overseasCoordination',
  'cvssV3Vector',
  'cvssV4Vector',
  'cweId',
  'analysisNotes',
];
/** What the receiving organization works with while it holds the report: all but the coordinator's notes. */
export const CASE_FOR_RECEIVER = [...CASE_VULNERABILITY, 'finderName', 'finderConsentToName'];
/**
 * The vendor's view: the vulnerability and analysis; the finder's name only with consent (a separate rule). And the
 * case's publication schedule (not a GraphQL field: it decides whether `state` reads PUBLICATION_SCHEDULED, see
 * src/cases/shown-state.ts): a notified vendor negotiated the date and reads the scheduled advisory's status and
 * publishedAt anyway.
 */
export const CASE_FOR_VENDOR = [...CASE_VULNERABILITY, 'finderConsentToName', 'publicationDueAt'];
/** The finder's view of its own report: what it sent and where it stands, never the analysis or vendors. */
export const CASE_FOR_FINDER = [...CASE_SUMMARY, 'description', 'affectedProducts', 'finderName', 'finderConsentToName'];
export const CASE_ANALYSIS_INPUT = ['cvssV3Vector', 'cvssV4Vector', 'cweId', 'analysisNotes'];

export const TRANSITION_PUBLIC_FIELDS = ['id', 'fromState', 'toState', 'at'];
/**
 * A transition exists for anyone but coordinator staff only from its time on: the move to PUBLISHED of a scheduled
 * publication is recorded when it is scheduled, with the time it takes effect.
 */
export const transitionHappened = (now: Date) => ({ at: { $lte: now } });

export const CONTACT_ATTEMPT_FOR_VENDOR = ['id', 'channel', 'address', 'attemptedAt', 'outcome', 'correctsAttemptId', 'createdAt'];

export const ADVISORY_PUBLIC = [
  'id', 'identifier', 'title', 'overview', 'affectedProducts', 'impact', 'solution', 'vendorStatements',
  'cvssV3Vector', 'cvssV4Vector', 'cweId', 'cveIds', 'status', 'publishedAt', 'unableToCoordinate',
  'coordinatorVerification', 'createdAt', 'updatedAt', 'workarounds', 'severity', 'revision', 'revisedAt',
];
/** A credit as the public sees it once accepted: never the account, the status trail or dates. */
export const ADVISORY_CREDIT_PUBLIC = ['id', 'type', 'name', 'organizationName'];

/**
 * A vendor reads the draft of its own case, but not the other vendors' statements it quotes, nor its updatedAt: that
 * moves with every edit of the draft, the statements and the coordinator's notes included.
 */
export const ADVISORY_DRAFT_FOR_VENDOR = ADVISORY_PUBLIC.filter((field) => field !== 'vendorStatements' && field !== 'updatedAt');

/**
 * What any live disclosure grant shows of its advisory, whatever the sections (the schema needs them non-null; the
 * advisories list sorts by createdAt). Not updatedAt: it moves when text outside the granted sections is edited. Not
 * publishedAt (nor identifier or revision, set when a publication is scheduled): whoever may not read publishedAt reads
 * a scheduled advisory's status as DRAFT until it is due (src/advisories/shown-status.ts).
 */
export const ADVISORY_FOR_GRANTEE = ['id', 'title', 'status', 'createdAt'];
/** The advisory fields each disclosure section covers. A field in no section is never shown to a grantee. */
export const ADVISORY_SECTION_FIELDS: Record<DisclosureSection, string[]> = {
  [DisclosureSection.OVERVIEW]: ['overview'],
  [DisclosureSection.AFFECTED_PRODUCTS]: ['affectedProducts'],
  [DisclosureSection.IMPACT]: ['impact'],
  [DisclosureSection.MITIGATIONS]: ['solution', 'workarounds'],
  [DisclosureSection.TECHNICAL_DETAILS]: ['cweId', 'cveIds'],
  [DisclosureSection.CVSS]: ['cvssV3Vector', 'cvssV4Vector', 'severity'],
};
/** A recipient's view of its own grant: never the coordinator's reason, the other recipients or the revocation. */
export const GRANT_FOR_GRANTEE = ['id', 'tlp', 'startsAt', 'endsAt', 'acknowledgedAt', 'createdAt', 'updatedAt'];

/** The public list of unreachable developers: stage 1 publishes the name, stage 2 adds the product information. */
export const LISTING_STAGE_ONE_PUBLIC = ['id', 'caseReference', 'vendorName', 'stageOnePublishedAt', 'contactEstablishedAt'];
export const LISTING_STAGE_TWO_PUBLIC = ['productName', 'productVersions', 'stageTwoPublishedAt'];
/** What the committee reads of a referred case: the vulnerability, never the finder or the coordinator's notes. */
export const CASE_FOR_COMMITTEE = CASE_VULNERABILITY;
/** The record of every contact attempt, without the coordinator's internal notes. */
export const CONTACT_ATTEMPT_FOR_COMMITTEE = CONTACT_ATTEMPT_FOR_VENDOR;
