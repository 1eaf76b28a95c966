/**
 * Issue 3 in the secrecy suite: unreachable vendors (declarations, the internal list entry, its history and tips)
 * and the publication decision committee (referrals, votes, conflicts of interest). Rows and their generator, the
 * oracle's rules, the type models, the root-field operations and the existence probes, written from the README
 * ("Unreachable vendors, the public list and the committee", the access table) and docs/security.md. Nothing here
 * comes from policies/ or src/authorization.
 *
 * The rules, as the README states them:
 * - Coordinator staff: every declaration, list entry (scheduled stages included), event, tip, referral, vote and
 *   conflict declaration, every field.
 * - The committee (persona COMMITTEE, a member or an API key of the committee organization): only the cases
 *   referred to it, whatever the referral's status (a decided or withdrawn referral stays in its record); of those
 *   the vulnerability information (docs/security.md, Assets: description, affected products, analysis, CVSS, CWE;
 *   the same case fields the oracle gives a vendor, less the finder's consent), never the finder or the
 *   coordinator's notes; every contact attempt on them without the internal notes; the declarations with their
 *   list entries and history (events); the case file (the referral), the votes and the conflict declarations.
 *   Never the vendor rows, other vendors' statements, drafts, tips or any case not referred. Of a declaration it
 *   does not read `caseVendorId`: that names a vendor row (CaseVendor), which the access table keeps from the
 *   committee ("–"), and the id of something a viewer may not see must not reach it.
 * - Everyone else: none of these. Tips: coordinator staff only.
 */
import fc from 'fast-check';
import type { DataSource, EntityTarget, ObjectLiteral } from 'typeorm';
import { newId } from '../../src/common/columns';
import { CommitteeConflict, CommitteeDecision, CommitteeReferral, CommitteeVote, ReferralStatus, VoteChoice } from '../../src/committee/committee.entity';
import { Exploitation, PublicValueAdded, SupplierInvolvement } from '../../src/committee/ssvc';
import { ContactOutcome } from '../../src/contact/contact-attempt.entity';
import { OrganizationKind } from '../../src/organizations/organization.entity';
import { UserRole } from '../../src/organizations/user.entity';
import { ListingTip, UnreachableDeclaration, UnreachableEvent, UnreachableEventKind, UnreachableStatus } from '../../src/unreachable/unreachable.entity';
import type { Row, TypeModel } from './model';
import type { SightContext } from './oracle';
import type { Operation, OperationKit } from './queries';
import type { DeclarationRow, OrganizationRow, UserRow, World } from './world';

const DAY = 86_400_000;

// ---------------------------------------------------------------------------------------------------------------
// Rows

export interface UnreachableEventRow {
  id: string; declarationId: string; caseId: string; sequence: number; kind: UnreachableEventKind; at: Date; recordedAt: Date;
  actorUserId: string | null; actorName: string | null; note: string | null;
}
export interface ListingTipRow { id: string; listingId: string; message: string; senderContact: string | null; receiptCode: string; submittedAt: Date }
export interface CommitteeReferralRow {
  id: string; caseId: string; status: ReferralStatus; referredAt: Date; referredByUserId: string | null;
  supplierInvolvement: SupplierInvolvement; supplierInvolvementReasoning: string; exploitation: Exploitation; exploitationReasoning: string;
  publicValueAdded: PublicValueAdded; publicValueAddedReasoning: string; societalImpact: string; harmBalance: string; coordinatorVerification: string;
  decision: CommitteeDecision | null; decidedAt: Date | null; decidedByUserId: string | null; decisionReasons: string | null;
  approveVotes: number | null; rejectVotes: number | null; abstainVotes: number | null; updatedAt: Date;
}
export interface CommitteeVoteRow { id: string; referralId: string; memberUserId: string; memberName: string; choice: VoteChoice; reasons: string; castAt: Date }
export interface CommitteeConflictRow { id: string; referralId: string; memberUserId: string; memberName: string; reason: string; declaredAt: Date }

/** The tables this domain adds to the world (declarations and list entries are in world.ts already). */
export interface CommitteeTables {
  unreachableEvents: UnreachableEventRow[];
  listingTips: ListingTipRow[];
  committeeReferrals: CommitteeReferralRow[];
  committeeVotes: CommitteeVoteRow[];
  committeeConflicts: CommitteeConflictRow[];
}

export function emptyCommitteeTables(): CommitteeTables {
  return { unreachableEvents: [], listingTips: [], committeeReferrals: [], committeeVotes: [], committeeConflicts: [] };
}

/** Parents first; each table's parents (cases, users, declarations, list entries) come earlier in WORLD_TABLES. */
export const COMMITTEE_WORLD_TABLES: { key: keyof CommitteeTables; entity: EntityTarget<ObjectLiteral> }[] = [
  { key: 'unreachableEvents', entity: UnreachableEvent },
  { key: 'listingTips', entity: ListingTip },
  { key: 'committeeReferrals', entity: CommitteeReferral },
  { key: 'committeeVotes', entity: CommitteeVote },
  { key: 'committeeConflicts', entity: CommitteeConflict },
];

// ---------------------------------------------------------------------------------------------------------------
// The generator

const memberPlan = fc.record({
  role: fc.constantFrom(UserRole.MEMBER, UserRole.ADMIN),
  active: fc.oneof({ arbitrary: fc.constant(true), weight: 5 }, { arbitrary: fc.constant(false), weight: 1 }),
});
const referralPlan = fc.record({
  // Mostly a case with a declaration (the procedure's order), sometimes any case: the rule is "referred", not "declared".
  onDeclaredCase: fc.oneof({ arbitrary: fc.constant(true), weight: 3 }, { arbitrary: fc.constant(false), weight: 1 }),
  target: fc.nat(),
  status: fc.constantFrom(...Object.values(ReferralStatus)),
  decision: fc.constantFrom(...Object.values(CommitteeDecision)),
  supplierInvolvement: fc.constantFrom(...Object.values(SupplierInvolvement)),
  exploitation: fc.constantFrom(...Object.values(Exploitation)),
  publicValueAdded: fc.constantFrom(...Object.values(PublicValueAdded)),
  referredDaysAgo: fc.integer({ min: 0, max: 30 }),
  votes: fc.array(fc.record({ member: fc.nat(), choice: fc.constantFrom(...Object.values(VoteChoice)) }), { maxLength: 3 }),
  conflicts: fc.array(fc.nat(), { maxLength: 2 }),
});

/**
 * The committee's rows, as the property's `committee` extension: members of a committee organization (one is made
 * when the core plan has none, with an active chair, so the persona looks at most worlds), declarations that were
 * never listed, the history of every declaration, tips, and referrals with votes and conflict declarations.
 */
export const committeePlanArbitrary = fc.record({
  members: fc.array(memberPlan, { maxLength: 2 }),
  unlistedDeclarations: fc.array(fc.record({ caseVendor: fc.nat(), contactEstablished: fc.boolean() }), { maxLength: 2 }),
  eventNotes: fc.boolean(),
  tips: fc.array(fc.record({ listing: fc.nat(), senderContact: fc.boolean() }), { minLength: 1, maxLength: 3 }),
  referrals: fc.array(referralPlan, { minLength: 1, maxLength: 3 }),
});
export type CommitteePlan = typeof committeePlanArbitrary extends fc.Arbitrary<infer T> ? T : never;

/** What buildWorld lends the domain's builder: its deterministic ids, markers, clock and row makers. */
export interface WorldBuilderTools {
  id(): string;
  marker(): string;
  text(label: string): string;
  at(msFromEpoch: number): Date;
  pick<T>(items: T[], index: number): T;
  organization(kind: OrganizationKind): OrganizationRow;
  user(organizationId: string | null, plan: { role: UserRole; active: boolean }): UserRow;
}

export function buildCommitteeRows(world: World, plan: CommitteePlan | undefined, tools: WorldBuilderTools): void {
  if (!plan) return;
  const { id, marker, text, at, pick } = tools;
  const coordinatorOrganization = world.organizations.find((row) => row.kind === OrganizationKind.COORDINATOR);
  const coordinatorUsers = world.users.filter((row) => row.organizationId === coordinatorOrganization?.id);

  const committee = world.organizations.find((row) => row.kind === OrganizationKind.COMMITTEE) ?? tools.organization(OrganizationKind.COMMITTEE);
  const chair = tools.user(committee.id, { role: UserRole.ADMIN, active: true });
  for (const member of plan.members) tools.user(committee.id, member);
  const committeeOrganizations = new Set(world.organizations.filter((row) => row.kind === OrganizationKind.COMMITTEE).map((row) => row.id));
  const members = world.users.filter((row) => row.organizationId !== null && committeeOrganizations.has(row.organizationId));

  for (const unlisted of plan.unlistedDeclarations) {
    if (world.caseVendors.length === 0) break;
    const caseVendor = pick(world.caseVendors, unlisted.caseVendor);
    const declaredAt = at(-(20 + world.declarations.length) * DAY);
    world.declarations.push({
      id: id(), caseId: caseVendor.caseId, caseVendorId: caseVendor.id, vendorId: caseVendor.vendorId, vendorName: text('DeclaredVendor'),
      status: unlisted.contactEstablished ? UnreachableStatus.CONTACT_ESTABLISHED : UnreachableStatus.UNREACHABLE, reason: text('DeclarationReason'),
      attemptCount: 5, channelCount: 2, firstAttemptAt: at(-90 * DAY), lastAttemptAt: at(-50 * DAY), declaredAt, declaredByUserId: coordinatorUsers[0]?.id ?? null,
      contactEstablishedAt: unlisted.contactEstablished ? new Date(declaredAt.getTime() + 3 * DAY) : null, contactAttemptId: null, eventCount: 0, updatedAt: declaredAt,
    });
  }

  // The history of every declaration, as the procedure would have written it.
  for (const declaration of world.declarations) {
    const listing = world.listings.find((row) => row.declarationId === declaration.id);
    const steps: [UnreachableEventKind, Date][] = [[UnreachableEventKind.DECLARED, declaration.declaredAt]];
    if (listing) steps.push([UnreachableEventKind.LISTED_STAGE_ONE, listing.stageOnePublishedAt]);
    if (listing?.stageTwoPublishedAt) steps.push([UnreachableEventKind.LISTED_STAGE_TWO, listing.stageTwoPublishedAt]);
    if (declaration.contactEstablishedAt) steps.push([UnreachableEventKind.CONTACT_ESTABLISHED, declaration.contactEstablishedAt]);
    if (listing?.withdrawn) steps.push([UnreachableEventKind.STAGE_ONE_WITHDRAWN, declaration.contactEstablishedAt ?? listing.stageOnePublishedAt]);
    steps.forEach(([kind, when], index) => {
      const actor = index % 2 === 0 ? coordinatorUsers[0] : undefined;
      world.unreachableEvents.push({
        id: id(), declarationId: declaration.id, caseId: declaration.caseId, sequence: index + 1, kind, at: when, recordedAt: declaration.declaredAt,
        actorUserId: actor?.id ?? null, actorName: actor ? actor.displayName : null, note: plan.eventNotes || index === 0 ? text('EventNote') : null,
      });
    });
    declaration.eventCount = steps.length;
    if (declaration.contactEstablishedAt) {
      const attempts = world.contactAttempts.filter((attempt) => attempt.caseVendorId === declaration.caseVendorId);
      declaration.contactAttemptId = (attempts.find((attempt) => attempt.outcome === ContactOutcome.REPLIED) ?? attempts[0])?.id ?? null;
    }
  }

  for (const tip of plan.tips) {
    if (world.listings.length === 0) break;
    const listing = pick(world.listings, tip.listing);
    world.listingTips.push({
      id: id(), listingId: listing.id, message: text('TipMessage'), senderContact: tip.senderContact ? text('TipSender') : null,
      receiptCode: `TIP-${marker()}`, submittedAt: new Date(listing.stageOnePublishedAt.getTime() + DAY),
    });
  }

  for (const referral of plan.referrals) {
    if (world.cases.length === 0) break;
    const caseId = referral.onDeclaredCase && world.declarations.length > 0 ? pick(world.declarations, referral.target).caseId : pick(world.cases, referral.target).id;
    const referredAt = at(-referral.referredDaysAgo * DAY - world.committeeReferrals.length);
    const row: CommitteeReferralRow = {
      id: id(), caseId, status: referral.status, referredAt, referredByUserId: coordinatorUsers[0]?.id ?? null,
      supplierInvolvement: referral.supplierInvolvement, supplierInvolvementReasoning: text('SupplierReasoning'), exploitation: referral.exploitation,
      exploitationReasoning: text('ExploitationReasoning'), publicValueAdded: referral.publicValueAdded, publicValueAddedReasoning: text('ValueReasoning'),
      societalImpact: text('SocietalImpact'), harmBalance: text('HarmBalance'), coordinatorVerification: text('CaseFileVerification'),
      decision: null, decidedAt: null, decidedByUserId: null, decisionReasons: null, approveVotes: null, rejectVotes: null, abstainVotes: null, updatedAt: referredAt,
    };
    world.committeeReferrals.push(row);
    const voters = new Set<string>();
    for (const vote of referral.votes) {
      if (members.length === 0) break;
      const member = pick(members, vote.member);
      if (voters.has(member.id)) continue;
      voters.add(member.id);
      world.committeeVotes.push({ id: id(), referralId: row.id, memberUserId: member.id, memberName: member.displayName, choice: vote.choice, reasons: text('VoteReasons'), castAt: new Date(referredAt.getTime() + voters.size * 3_600_000) });
    }
    const conflicted = new Set<string>();
    for (const index of referral.conflicts) {
      if (members.length === 0) break;
      const member = pick(members, index);
      if (voters.has(member.id) || conflicted.has(member.id)) continue;
      conflicted.add(member.id);
      world.committeeConflicts.push({ id: id(), referralId: row.id, memberUserId: member.id, memberName: member.displayName, reason: text('ConflictReason'), declaredAt: new Date(referredAt.getTime() + 1_800_000) });
    }
    if (referral.status === ReferralStatus.DECIDED) {
      const votes = world.committeeVotes.filter((vote) => vote.referralId === row.id);
      const count = (choice: VoteChoice) => votes.filter((vote) => vote.choice === choice).length;
      Object.assign(row, {
        decision: referral.decision, decidedAt: new Date(referredAt.getTime() + DAY), decidedByUserId: chair.id, decisionReasons: text('DecisionReasons'),
        approveVotes: count(VoteChoice.APPROVE), rejectVotes: count(VoteChoice.REJECT), abstainVotes: count(VoteChoice.ABSTAIN), updatedAt: new Date(referredAt.getTime() + DAY),
      });
    }
  }
}

// ---------------------------------------------------------------------------------------------------------------
// The oracle's rules

export type CommitteeSubject = 'CommitteeReferral' | 'CommitteeVote' | 'CommitteeConflict' | 'UnreachableDeclaration' | 'UnreachableListing' | 'UnreachableEvent' | 'ListingTip';

export const COMMITTEE_ORACLE_FIELDS: Record<CommitteeSubject, readonly string[]> = {
  CommitteeReferral: [
    'id', 'status', 'referredAt', 'supplierInvolvement', 'supplierInvolvementReasoning', 'exploitation', 'exploitationReasoning', 'publicValueAdded',
    'publicValueAddedReasoning', 'societalImpact', 'harmBalance', 'coordinatorVerification', 'decision', 'decidedAt', 'decisionReasons', 'approveVotes',
    'rejectVotes', 'abstainVotes', 'updatedAt',
  ],
  CommitteeVote: ['id', 'memberUserId', 'memberName', 'choice', 'reasons', 'castAt'],
  CommitteeConflict: ['id', 'memberUserId', 'memberName', 'reason', 'declaredAt'],
  UnreachableDeclaration: [
    'id', 'caseVendorId', 'vendorName', 'status', 'reason', 'attemptCount', 'channelCount', 'firstAttemptAt', 'lastAttemptAt', 'declaredAt',
    'contactEstablishedAt', 'contactAttemptId', 'updatedAt',
  ],
  // The internal view of a row of world.listings (the public one is UnreachableDeveloperEntry).
  UnreachableListing: ['id', 'caseReference', 'vendorName', 'stageOnePublishedAt', 'productName', 'productVersions', 'stageTwoPublishedAt', 'contactEstablishedAt', 'withdrawn', 'createdAt', 'updatedAt'],
  UnreachableEvent: ['id', 'sequence', 'kind', 'at', 'recordedAt', 'actorName', 'note'],
  ListingTip: ['id', 'message', 'senderContact', 'receiptCode', 'submittedAt'],
};
const COMMITTEE_SUBJECTS = Object.keys(COMMITTEE_ORACLE_FIELDS) as CommitteeSubject[];

const CASE_FOR_COMMITTEE = ['id', 'reference', 'title', 'state', 'receivedAt', 'updatedAt', 'description', 'affectedProducts', 'overseasCoordination', 'cvssV3Vector', 'cvssV4Vector', 'cweId', 'analysisNotes'];
const ATTEMPT_FOR_COMMITTEE = ['id', 'channel', 'address', 'attemptedAt', 'outcome', 'correctsAttemptId', 'createdAt'];
const DECLARATION_FOR_COMMITTEE = COMMITTEE_ORACLE_FIELDS.UnreachableDeclaration.filter((field) => field !== 'caseVendorId');

/** The rows of this domain's subjects in a world. */
export function committeeTables(world: World): Record<CommitteeSubject, Row[]> {
  const rows = <T>(items: T[]) => items as unknown as Row[];
  return {
    CommitteeReferral: rows(world.committeeReferrals), CommitteeVote: rows(world.committeeVotes), CommitteeConflict: rows(world.committeeConflicts),
    UnreachableDeclaration: rows(world.declarations), UnreachableListing: rows(world.listings), UnreachableEvent: rows(world.unreachableEvents), ListingTip: rows(world.listingTips),
  };
}

export function committeeSight({ world, identity, see, grant }: SightContext): void {
  if (identity.persona === OrganizationKind.COORDINATOR) {
    const tables = committeeTables(world);
    for (const name of COMMITTEE_SUBJECTS) {
      grant(name, COMMITTEE_ORACLE_FIELDS[name]);
      for (const row of tables[name]) see(name, row.id, COMMITTEE_ORACLE_FIELDS[name]);
    }
    return;
  }
  if (identity.persona !== OrganizationKind.COMMITTEE) return;

  const referred = new Set(world.committeeReferrals.map((row) => row.caseId));
  grant('Case', CASE_FOR_COMMITTEE);
  grant('ContactAttempt', ATTEMPT_FOR_COMMITTEE);
  for (const row of world.cases) if (referred.has(row.id)) see('Case', row.id, CASE_FOR_COMMITTEE);
  for (const row of world.contactAttempts) if (referred.has(row.caseId)) see('ContactAttempt', row.id, ATTEMPT_FOR_COMMITTEE);

  for (const name of ['CommitteeReferral', 'CommitteeVote', 'CommitteeConflict'] as const) grant(name, COMMITTEE_ORACLE_FIELDS[name]);
  for (const row of world.committeeReferrals) see('CommitteeReferral', row.id, COMMITTEE_ORACLE_FIELDS.CommitteeReferral);
  for (const row of world.committeeVotes) see('CommitteeVote', row.id, COMMITTEE_ORACLE_FIELDS.CommitteeVote);
  for (const row of world.committeeConflicts) see('CommitteeConflict', row.id, COMMITTEE_ORACLE_FIELDS.CommitteeConflict);

  grant('UnreachableDeclaration', DECLARATION_FOR_COMMITTEE);
  grant('UnreachableListing', COMMITTEE_ORACLE_FIELDS.UnreachableListing);
  grant('UnreachableEvent', COMMITTEE_ORACLE_FIELDS.UnreachableEvent);
  for (const row of world.declarations) if (referred.has(row.caseId)) see('UnreachableDeclaration', row.id, DECLARATION_FOR_COMMITTEE);
  for (const row of world.listings) if (referred.has(row.caseId)) see('UnreachableListing', row.id, COMMITTEE_ORACLE_FIELDS.UnreachableListing);
  for (const row of world.unreachableEvents) if (referred.has(row.caseId)) see('UnreachableEvent', row.id, COMMITTEE_ORACLE_FIELDS.UnreachableEvent);
}

/**
 * SSVC's coordinator publication decision (CERT/CC, "Publish, Do Not Publish", data/csvs/coord-publish-options_v2.csv
 * in CERTCC/SSVC), stated as its rule: publish when the coordinator's publication takes precedence; when it adds to
 * others' (ampliative) and the vulnerability is actively exploited, or has a public proof of concept and the supplier
 * does not cooperate; and when an unresponsive supplier's vulnerability is actively exploited, whatever the value.
 */
export function ssvcSuggestion(supplier: string, exploitation: string, value: string): 'PUBLISH' | 'DO_NOT_PUBLISH' {
  const uncooperative = supplier === SupplierInvolvement.UNCOOPERATIVE_OR_UNRESPONSIVE;
  const publish =
    value === PublicValueAdded.PRECEDENCE ||
    (value === PublicValueAdded.AMPLIATIVE && (exploitation === Exploitation.ACTIVE || (uncooperative && exploitation === Exploitation.PUBLIC_POC))) ||
    (uncooperative && exploitation === Exploitation.ACTIVE);
  return publish ? 'PUBLISH' : 'DO_NOT_PUBLISH';
}

// ---------------------------------------------------------------------------------------------------------------
// Type models

const rowsOf = <T>(items: T[]) => items as unknown as Row[];

/** The relations Case gains with issue 3. */
export const CASE_COMMITTEE_RELATIONS: NonNullable<TypeModel['relations']> = {
  committeeReferrals: { target: 'CommitteeReferral', shape: 'many', related: (world, row) => rowsOf(world.committeeReferrals.filter((item) => item.caseId === row.id)) },
  unreachableDeclarations: { target: 'UnreachableDeclaration', shape: 'many', related: (world, row) => rowsOf(world.declarations.filter((item) => item.caseId === row.id)) },
};

export const COMMITTEE_TYPE_MODELS: Record<string, TypeModel> = {
  CommitteeReferral: {
    subject: 'CommitteeReferral',
    computed: {
      ssvcOutcome: (row, canRead) =>
        ['supplierInvolvement', 'exploitation', 'publicValueAdded'].every(canRead) ? ssvcSuggestion(String(row.supplierInvolvement), String(row.exploitation), String(row.publicValueAdded)) : null,
    },
    relations: {
      case: { target: 'Case', shape: 'one', related: (world, row) => rowsOf(world.cases.filter((item) => item.id === row.caseId)) },
      unreachableDeclarations: { target: 'UnreachableDeclaration', shape: 'many', related: (world, row) => rowsOf(world.declarations.filter((item) => item.caseId === row.caseId)) },
      votes: { target: 'CommitteeVote', shape: 'many', related: (world, row) => rowsOf(world.committeeVotes.filter((item) => item.referralId === row.id)) },
      conflicts: { target: 'CommitteeConflict', shape: 'many', related: (world, row) => rowsOf(world.committeeConflicts.filter((item) => item.referralId === row.id)) },
    },
  },
  CommitteeVote: { subject: 'CommitteeVote' },
  CommitteeConflict: { subject: 'CommitteeConflict' },
  UnreachableDeclaration: {
    subject: 'UnreachableDeclaration',
    relations: {
      case: { target: 'Case', shape: 'one', related: (world, row) => rowsOf(world.cases.filter((item) => item.id === row.caseId)) },
      listing: { target: 'UnreachableListing', shape: 'one', related: (world, row) => rowsOf(world.listings.filter((item) => item.declarationId === row.id)) },
      events: { target: 'UnreachableEvent', shape: 'many', related: (world, row) => rowsOf(world.unreachableEvents.filter((item) => item.declarationId === row.id)) },
      contactAttempts: { target: 'ContactAttempt', shape: 'many', related: (world, row) => rowsOf(world.contactAttempts.filter((item) => item.caseVendorId === row.caseVendorId)) },
    },
  },
  UnreachableListing: {
    subject: 'UnreachableListing',
    relations: {
      tips: { target: 'ListingTip', shape: 'many', related: (world, row) => rowsOf(world.listingTips.filter((item) => item.listingId === row.id)) },
    },
  },
  UnreachableEvent: { subject: 'UnreachableEvent' },
  ListingTip: { subject: 'ListingTip' },
};

/** Values that name an object by themselves (searched for verbatim by the canary). */
export const COMMITTEE_TOKEN_FIELDS: Partial<Record<CommitteeSubject, string[]>> = { UnreachableListing: ['caseReference'], ListingTip: ['receiptCode'] };

// ---------------------------------------------------------------------------------------------------------------
// Operations: the root fields, checked against the oracle

export function committeeOperations(kit: OperationKit): Operation[] {
  const { index, pick, visible, hidden, node, connection, expectAccess, sight } = kit;
  const operations: Operation[] = [];
  const lists = [
    ['committeeReferrals', 'CommitteeReferral', 'CommitteeReferralFilter', 'referredAt', Object.values(ReferralStatus)],
    ['unreachableDeclarations', 'UnreachableDeclaration', 'UnreachableDeclarationFilter', 'declaredAt', Object.values(UnreachableStatus)],
  ] as const;
  for (const [field, typeName, filterType, sortedBy, statuses] of lists) {
    operations.push(connection(field, typeName, null, null, { label: 'all', variables: {}, uses: [sortedBy], matches: () => true }));
    const present = [...index[typeName].values()].map((row) => String(row.status));
    const status = pick(present) ?? pick([...statuses])!;
    operations.push(connection(field, typeName, filterType, null, { label: `status ${status}`, variables: { filter: { status } }, uses: [sortedBy, 'status'], matches: (row) => row.status === status }));
  }

  for (const [field, typeName] of [['committeeReferral', 'CommitteeReferral'], ['unreachableDeclaration', 'UnreachableDeclaration']] as const) {
    for (const target of [pick(visible(typeName)), pick(hidden(typeName))]) {
      if (!target) continue;
      const shown = sight.objects[typeName].has(target.id);
      operations.push({
        label: `${field}(${shown ? 'visible' : 'hidden'})`,
        query: `query($value: ID!) { ${field}(id: $value) { ${node(typeName)} } }`,
        variables: { value: target.id },
        check(answer, checker) {
          if (!expectAccess(field, answer, checker)) return;
          if (shown) return checker.object(typeName, answer.json.data?.[field], field);
          const code = answer.json.errors?.[0]?.extensions?.code;
          if (code !== 'NOT_FOUND' || answer.json.data !== null) checker.problem(field, `expected NOT_FOUND and no data, got ${answer.text.slice(0, 300)}`);
        },
      });
    }
  }
  return operations;
}

/** Roots of this domain that answer UNAUTHENTICATED to the anonymous public. */
export const COMMITTEE_ROOT_FIELDS = ['committeeReferrals', 'committeeReferral', 'unreachableDeclarations', 'unreachableDeclaration'];

// ---------------------------------------------------------------------------------------------------------------
// Existence: every way to name one of these objects (see existence.test.ts)

const REASONING = 'Reasoning long enough for the rule.';
const LATER = '2027-01-05T10:00:00.000Z';

export const COMMITTEE_WAYS = [
  { name: 'committeeReferral(id:)', subject: 'CommitteeReferral', every: true, query: 'query($v: ID!) { committeeReferral(id: $v) { id status } }', variables: (v: string) => ({ v }) },
  { name: 'unreachableDeclaration(id:)', subject: 'UnreachableDeclaration', every: true, query: 'query($v: ID!) { unreachableDeclaration(id: $v) { id status } }', variables: (v: string) => ({ v }) },
  {
    name: 'referCaseToCommittee', subject: 'Case',
    query: `mutation($v: ID!) { referCaseToCommittee(input: { caseId: $v, supplierInvolvement: UNCOOPERATIVE_OR_UNRESPONSIVE, supplierInvolvementReasoning: "${REASONING}", exploitation: PUBLIC_POC, exploitationReasoning: "${REASONING}", publicValueAdded: AMPLIATIVE, publicValueAddedReasoning: "${REASONING}", societalImpact: "${REASONING}", harmBalance: "${REASONING}", coordinatorVerification: "${REASONING}" }) { id } }`,
    variables: (v: string) => ({ v }),
  },
  { name: 'declareConflictOfInterest', subject: 'CommitteeReferral', query: 'mutation($v: ID!) { declareConflictOfInterest(input: { referralId: $v, reason: "I advise the vendor." }) { id } }', variables: (v: string) => ({ v }) },
  { name: 'castCommitteeVote', subject: 'CommitteeReferral', query: 'mutation($v: ID!) { castCommitteeVote(input: { referralId: $v, choice: ABSTAIN, reasons: "probe" }) { id } }', variables: (v: string) => ({ v }) },
  { name: 'decideCommitteeReferral', subject: 'CommitteeReferral', query: 'mutation($v: ID!) { decideCommitteeReferral(input: { referralId: $v, reasons: "probe" }) { id } }', variables: (v: string) => ({ v }) },
  { name: 'publishUnableToCoordinate', subject: 'Advisory', query: `mutation($v: ID!) { publishUnableToCoordinate(input: { advisoryId: $v, publishAt: "${LATER}" }) { id } }`, variables: (v: string) => ({ v }) },
  { name: 'declareVendorUnreachable', subject: 'CaseVendor', query: 'mutation($v: ID!) { declareVendorUnreachable(input: { caseVendorId: $v, reason: "probe" }) { id } }', variables: (v: string) => ({ v }) },
  { name: 'publishListingStageOne', subject: 'UnreachableDeclaration', query: `mutation($v: ID!) { publishListingStageOne(input: { declarationId: $v, publishAt: "${LATER}" }) { id } }`, variables: (v: string) => ({ v }) },
  {
    name: 'publishListingStageTwo', subject: 'UnreachableDeclaration',
    query: `mutation($v: ID!) { publishListingStageTwo(input: { declarationId: $v, productName: "Probe", productVersions: "1.0", publishAt: "${LATER}" }) { id } }`,
    variables: (v: string) => ({ v }),
  },
] as const;

/**
 * A declaration the committee may not see, for the demo world (whose only declared vendor is on the referred case):
 * on a vendor row of a case never referred, with its first event, so the committee's persona has something to probe.
 */
export async function addUnreferredDeclaration(dataSource: DataSource, world: World, now: Date): Promise<void> {
  const referred = new Set(world.committeeReferrals.map((row) => row.caseId));
  const caseVendor = world.caseVendors.find((row) => !referred.has(row.caseId));
  if (!caseVendor) throw new Error('The demo world has no vendor row on a case that was not referred');
  const declaredAt = new Date(now.getTime() - 10 * DAY);
  const declaration: DeclarationRow = {
    id: newId(), caseId: caseVendor.caseId, caseVendorId: caseVendor.id, vendorId: caseVendor.vendorId, vendorName: 'Unreferred Vendor',
    status: UnreachableStatus.UNREACHABLE, reason: 'Declared on a case the committee never saw.', attemptCount: 5, channelCount: 2,
    firstAttemptAt: new Date(declaredAt.getTime() - 40 * DAY), lastAttemptAt: declaredAt, declaredAt, declaredByUserId: null, contactEstablishedAt: null,
    contactAttemptId: null, eventCount: 1, updatedAt: declaredAt,
  };
  const event: UnreachableEventRow = {
    id: newId(), declarationId: declaration.id, caseId: declaration.caseId, sequence: 1, kind: UnreachableEventKind.DECLARED, at: declaredAt, recordedAt: declaredAt,
    actorUserId: null, actorName: null, note: null,
  };
  await dataSource.getRepository(UnreachableDeclaration).insert(declaration);
  await dataSource.getRepository(UnreachableEvent).insert(event);
}
