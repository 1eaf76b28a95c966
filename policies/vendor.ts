import { CaseVendorStatus } from '../src/cases/case.entity';
import { AuthenticatedViewer } from '../src/context/viewer';
import { Builder } from './ability';
import { ADVISORY_DRAFT_FOR_VENDOR, CASE_FOR_VENDOR, CONTACT_ATTEMPT_FOR_VENDOR } from './fields';

/**
 * A product developer: only cases it takes part in, and only once it has been notified. Never the other vendors
 * on the case, never the finder unless the finder consented, never internal notes.
 */
export function vendorPolicy({ can }: Builder, viewer: AuthenticatedViewer): void {
  if (!viewer.vendorId) return;
  const notified = { vendorId: viewer.vendorId, status: { $ne: CaseVendorStatus.UNNOTIFIED } };
  const onCase = { caseVendors: { $elemMatch: notified } };

  can('read', 'Case', CASE_FOR_VENDOR, onCase);
  can('read', 'Case', ['finderName'], { ...onCase, finderConsentToName: true });
  can('read', 'CaseVendor', notified);
  can('update', 'CaseVendor', ['status', 'statement'], notified);
  can('read', 'ContactAttempt', CONTACT_ATTEMPT_FOR_VENDOR, {
    'caseVendor.vendorId': viewer.vendorId,
    'caseVendor.status': { $ne: CaseVendorStatus.UNNOTIFIED },
  });
  can('read', 'Advisory', ADVISORY_DRAFT_FOR_VENDOR, { 'case.caseVendors': { $elemMatch: notified } });
  // Its own products as listed on a draft; the other vendors' rows stay hidden until publication.
  can('read', 'AdvisoryProduct', { vendorId: viewer.vendorId, 'advisory.case.caseVendors': { $elemMatch: notified } });
  can('read', 'Vendor', { id: viewer.vendorId });
  can('read', ['Product', 'ContactPoint'], { vendorId: viewer.vendorId });
}
