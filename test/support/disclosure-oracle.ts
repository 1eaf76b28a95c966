/**
 * What an operator may see, written from the words alone and on purpose without policies/ or src/: a plain
 * function over a plain description of the world. The property test compares the API with it.
 */

export type OracleSection = 'OVERVIEW' | 'AFFECTED_PRODUCTS' | 'IMPACT' | 'MITIGATIONS' | 'TECHNICAL_DETAILS' | 'CVSS';
export type OracleTlp = 'AMBER' | 'AMBER_STRICT' | 'RED';

export const ORACLE_SECTIONS: OracleSection[] = ['OVERVIEW', 'AFFECTED_PRODUCTS', 'IMPACT', 'MITIGATIONS', 'TECHNICAL_DETAILS', 'CVSS'];

/** The advisory text of each section, as the issue and the schema describe them. */
const SECTION_TEXT: Record<OracleSection, string[]> = {
  OVERVIEW: ['overview'],
  AFFECTED_PRODUCTS: ['affectedProducts'],
  IMPACT: ['impact'],
  MITIGATIONS: ['solution', 'workarounds'],
  TECHNICAL_DETAILS: ['cweId', 'cveIds'],
  CVSS: ['cvssV3Vector', 'cvssV4Vector', 'severity'],
};

/** Every advisory field the property test asks for. */
export const ORACLE_FIELDS = [
  'id', 'title', 'status', 'identifier', 'overview', 'affectedProducts', 'impact', 'solution', 'workarounds', 'vendorStatements',
  'cvssV3Vector', 'cvssV4Vector', 'severity', 'cweId', 'cveIds', 'publishedAt', 'unableToCoordinate', 'coordinatorVerification', 'internalNotes',
] as const;
export type OracleField = (typeof ORACLE_FIELDS)[number];

/** What anyone reads once an advisory is public: everything but the coordinator's internal notes. */
const PUBLIC_FIELDS: OracleField[] = ORACLE_FIELDS.filter((field) => field !== 'internalNotes');
/** What every grant shows besides its sections. */
const ALWAYS_SHOWN_TO_GRANTEES: OracleField[] = ['id', 'title', 'status'];

export interface OracleAdvisory {
  id: string;
  status: 'DRAFT' | 'PUBLISHED';
  publishedAt: Date | null;
  /** Every field of ORACLE_FIELDS but id, status and publishedAt, as stored. */
  text: Record<Exclude<OracleField, 'id' | 'status' | 'publishedAt'>, unknown>;
}

export interface OracleGrant {
  id: string;
  advisoryId: string;
  organizationId: string;
  sections: OracleSection[];
  tlp: OracleTlp;
  recipientUserIds: string[];
  startsAt: Date;
  endsAt: Date | null;
  revoked: boolean;
}

export interface OracleWorld {
  advisories: OracleAdvisory[];
  grants: OracleGrant[];
}

export interface OracleViewer {
  organizationId: string;
  /** Null for an organization API key: it acts for the organization, so it is never a named (RED) recipient. */
  userId: string | null;
}

function isPublic(advisory: OracleAdvisory, now: Date): boolean {
  return advisory.status === 'PUBLISHED' && advisory.publishedAt !== null && advisory.publishedAt.getTime() <= now.getTime();
}

function grantReaches(grant: OracleGrant, viewer: OracleViewer, now: Date): boolean {
  if (grant.organizationId !== viewer.organizationId || grant.revoked) return false;
  if (now.getTime() < grant.startsAt.getTime()) return false;
  if (grant.endsAt && now.getTime() >= grant.endsAt.getTime()) return false;
  return grant.tlp !== 'RED' || (viewer.userId !== null && grant.recipientUserIds.includes(viewer.userId));
}

/** The grants the viewer lists at `now`: those reaching it, on advisories not yet public. */
export function expectedGrants(world: OracleWorld, viewer: OracleViewer, now: Date): OracleGrant[] {
  return world.grants.filter((grant) => {
    const advisory = world.advisories.find((candidate) => candidate.id === grant.advisoryId)!;
    return grantReaches(grant, viewer, now) && !isPublic(advisory, now);
  });
}

/**
 * A grantee never reads `publishedAt`, so it may not learn that a publication is scheduled: until the advisory is
 * public its status reads DRAFT, scheduled or not.
 */
function fieldValue(advisory: OracleAdvisory, field: OracleField, now: Date): unknown {
  if (field === 'id') return advisory.id;
  if (field === 'status') return isPublic(advisory, now) ? advisory.status : 'DRAFT';
  if (field === 'publishedAt') return advisory.publishedAt ? advisory.publishedAt.toISOString() : null;
  return advisory.text[field];
}

/**
 * The fields of an advisory that is not public at `now` which the viewer's live grants give it (id, title, status
 * and the granted sections), or null when no grant reaches it.
 */
export function grantedAdvisoryFields(world: OracleWorld, viewer: OracleViewer, now: Date, advisoryId: string): OracleField[] | null {
  const reaching = world.grants.filter((grant) => grant.advisoryId === advisoryId && grantReaches(grant, viewer, now));
  if (reaching.length === 0) return null;
  const sections = new Set(reaching.flatMap((grant) => grant.sections));
  return [...ALWAYS_SHOWN_TO_GRANTEES, ...[...sections].flatMap((section) => SECTION_TEXT[section] as OracleField[])];
}

/** The advisory as the viewer receives it at `now`, with null for every field it may not read; null if it does not exist for the viewer. */
export function expectedAdvisory(world: OracleWorld, viewer: OracleViewer, now: Date, advisoryId: string): Record<OracleField, unknown> | null {
  const advisory = world.advisories.find((candidate) => candidate.id === advisoryId);
  if (!advisory) return null;
  const shown = isPublic(advisory, now) ? PUBLIC_FIELDS : grantedAdvisoryFields(world, viewer, now, advisoryId);
  if (shown === null) return null;
  const view = {} as Record<OracleField, unknown>;
  for (const field of ORACLE_FIELDS) view[field] = shown.includes(field) ? fieldValue(advisory, field, now) : null;
  return view;
}
