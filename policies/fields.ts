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
/** The vendor's view: the vulnerability and analysis; the finder's name only with consent (a separate rule). */
export const CASE_FOR_VENDOR = [...CASE_VULNERABILITY, 'finderConsentToName'];
/** The finder's view of its own report: what it sent and where it stands, never the analysis or vendors. */
export const CASE_FOR_FINDER = [...CASE_SUMMARY, 'description', 'affectedProducts', 'finderName', 'finderConsentToName'];
export const CASE_ANALYSIS_INPUT = ['cvssV3Vector', 'cvssV4Vector', 'cweId', 'analysisNotes'];

export const TRANSITION_PUBLIC_FIELDS = ['id', 'fromState', 'toState', 'at'];

export const CONTACT_ATTEMPT_FOR_VENDOR = ['id', 'channel', 'address', 'attemptedAt', 'outcome', 'correctsAttemptId', 'createdAt'];

export const ADVISORY_PUBLIC = [
  'id', 'identifier', 'title', 'overview', 'affectedProducts', 'impact', 'solution', 'vendorStatements',
  'cvssV3Vector', 'cvssV4Vector', 'cweId', 'cveIds', 'status', 'publishedAt', 'unableToCoordinate',
  'coordinatorVerification', 'createdAt', 'updatedAt',
];
/** A vendor reads the draft of its own case, but not the other vendors' statements it quotes. */
export const ADVISORY_DRAFT_FOR_VENDOR = ADVISORY_PUBLIC.filter((field) => field !== 'vendorStatements');
