import { EntityManager } from 'typeorm';
import { Case } from '../cases/case.entity';
import { newId } from '../common/columns';
import { CommitteeReferral, CommitteeVote, ReferralStatus, VoteChoice } from '../committee/committee.entity';
import { Exploitation, PublicValueAdded, SupplierInvolvement } from '../committee/ssvc';
import { ContactAttempt } from '../contact/contact-attempt.entity';
import { User } from '../organizations/user.entity';
import { Vendor } from '../vendors/vendor.entity';
import { ListingTip, UnreachableDeclaration, UnreachableEvent, UnreachableEventKind, UnreachableListing, UnreachableStatus } from './unreachable.entity';

export interface UnreachableDemoInput {
  caseId: string;
  caseVendorId: string;
  vendorId: string;
  coordinatorUserId: string;
  voters: { userId: string; choice: VoteChoice; reasons: string; daysAgo: number }[];
  ago(days: number): Date;
}

export interface UnreachableDemoIds {
  declaration: string;
  listing: string;
  referral: string;
}

/**
 * The demo's silent vendor: declared unreachable after its five attempts, listed (name 98 days ago, product 7 days
 * ago), tipped once, and referred to the committee 6 days ago, where two of three members have voted.
 */
export async function seedUnreachableDemo(manager: EntityManager, input: UnreachableDemoInput): Promise<UnreachableDemoIds> {
  const { ago } = input;
  const owner = await manager.getRepository(Case).findOneByOrFail({ id: input.caseId });
  const vendor = await manager.getRepository(Vendor).findOneByOrFail({ id: input.vendorId });
  const coordinator = await manager.getRepository(User).findOneByOrFail({ id: input.coordinatorUserId });
  const attempts = await manager.getRepository(ContactAttempt).find({ where: { caseVendorId: input.caseVendorId }, order: { attemptedAt: 'ASC' } });

  const declaration = {
    id: newId(), caseId: owner.id, caseVendorId: input.caseVendorId, vendorId: vendor.id, vendorName: vendor.name,
    status: UnreachableStatus.UNREACHABLE, reason: 'No answer by e-mail, phone, post or fax over forty days.',
    attemptCount: attempts.length, channelCount: new Set(attempts.map((attempt) => attempt.channel)).size,
    firstAttemptAt: attempts[0].attemptedAt, lastAttemptAt: attempts[attempts.length - 1].attemptedAt,
    declaredAt: ago(99), declaredByUserId: coordinator.id, contactEstablishedAt: null, contactAttemptId: null, eventCount: 3, updatedAt: ago(99),
  };
  await manager.getRepository(UnreachableDeclaration).insert(declaration);
  const listing = {
    id: newId(), declarationId: declaration.id, caseId: owner.id, caseReference: owner.reference, vendorName: vendor.name,
    stageOnePublishedAt: ago(98), productName: 'Initech PLC Manager', productVersions: '7.2 and earlier', stageTwoPublishedAt: ago(7),
    contactEstablishedAt: null, withdrawn: false, createdAt: ago(98), updatedAt: ago(7),
  };
  await manager.getRepository(UnreachableListing).insert(listing);
  const events: [UnreachableEventKind, number][] = [[UnreachableEventKind.DECLARED, 99], [UnreachableEventKind.LISTED_STAGE_ONE, 98], [UnreachableEventKind.LISTED_STAGE_TWO, 7]];
  for (const [index, [kind, daysAgo]] of events.entries()) {
    await manager.getRepository(UnreachableEvent).insert({
      id: newId(), declarationId: declaration.id, caseId: owner.id, sequence: index + 1, kind, at: ago(daysAgo), recordedAt: ago(daysAgo),
      actorUserId: coordinator.id, actorName: coordinator.displayName, note: null,
    });
  }
  await manager.getRepository(ListingTip).insert({
    id: newId(), listingId: listing.id, message: 'Initech was renamed Initech Automation; try support@initech-automation.example.',
    senderContact: 'former-employee@example.net', receiptCode: 'DEMO-TIP-0001', submittedAt: ago(60),
  });

  const referral = {
    id: newId(), caseId: owner.id, status: ReferralStatus.OPEN, referredAt: ago(6), referredByUserId: coordinator.id,
    supplierInvolvement: SupplierInvolvement.UNCOOPERATIVE_OR_UNRESPONSIVE,
    supplierInvolvementReasoning: 'Five attempts over forty days through four channels; listed for ninety days; the one tip led nowhere.',
    exploitation: Exploitation.PUBLIC_POC,
    exploitationReasoning: 'A proof of concept was presented at a public conference.',
    publicValueAdded: PublicValueAdded.AMPLIATIVE,
    publicValueAddedReasoning: 'Operators have no vendor advisory; ours would be the first with mitigations.',
    societalImpact: 'The PLC manager runs in water and manufacturing plants.',
    harmBalance: 'Users stay exposed without knowing it; publishing helps attackers little since the proof of concept is public.',
    coordinatorVerification: 'Coordinator staff reproduced the unauthenticated firmware upload on Initech PLC Manager 7.2 in the lab.',
    decision: null, decidedAt: null, decidedByUserId: null, decisionReasons: null, approveVotes: null, rejectVotes: null, abstainVotes: null,
    updatedAt: ago(6),
  };
  await manager.getRepository(CommitteeReferral).insert(referral);
  for (const voter of input.voters) {
    const user = await manager.getRepository(User).findOneByOrFail({ id: voter.userId });
    await manager.getRepository(CommitteeVote).insert({
      id: newId(), referralId: referral.id, memberUserId: user.id, memberName: user.displayName, choice: voter.choice, reasons: voter.reasons, castAt: ago(voter.daysAgo),
    });
  }
  return { declaration: declaration.id, listing: listing.id, referral: referral.id };
}
