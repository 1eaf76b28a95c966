import { ReferralStatus } from '../src/committee/committee.entity';
import { AuthenticatedViewer } from '../src/context/viewer';
import { UserRole } from '../src/organizations/user.entity';
import { Builder } from './ability';
import { CASE_FOR_COMMITTEE, CONTACT_ATTEMPT_FOR_COMMITTEE } from './fields';

/** Any referral, whatever its status: a decided or withdrawn referral stays in the committee's record. */
const REFERRED = { $elemMatch: { status: { $in: Object.values(ReferralStatus) } } };

/**
 * The publication decision committee (outside experts): only the cases referred to it, and of those only the
 * material it decides on: the vulnerability information, every contact attempt, the list history and the
 * coordinator's verification (in the case file). Never the finder, vendors' statements, drafts, tips or any
 * case not referred. Votes and conflict declarations are shared among the committee and coordinator staff.
 */
export function committeePolicy({ can }: Builder, viewer: AuthenticatedViewer): void {
  can('read', ['CommitteeReferral', 'CommitteeVote', 'CommitteeConflict']);
  can('read', 'Case', CASE_FOR_COMMITTEE, { committeeReferrals: REFERRED });
  can('read', 'ContactAttempt', CONTACT_ATTEMPT_FOR_COMMITTEE, { 'caseVendor.case.committeeReferrals': REFERRED });
  can('read', ['UnreachableDeclaration', 'UnreachableListing', 'UnreachableEvent'], { 'case.committeeReferrals': REFERRED });

  // Votes and declarations are personal acts: a person, not an organization's API key.
  if (!viewer.userId) return;
  can('vote', 'CommitteeReferral', { status: ReferralStatus.OPEN });
  can('create', ['CommitteeVote', 'CommitteeConflict']);
  if (viewer.role === UserRole.ADMIN) can('decide', 'CommitteeReferral', { status: ReferralStatus.OPEN });
}
