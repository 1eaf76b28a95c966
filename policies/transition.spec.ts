import { subject } from '@casl/ability';
import { CaseState, CaseVendorStatus } from '../src/cases/case.entity';
import { isLegalTransition, SCHEDULABLE_FROM } from '../src/cases/case-state';
import { ReferralStatus } from '../src/committee/committee.entity';
import { AuthenticatedViewer } from '../src/context/viewer';
import { OrganizationKind } from '../src/organizations/organization.entity';
import { UserRole } from '../src/organizations/user.entity';
import { buildAbility } from './index';

const NOW = new Date('2026-11-26T09:00:00.000Z');
const USER = 'user-1';
const ORGANIZATION = 'org-1';
const VENDOR = 'vendor-1';

function viewer(organizationKind: OrganizationKind | null, role: UserRole): AuthenticatedViewer {
  return {
    kind: 'authenticated', userId: USER, displayName: 'Someone', organizationId: organizationKind ? ORGANIZATION : null, organizationKind, role,
    vendorId: organizationKind === OrganizationKind.VENDOR ? VENDOR : null, apiKeyId: null,
  };
}

/** A case every persona's rules reach: the viewer reported it, registered it, is notified on it, has it referred. */
const caseIn = (state: CaseState) =>
  subject('Case', {
    id: 'case-1', state, finderUserId: USER, registeredByOrgId: ORGANIZATION, finderConsentToName: true, publicationDueAt: new Date(NOW.getTime() + 3_600_000),
    caseVendors: [{ vendorId: VENDOR, status: CaseVendorStatus.NOTIFIED }], committeeReferrals: [{ status: ReferralStatus.DECIDED }],
  });

const VIEWERS = [null, ...Object.values(OrganizationKind)].flatMap((kind) => [UserRole.MEMBER, UserRole.ADMIN].map((role) => [kind ?? 'FINDER', role, viewer(kind, role)] as const));

describe('steps from a state a publication can be scheduled from', () => {
  // changeCaseState decides on the state the viewer reads. A viewer that may not read the schedule reads a scheduled
  // case as the state it was scheduled from; were it allowed a step from there, the scheduled case alone would
  // refuse it, and the refusal would tell it that a publication is scheduled.
  it.each(VIEWERS)('%s %s: allowed none unless it reads the schedule', (_persona, _role, who) => {
    const ability = buildAbility(who, NOW);
    for (const state of SCHEDULABLE_FROM) {
      const row = caseIn(state);
      if (ability.can('read', row, 'publicationDueAt')) continue;
      const allowed = Object.values(CaseState).filter((to) => isLegalTransition(state, to) && ability.can('transition', row, to));
      expect({ state, allowed }).toEqual({ state, allowed: [] });
    }
  });

  it('lets the finder withdraw its own report only until vendor contact begins', () => {
    const ability = buildAbility(viewer(null, UserRole.MEMBER), NOW);
    const withdrawable = Object.values(CaseState).filter((state) => ability.can('transition', caseIn(state), CaseState.WITHDRAWN));
    expect(withdrawable).toEqual([CaseState.RECEIVED, CaseState.UNDER_ANALYSIS, CaseState.HANDED_OVER]);
  });
});
