import { AdvisoryStatus } from '../src/advisories/advisory.entity';
import { AuthenticatedViewer } from '../src/context/viewer';
import { DISCLOSURE_SECTIONS, SECTION_FLAG, TlpLabel } from '../src/disclosure/disclosure-section';
import { Builder } from './ability';
import { ADVISORY_FOR_GRANTEE, ADVISORY_SECTION_FIELDS, GRANT_FOR_GRANTEE } from './fields';

type Conditions = Record<string, unknown>;

/**
 * The grant rows that are live for this viewer at `now`, as alternatives (any one suffices): its organization's,
 * not revoked, started, with no end or an end still ahead, and either not TLP:RED or naming this very person.
 * Written as alternatives because `$or` cannot sit inside `$elemMatch`; an EXISTS per alternative is the same test.
 */
function liveGrantAlternatives(viewer: AuthenticatedViewer, now: Date): Conditions[] {
  const common = { organizationId: viewer.organizationId, revokedAt: null, startsAt: { $lte: now } };
  const windows: Conditions[] = [{ endsAt: null }, { endsAt: { $gt: now } }];
  const audiences: Conditions[] = [{ tlp: { $ne: TlpLabel.RED } }];
  if (viewer.userId) audiences.push({ tlp: TlpLabel.RED, recipients: { $elemMatch: { userId: viewer.userId } } });
  return windows.flatMap((window) => audiences.map((audience) => ({ ...common, ...window, ...audience })));
}

/**
 * A product user given information early (for example an ICS operator). It sees an unpublished advisory only through a
 * live grant to its organization and only the sections that grant shares; every other field is null, and outside the
 * grant's window the advisory does not exist for it. Publication ends every grant: from then on the public rule
 * applies, which shows more than any grant, so the advisory rules need not test publication themselves.
 */
export function operatorPolicy({ can }: Builder, viewer: AuthenticatedViewer, now: Date): void {
  if (!viewer.organizationId) return;
  const alternatives = liveGrantAlternatives(viewer, now);
  const throughLiveGrant = (extra: Conditions = {}) => ({ $or: alternatives.map((grant) => ({ grants: { $elemMatch: { ...grant, ...extra } } })) });

  can('read', 'Advisory', ADVISORY_FOR_GRANTEE, throughLiveGrant());
  for (const section of DISCLOSURE_SECTIONS) {
    can('read', 'Advisory', ADVISORY_SECTION_FIELDS[section], throughLiveGrant({ [SECTION_FLAG[section]]: true }));
  }

  const beforePublication = { $or: [{ 'advisory.status': AdvisoryStatus.DRAFT }, { 'advisory.publishedAt': { $gt: now } }] };
  const liveGrant = { $and: [{ $or: alternatives }, beforePublication] };
  can('read', 'DisclosureGrant', GRANT_FOR_GRANTEE, liveGrant);
  // Acknowledge receipt and send feedback.
  can('respond', 'DisclosureGrant', liveGrant);
}
