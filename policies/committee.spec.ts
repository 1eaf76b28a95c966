import { subject } from '@casl/ability';
import { AuthenticatedViewer, ANONYMOUS } from '../src/context/viewer';
import { OrganizationKind } from '../src/organizations/organization.entity';
import { UserRole } from '../src/organizations/user.entity';
import { buildAbility } from './index';

const now = new Date('2027-01-01T00:00:00.000Z');
const before = new Date(now.getTime() - 1);
const after = new Date(now.getTime() + 1);

function viewer(kind: OrganizationKind, role = UserRole.MEMBER, userId: string | null = 'user-1'): AuthenticatedViewer {
  return { kind: 'authenticated', userId, displayName: 'Someone', organizationId: 'org-1', organizationKind: kind, role, vendorId: null, apiKeyId: null };
}

const listing = (fields: Record<string, unknown>) => subject('UnreachableListing', { withdrawn: false, stageOnePublishedAt: before, stageTwoPublishedAt: null, ...fields });

describe('the public list rules', () => {
  const ability = buildAbility(ANONYMOUS, now);

  it('shows an entry from its stage-1 time, with stage-2 fields only from its stage-2 time', () => {
    expect(ability.can('read', listing({}), 'vendorName')).toBe(true);
    expect(ability.can('read', listing({}), 'productName')).toBe(false);
    expect(ability.can('read', listing({ stageTwoPublishedAt: before }), 'productName')).toBe(true);
    expect(ability.can('read', listing({ stageTwoPublishedAt: after }), 'productName')).toBe(false);
    expect(ability.can('read', listing({ stageOnePublishedAt: after }))).toBe(false);
    expect(ability.can('read', listing({ withdrawn: true }))).toBe(false);
  });

  it('never shows the case, the declaration, tips, referrals or votes', () => {
    for (const type of ['Case', 'UnreachableDeclaration', 'UnreachableEvent', 'ListingTip', 'CommitteeReferral', 'CommitteeVote', 'CommitteeConflict']) {
      expect(ability.can('read', type)).toBe(false);
    }
    expect(ability.can('read', listing({}), 'declarationId')).toBe(false);
    expect(ability.can('read', listing({}), 'withdrawn')).toBe(false);
  });
});

describe('the committee policy', () => {
  it('lets a member read the committee record and vote on an open referral, never on a decided one', () => {
    const ability = buildAbility(viewer(OrganizationKind.COMMITTEE), now);
    expect(ability.can('read', 'CommitteeVote')).toBe(true);
    expect(ability.can('vote', subject('CommitteeReferral', { status: 'OPEN' }))).toBe(true);
    expect(ability.can('vote', subject('CommitteeReferral', { status: 'DECIDED' }))).toBe(false);
    expect(ability.can('decide', 'CommitteeReferral')).toBe(false);
    expect(ability.can('read', 'ListingTip')).toBe(false);
    expect(ability.can('create', 'CommitteeReferral')).toBe(false);
  });

  it('lets only the chair decide, and an API key of the committee neither vote nor decide', () => {
    expect(buildAbility(viewer(OrganizationKind.COMMITTEE, UserRole.ADMIN), now).can('decide', subject('CommitteeReferral', { status: 'OPEN' }))).toBe(true);
    const key = buildAbility(viewer(OrganizationKind.COMMITTEE, UserRole.ADMIN, null), now);
    expect(key.can('vote', 'CommitteeReferral')).toBe(false);
    expect(key.can('decide', 'CommitteeReferral')).toBe(false);
  });

  it('keeps coordinator staff, who may do everything else, from the committee acts', () => {
    const ability = buildAbility(viewer(OrganizationKind.COORDINATOR, UserRole.ADMIN), now);
    expect(ability.can('read', 'CommitteeVote')).toBe(true);
    expect(ability.can('create', 'CommitteeReferral')).toBe(true);
    expect(ability.can('vote', subject('CommitteeReferral', { status: 'OPEN' }))).toBe(false);
    expect(ability.can('decide', subject('CommitteeReferral', { status: 'OPEN' }))).toBe(false);
    expect(ability.can('create', 'CommitteeConflict')).toBe(false);
    expect(ability.can('read', 'Statistics')).toBe(true);
  });

  it('gives vendors, receivers, operators and finders no part in it', () => {
    for (const kind of [OrganizationKind.VENDOR, OrganizationKind.RECEIVER, OrganizationKind.OPERATOR]) {
      const ability = buildAbility(viewer(kind, UserRole.ADMIN), now);
      for (const type of ['CommitteeReferral', 'CommitteeVote', 'CommitteeConflict', 'UnreachableDeclaration', 'ListingTip', 'Statistics']) expect(ability.can('read', type)).toBe(false);
      expect(ability.can('vote', 'CommitteeReferral')).toBe(false);
    }
  });
});
