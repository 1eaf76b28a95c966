import { subject } from '@casl/ability';
import { AuthenticatedViewer } from '../src/context/viewer';
import { OrganizationKind } from '../src/organizations/organization.entity';
import { UserRole } from '../src/organizations/user.entity';
import { buildAbility } from './index';

const NOW = new Date('2026-11-26T09:00:00.000Z');
const HOUR = 3_600_000;
const OPERATOR_ORG = 'org-operator';

function viewer(overrides: Partial<AuthenticatedViewer> = {}): AuthenticatedViewer {
  return {
    kind: 'authenticated', userId: 'user-1', displayName: 'Oscar', organizationId: OPERATOR_ORG, organizationKind: OrganizationKind.OPERATOR,
    role: UserRole.MEMBER, vendorId: null, apiKeyId: null, ...overrides,
  };
}

function grant(overrides: Record<string, unknown> = {}) {
  return {
    organizationId: OPERATOR_ORG, revokedAt: null, startsAt: new Date(NOW.getTime() - HOUR), endsAt: null, tlp: 'AMBER', recipients: [],
    shareOverview: true, shareAffectedProducts: false, shareImpact: false, shareMitigations: false, shareTechnicalDetails: false, shareCvss: false,
    ...overrides,
  };
}

const draftWith = (...grants: object[]) => subject('Advisory', { id: 'a', status: 'DRAFT', publishedAt: null, grants });

describe('operator policy', () => {
  const ability = buildAbility(viewer(), NOW);

  it('reads the shared sections of an advisory through a live grant, and nothing else', () => {
    const advisory = draftWith(grant());
    expect(ability.can('read', advisory, 'overview')).toBe(true);
    expect(ability.can('read', advisory, 'title')).toBe(true);
    for (const field of ['impact', 'solution', 'cweId', 'cvssV3Vector', 'vendorStatements', 'internalNotes', 'publishedAt', 'identifier']) {
      expect({ field, allowed: ability.can('read', advisory, field) }).toEqual({ field, allowed: false });
    }
  });

  it.each([
    ['another organization', { organizationId: 'org-other' }],
    ['a revoked grant', { revokedAt: new Date(NOW.getTime() - 1) }],
    ['a grant not started', { startsAt: new Date(NOW.getTime() + 1) }],
    ['a grant that ended', { endsAt: NOW }],
    ['a RED grant naming someone else', { tlp: 'RED', recipients: [{ userId: 'user-2' }] }],
  ])('reads nothing through %s', (_name, overrides) => {
    expect(ability.can('read', draftWith(grant(overrides)), 'title')).toBe(false);
  });

  it('reads a RED grant when named, and never through an API key', () => {
    const red = draftWith(grant({ tlp: 'RED', recipients: [{ userId: 'user-1' }] }));
    expect(ability.can('read', red, 'overview')).toBe(true);
    expect(buildAbility(viewer({ userId: null, apiKeyId: 'key-1' }), NOW).can('read', red, 'overview')).toBe(false);
  });

  it('unites the sections of several live grants', () => {
    const advisory = draftWith(grant(), grant({ shareOverview: false, shareCvss: true, endsAt: new Date(NOW.getTime() + HOUR) }));
    expect(ability.can('read', advisory, 'overview')).toBe(true);
    expect(ability.can('read', advisory, 'cvssV3Vector')).toBe(true);
    expect(ability.can('read', advisory, 'impact')).toBe(false);
  });

  it('lists its grants only until the advisory is public', () => {
    const live = (advisory: object) => subject('DisclosureGrant', { ...grant(), advisory });
    expect(ability.can('read', live({ status: 'DRAFT', publishedAt: null }), 'tlp')).toBe(true);
    expect(ability.can('read', live({ status: 'PUBLISHED', publishedAt: new Date(NOW.getTime() + 1) }), 'tlp')).toBe(true);
    expect(ability.can('read', live({ status: 'PUBLISHED', publishedAt: NOW }), 'tlp')).toBe(false);
    expect(ability.can('read', live({ status: 'DRAFT', publishedAt: null }), 'reason')).toBe(false);
    expect(ability.can('respond', live({ status: 'DRAFT', publishedAt: null }))).toBe(true);
    expect(ability.can('update', live({ status: 'DRAFT', publishedAt: null }))).toBe(false);
  });
});
