/**
 * Advisory publication (issue 5) in the secrecy suite: the world rows of revisions, credits, published vendor
 * statuses and products, their generator, the oracle's rules for them and how the GraphQL types map onto them.
 *
 * The rules, as the README and issue 5 state them:
 * - Coordinator staff: everything, the edits staged for the next revision (`pendingRevision`) included.
 * - Nobody else ever reads `pendingRevision`: staged edits are not public until released as a revision.
 * - What a published advisory carries besides its text (its revisions, the vendors' published statuses and its
 *   products) is public with it: from its publication time, to everyone.
 * - A credit is public only once ACCEPTED and the advisory is public, and then only what is printed: its type, the
 *   name and the organization name. The person a credit names (by account) sees that credit in full, whatever its
 *   status and whether or not the advisory is public, to accept or decline it.
 * - A vendor reads the draft of a case it was notified of (core rules) and, on it, its own product rows only: the
 *   other vendors on the case stay hidden until publication.
 * - A publication scheduled for later must not show before its time, in its advisory (`shownAdvisoryStatus`: DRAFT
 *   to anyone who may not know of the schedule, an operator with a grant say) or in its case (`shownCaseState`): the case reads
 *   PUBLISHED to everyone who sees it from the publication time on (to the millisecond); before, coordinator staff
 *   and the vendors notified on the case (who agreed the date and read the scheduled advisory) read
 *   PUBLICATION_SCHEDULED, everyone else the state the case was in when it was scheduled. Its move to PUBLISHED is
 *   recorded with the publication time, and transitions exist for anyone but staff only from their time (core rules).
 */
import fc from 'fast-check';
import { AdvisoryPendingRevision, AdvisorySeverity, AdvisoryStatus } from '../../src/advisories/advisory.entity';
import { CreditStatus, CreditType, VendorVerificationResult } from '../../src/advisories/advisory-publication.entity';
import { CaseState, CaseVendorStatus } from '../../src/cases/case.entity';
import { OrganizationKind } from '../../src/organizations/organization.entity';
import type { RelationModel, Row, TypeModel } from './model';
import type { Sight, SightContext } from './oracle';
import type { World } from './world';

export interface AdvisoryRevisionRow { id: string; advisoryId: string; number: number; releasedAt: Date; summary: string; actorUserId: string | null }
export interface AdvisoryCreditRow {
  id: string; advisoryId: string; type: CreditType; name: string; organizationName: string | null; userId: string | null; status: CreditStatus;
  respondedAt: Date | null; createdAt: Date;
}
export interface AdvisoryVendorStatusRow {
  id: string; advisoryId: string; vendorId: string; vendorName: string; responseStatus: CaseVendorStatus; verificationResult: VendorVerificationResult;
  statement: string | null; recordedAt: Date;
}
export interface AdvisoryProductRow { id: string; advisoryId: string; vendorId: string; vendorName: string; name: string; versions: string | null; position: number }

/** The fields each subject of this domain exposes (spread into ORACLE_FIELDS). */
export const PUBLICATION_FIELDS = {
  AdvisoryRevision: ['id', 'number', 'releasedAt', 'summary'],
  AdvisoryCredit: ['id', 'type', 'name', 'organizationName', 'status', 'respondedAt', 'createdAt'],
  AdvisoryVendorStatus: ['id', 'vendorName', 'responseStatus', 'verificationResult', 'statement', 'recordedAt'],
  AdvisoryProduct: ['id', 'vendorName', 'name', 'versions'],
} as const satisfies Record<string, readonly string[]>;
export type PublicationSubject = keyof typeof PUBLICATION_FIELDS;

/** Advisory columns of this domain; all but `pendingRevision` are published content, read like the advisory's text. */
export const ADVISORY_PUBLICATION_FIELDS = ['workarounds', 'severity', 'revision', 'revisedAt', 'pendingRevision'] as const;
/** What the public reads of an accepted credit: what is printed, never the status, the dates or the account. */
const CREDIT_AS_PRINTED = ['id', 'type', 'name', 'organizationName'];

// ---------------------------------------------------------------------------------------------------------------
// The generator.

const DAY = 86_400_000;

const advisoryPublicationPlan = fc.record({
  workarounds: fc.boolean(),
  severity: fc.option(fc.constantFrom(...Object.values(AdvisorySeverity)), { nil: null }),
  /** Revisions after the initial release (published advisories only). */
  laterRevisions: fc.integer({ min: 0, max: 2 }),
  /** Published vendor statuses: the notified vendors of the case (every vendor when unable to coordinate). */
  vendorStatuses: fc.boolean(),
  verification: fc.nat(),
  staged: fc.option(
    fc.record({ title: fc.boolean(), texts: fc.boolean(), cveIds: fc.boolean(), products: fc.integer({ min: 0, max: 2 }) }),
    { nil: null },
  ),
  // The first candidates are the case's own vendors, so a vendor's own rows on a draft come up often.
  products: fc.array(fc.record({ vendor: fc.nat(), versions: fc.boolean() }), { maxLength: 3 }),
  credits: fc.array(
    fc.record({
      type: fc.constantFrom(...Object.values(CreditType)),
      status: fc.constantFrom(...Object.values(CreditStatus)),
      user: fc.option(fc.nat(), { nil: null }),
      organization: fc.boolean(),
      createdDaysAgo: fc.integer({ min: 1, max: 3 }),
    }),
    { maxLength: 3 },
  ),
});
/** Plans for the advisories in the order they were built, taken in turn (none: the advisories keep the defaults). */
export const publicationPlanArbitrary = fc.array(advisoryPublicationPlan, { maxLength: 8 });
export type AdvisoryPublicationPlan = typeof advisoryPublicationPlan extends fc.Arbitrary<infer T> ? T : never;

export interface PublicationBuilderTools {
  id(): string;
  /** A text with a fresh canary marker. */
  text(label: string): string;
  at(msFromEpoch: number): Date;
}

/**
 * Fills in the publication of each planned advisory: its published columns, revision history (revision 1 at the
 * publication time, later ones some days after), staged edits, the vendors' published statuses, products and
 * credits in every status, some naming users of the world. Staged edits are generated on drafts too: the rule
 * (coordinator staff only) does not depend on the status, and a vendor reading a draft is held to it.
 */
export function buildPublication(world: World, plans: AdvisoryPublicationPlan[], { id, text, at }: PublicationBuilderTools): void {
  world.advisories.forEach((advisory, index) => {
    if (plans.length === 0) return;
    const plan = plans[index % plans.length];
    const caseVendors = world.caseVendors.filter((row) => row.caseId === advisory.caseId);
    advisory.workarounds = plan.workarounds ? text('Workarounds') : null;
    advisory.severity = plan.severity;

    if (advisory.status === AdvisoryStatus.PUBLISHED && advisory.publishedAt) {
      const publishedAt = advisory.publishedAt;
      const releases = Array.from({ length: 1 + plan.laterRevisions }, (_, number) => new Date(publishedAt.getTime() + number * DAY + number));
      releases.forEach((releasedAt, number) => world.advisoryRevisions.push({ id: id(), advisoryId: advisory.id, number: number + 1, releasedAt, summary: text('RevisionSummary'), actorUserId: null }));
      advisory.revision = releases.length;
      advisory.revisedAt = releases.length > 1 ? releases[releases.length - 1] : null;
      if (plan.vendorStatuses) {
        const results = Object.values(VendorVerificationResult);
        caseVendors
          .filter((row) => advisory.unableToCoordinate || row.status !== CaseVendorStatus.UNNOTIFIED)
          .forEach((row, position) => {
            world.advisoryVendorStatuses.push({
              id: id(), advisoryId: advisory.id, vendorId: row.vendorId, vendorName: text('PublishedVendor'), responseStatus: row.status,
              verificationResult: results[(plan.verification + position) % results.length], statement: row.statement ? text('PublishedStatement') : null, recordedAt: publishedAt,
            });
          });
      }
    }

    const vendorCandidates = [...caseVendors.map((row) => row.vendorId), ...world.vendors.map((row) => row.id)];
    plan.products.forEach((product, position) => {
      world.advisoryProducts.push({
        id: id(), advisoryId: advisory.id, vendorId: vendorCandidates[product.vendor % vendorCandidates.length], vendorName: text('ProductVendor'),
        name: text('AdvisoryProduct'), versions: product.versions ? text('AdvisoryVersions') : null, position,
      });
    });

    if (plan.staged) {
      const staged: AdvisoryPendingRevision = {};
      if (plan.staged.title) staged.title = text('StagedTitle');
      if (plan.staged.texts) Object.assign(staged, { impact: text('StagedImpact'), workarounds: text('StagedWorkarounds'), vendorStatements: text('StagedStatements') });
      if (plan.staged.cveIds) staged.cveIds = [stagedCveId(index)];
      if (plan.staged.products > 0) {
        staged.products = Array.from({ length: plan.staged.products }, (_, position) => ({
          vendorId: vendorCandidates[position % vendorCandidates.length], name: text('StagedProduct'), versions: position % 2 ? null : text('StagedVersions'),
        }));
      }
      advisory.pendingRevision = staged;
    }

    for (const credit of plan.credits) {
      const user = credit.user === null || world.users.length === 0 ? null : world.users[credit.user % world.users.length];
      const createdAt = at(-credit.createdDaysAgo * DAY);
      world.advisoryCredits.push({
        id: id(), advisoryId: advisory.id, type: credit.type, name: text('Credited'), organizationName: credit.organization ? text('CreditedOrganization') : null,
        userId: user?.id ?? null, status: credit.status, respondedAt: credit.status === CreditStatus.PENDING ? null : new Date(createdAt.getTime() + 3_600_000), createdAt,
      });
    }
  });
}

/**
 * For the published advisories in the order they were built, taken in turn: whether the advisory was published through
 * `publishAt` from a case in that state (null: at once). A later argument than the other publication plans, so adding
 * it left the worlds sampled before it as they were.
 */
export const schedulingPlanArbitrary = fc.array(fc.option(fc.constantFrom(CaseState.COORDINATING, CaseState.VENDOR_CONTACT), { nil: null, freq: 2 }), { maxLength: 8 });
export type SchedulingPlan = typeof schedulingPlanArbitrary extends fc.Arbitrary<infer T> ? T : never;

/**
 * Publications scheduled through their case: the case is stored as PUBLICATION_SCHEDULED with the advisory's
 * publication time and the state it was scheduled from, and its move to PUBLISHED is recorded at that time.
 */
export function buildScheduling(world: World, plans: SchedulingPlan, { id, text }: Pick<PublicationBuilderTools, 'id' | 'text'>): void {
  if (plans.length === 0) return;
  world.advisories
    .filter((advisory) => advisory.status === AdvisoryStatus.PUBLISHED && advisory.publishedAt)
    .forEach((advisory, index) => {
      const from = plans[index % plans.length];
      const owner = world.cases.find((row) => row.id === advisory.caseId);
      if (!from || !owner) return;
      Object.assign(owner, { state: CaseState.PUBLICATION_SCHEDULED, publicationDueAt: advisory.publishedAt, stateBeforePublication: from });
      world.transitions.push({
        id: id(), caseId: owner.id, fromState: from, toState: CaseState.PUBLISHED, actorUserId: null, actorName: text('Actor'), reason: text('Reason'), at: advisory.publishedAt!,
      });
    });
}

/** A CVE id that exists only in an advisory's staged edits (the published ones are CVE-2026-…). */
function stagedCveId(advisoryIndex: number): string {
  return `CVE-2027-${String(80_000 + advisoryIndex)}`;
}

// ---------------------------------------------------------------------------------------------------------------
// The oracle's rules.

export function publicationSight({ world, identity, now, see, grant }: SightContext): void {
  const subjects = Object.keys(PUBLICATION_FIELDS) as PublicationSubject[];
  const rowsOf: Record<PublicationSubject, { id: string; advisoryId: string }[]> = {
    AdvisoryRevision: world.advisoryRevisions, AdvisoryCredit: world.advisoryCredits, AdvisoryVendorStatus: world.advisoryVendorStatuses, AdvisoryProduct: world.advisoryProducts,
  };
  if (identity.persona === OrganizationKind.COORDINATOR) {
    for (const name of subjects) {
      grant(name, PUBLICATION_FIELDS[name]);
      for (const row of rowsOf[name]) see(name, row.id, PUBLICATION_FIELDS[name]);
    }
    return;
  }

  const publicAdvisories = new Set(
    world.advisories.filter((row) => row.status === AdvisoryStatus.PUBLISHED && row.publishedAt !== null && row.publishedAt.getTime() <= now.getTime()).map((row) => row.id),
  );
  for (const name of ['AdvisoryRevision', 'AdvisoryVendorStatus', 'AdvisoryProduct'] as const) {
    grant(name, PUBLICATION_FIELDS[name]);
    for (const row of rowsOf[name]) if (publicAdvisories.has(row.advisoryId)) see(name, row.id, PUBLICATION_FIELDS[name]);
  }
  grant('AdvisoryCredit', CREDIT_AS_PRINTED);
  for (const row of world.advisoryCredits) if (row.status === CreditStatus.ACCEPTED && publicAdvisories.has(row.advisoryId)) see('AdvisoryCredit', row.id, CREDIT_AS_PRINTED);

  if (identity.userId) {
    grant('AdvisoryCredit', PUBLICATION_FIELDS.AdvisoryCredit);
    for (const row of world.advisoryCredits) if (row.userId === identity.userId) see('AdvisoryCredit', row.id, PUBLICATION_FIELDS.AdvisoryCredit);
  }

  if (identity.persona === OrganizationKind.VENDOR && identity.vendorId) {
    const notifiedCases = new Set(world.caseVendors.filter((row) => row.vendorId === identity.vendorId && row.status !== CaseVendorStatus.UNNOTIFIED).map((row) => row.caseId));
    const advisoriesOfNotifiedCases = new Set(world.advisories.filter((row) => notifiedCases.has(row.caseId)).map((row) => row.id));
    for (const row of world.advisoryProducts) {
      if (row.vendorId === identity.vendorId && advisoriesOfNotifiedCases.has(row.advisoryId)) see('AdvisoryProduct', row.id, PUBLICATION_FIELDS.AdvisoryProduct);
    }
  }
}

/** The due times of the world's scheduled publications, each with the millisecond either side. */
export function scheduledCaseInstants(world: World): Date[] {
  return world.cases.flatMap((row) => (row.publicationDueAt ? [-1, 0, 1].map((offset) => new Date(row.publicationDueAt!.getTime() + offset)) : []));
}

/** Whether the viewer may know of a case's scheduled publication: coordinator staff and the vendors notified on it. */
function seesSchedule(world: World, sight: Sight, caseId: string): boolean {
  const { persona, vendorId } = sight.identity;
  if (persona === OrganizationKind.COORDINATOR) return true;
  return persona === OrganizationKind.VENDOR && vendorId !== null && world.caseVendors.some((row) => row.caseId === caseId && row.vendorId === vendorId && row.status !== CaseVendorStatus.UNNOTIFIED);
}

/** The state a viewer reads of a case at its instant (see the rules at the top). */
export function shownCaseState(world: World, sight: Sight, row: Row): CaseState {
  const state = row.state as CaseState;
  if (state !== CaseState.PUBLICATION_SCHEDULED) return state;
  const due = row.publicationDueAt as Date | null;
  if (due !== null && due.getTime() <= sight.now.getTime()) return CaseState.PUBLISHED;
  return seesSchedule(world, sight, row.id) ? state : (row.stateBeforePublication as CaseState);
}

/**
 * The status a viewer reads of an advisory at its instant: a publication scheduled for later (PUBLISHED, publishedAt
 * ahead) reads PUBLISHED before its time only to those who may know of the schedule (coordinator staff and the vendors
 * notified on its case); to everyone else who sees it (an operator through a grant) it is a DRAFT until then.
 */
export function shownAdvisoryStatus(world: World, sight: Sight, row: Row): AdvisoryStatus {
  const status = row.status as AdvisoryStatus;
  const publishedAt = row.publishedAt as Date | null;
  if (status !== AdvisoryStatus.PUBLISHED || (publishedAt !== null && publishedAt.getTime() <= sight.now.getTime())) return status;
  return seesSchedule(world, sight, row.caseId as string) ? status : AdvisoryStatus.DRAFT;
}

/**
 * The world as it would be at the sight's instant had nobody scheduled the publications this viewer may not know of:
 * each such advisory a draft (no time, identifier, revision, released rows or unable-to-coordinate mark), its case
 * still in the state it was scheduled from, without the recorded move to PUBLISHED. Everything the viewer can see must
 * read the same in both worlds, to the byte.
 */
export function withoutHiddenSchedules(world: World, sight: Sight): { world: World; unscheduled: number } {
  // Row by row (structuredClone would make Dates of another realm under jest, which the drivers do not recognise).
  const copy = Object.fromEntries(Object.entries(world).map(([table, rows]) => [table, (rows as object[]).map((row) => ({ ...row }))])) as unknown as World;
  const now = sight.now.getTime();
  const hidden = copy.advisories.filter(
    (row) => row.status === AdvisoryStatus.PUBLISHED && row.publishedAt !== null && row.publishedAt.getTime() > now && !seesSchedule(world, sight, row.caseId),
  );
  const advisoryIds = new Set(hidden.map((row) => row.id));
  const caseIds = new Set(hidden.map((row) => row.caseId));
  for (const row of hidden) Object.assign(row, { status: AdvisoryStatus.DRAFT, publishedAt: null, identifier: null, revision: 0, revisedAt: null, unableToCoordinate: false });
  copy.advisoryRevisions = copy.advisoryRevisions.filter((row) => !advisoryIds.has(row.advisoryId));
  copy.advisoryVendorStatuses = copy.advisoryVendorStatuses.filter((row) => !advisoryIds.has(row.advisoryId));
  for (const row of copy.cases) {
    if (!caseIds.has(row.id) || row.state !== CaseState.PUBLICATION_SCHEDULED) continue;
    Object.assign(row, { state: row.stateBeforePublication, publicationDueAt: null, stateBeforePublication: null });
    copy.transitions = copy.transitions.filter((step) => !(step.caseId === row.id && step.toState === CaseState.PUBLISHED && step.at.getTime() > now));
  }
  return { world: copy, unscheduled: hidden.length };
}

/** The case's fields of this domain (spread into TYPE_MODELS.Case.computed). */
export const CASE_PUBLICATION_COMPUTED: NonNullable<TypeModel['computed']> = {
  state: (row, canRead, { world, sight }) => (canRead('state') ? shownCaseState(world, sight, row) : null),
};

// ---------------------------------------------------------------------------------------------------------------
// The GraphQL types.

const rows = <T>(items: T[]) => items as unknown as Row[];
const ofAdvisory = <T extends { advisoryId: string }>(items: (world: World) => T[]) => (world: World, row: Row) => rows(items(world).filter((item) => item.advisoryId === row.id));

/** The advisory's relations of this domain (spread into TYPE_MODELS.Advisory.relations). */
export const ADVISORY_PUBLICATION_RELATIONS: Record<string, RelationModel> = {
  revisions: { target: 'AdvisoryRevision', shape: 'many', related: ofAdvisory((world) => world.advisoryRevisions) },
  credits: { target: 'AdvisoryCredit', shape: 'many', related: ofAdvisory((world) => world.advisoryCredits) },
  vendorStatuses: { target: 'AdvisoryVendorStatus', shape: 'many', related: ofAdvisory((world) => world.advisoryVendorStatuses) },
  products: { target: 'AdvisoryProduct', shape: 'many', related: ofAdvisory((world) => world.advisoryProducts) },
};

const PENDING_REVISION_FIELDS = [
  'title', 'overview', 'affectedProducts', 'impact', 'solution', 'workarounds', 'vendorStatements', 'cvssV3Vector', 'cvssV4Vector', 'cweId', 'cveIds', 'coordinatorVerification',
] as const;

/** The staged edits as the API shows them (every field, null when unchanged), or null when the viewer may not read them. */
export const ADVISORY_PUBLICATION_COMPUTED: NonNullable<TypeModel['computed']> = {
  status: (row, canRead, { world, sight }) => (canRead('status') ? shownAdvisoryStatus(world, sight, row) : null),
  pendingRevision: (row, canRead) => {
    const staged = row.pendingRevision as AdvisoryPendingRevision | null;
    if (!canRead('pendingRevision') || !staged) return null;
    return {
      ...Object.fromEntries(PENDING_REVISION_FIELDS.map((field) => [field, staged[field] ?? null])),
      products: staged.products?.map((product) => ({ vendorId: product.vendorId, name: product.name, versions: product.versions ?? null })) ?? null,
    };
  },
};

export const PUBLICATION_TYPE_MODELS: Record<string, TypeModel> = {
  AdvisoryRevision: { subject: 'AdvisoryRevision' },
  AdvisoryCredit: {
    subject: 'AdvisoryCredit',
    relations: { advisory: { target: 'Advisory', shape: 'one', related: (world, row) => rows(world.advisories.filter((item) => item.id === row.advisoryId)) } },
  },
  AdvisoryVendorStatus: { subject: 'AdvisoryVendorStatus' },
  AdvisoryProduct: { subject: 'AdvisoryProduct' },
};

/** The rows of this domain's subjects (spread into worldRows). */
export function publicationRows(world: World): Record<PublicationSubject, Row[]> {
  return {
    AdvisoryRevision: rows(world.advisoryRevisions), AdvisoryCredit: rows(world.advisoryCredits),
    AdvisoryVendorStatus: rows(world.advisoryVendorStatuses), AdvisoryProduct: rows(world.advisoryProducts),
  };
}

/**
 * Whether a world shows this domain's rules at work, as far as its cases allow: credits in every status, some
 * naming an active user; staged edits on a public advisory and on one that is not; a revised advisory; products
 * of two vendors; published vendor statuses; and, on an advisory not public at `now` that a notified vendor reads,
 * that vendor's own product row beside another vendor's. The canary world is chosen to be one of these.
 */
export function publicationIsRich(world: World, now: Date): boolean {
  const isPublic = (row: World['advisories'][number]) => row.status === AdvisoryStatus.PUBLISHED && row.publishedAt !== null && row.publishedAt.getTime() <= now.getTime();
  const activeUsers = new Set(world.users.filter((row) => row.active).map((row) => row.id));
  const credits = world.advisoryCredits;
  const creditsRich = Object.values(CreditStatus).every((status) => credits.some((row) => row.status === status)) && credits.some((row) => row.userId !== null && activeUsers.has(row.userId));
  const stagedOn = (predicate: (row: World['advisories'][number]) => boolean) =>
    !world.advisories.some(predicate) || world.advisories.some((row) => predicate(row) && row.pendingRevision !== null);
  const published = world.advisories.filter((row) => row.status === AdvisoryStatus.PUBLISHED);
  const revised = published.length === 0 || published.some((row) => row.revision >= 2);
  const statused = published.some((advisory) => world.caseVendors.some((row) => row.caseId === advisory.caseId && (advisory.unableToCoordinate || row.status !== CaseVendorStatus.UNNOTIFIED)));
  const twoVendors = world.vendors.length < 2 || new Set(world.advisoryProducts.map((row) => row.vendorId)).size >= 2;
  const vendorStatuses = !statused || world.advisoryVendorStatuses.length > 0;
  const readByNotifiedVendor = world.advisories.filter((row) => !isPublic(row)).flatMap((advisory) =>
    world.caseVendors.filter((row) => row.caseId === advisory.caseId && row.status !== CaseVendorStatus.UNNOTIFIED).map((row) => ({ advisory, vendorId: row.vendorId })),
  );
  const ownBesideOther =
    world.vendors.length < 2 ||
    readByNotifiedVendor.length === 0 ||
    readByNotifiedVendor.some(({ advisory, vendorId }) => {
      const listed = world.advisoryProducts.filter((row) => row.advisoryId === advisory.id);
      return listed.some((row) => row.vendorId === vendorId) && listed.some((row) => row.vendorId !== vendorId);
    });
  return (world.advisories.length === 0 || creditsRich) && stagedOn(isPublic) && stagedOn((row) => !isPublic(row)) && revised && twoVendors && vendorStatuses && ownBesideOther;
}
