import { EntityManager } from 'typeorm';
import { CaseVendor, CaseVendorStatus } from '../cases/case.entity';
import { newId } from '../common/columns';
import { Vendor } from '../vendors/vendor.entity';
import { Advisory } from './advisory.entity';
import { AdvisoryCredit, AdvisoryProduct, AdvisoryRevision, AdvisoryVendorStatus, CreditStatus, CreditType, VendorVerificationResult } from './advisory-publication.entity';
import { advisorySeverity } from './cvss';

export interface AdvisoryDemoInput {
  /** Published 150 days ago and revised since; it also has edits staged for the next revision. */
  publishedAdvisoryId: string;
  /** Published 350 days ago, never revised. */
  closedAdvisoryId: string;
  /** The coordinating case's draft: each vendor on it sees only its own product rows. */
  draftAdvisoryId: string;
  vendors: { acme: string; globex: string };
  users: { finder: string; receiver: string; vendorAcmeStaff: string };
  ago: (days: number) => Date;
}

const VERIFICATION: Partial<Record<CaseVendorStatus, VendorVerificationResult>> = {
  [CaseVendorStatus.FIX_AVAILABLE]: VendorVerificationResult.VULNERABLE,
  [CaseVendorStatus.AFFECTED]: VendorVerificationResult.VULNERABLE,
  [CaseVendorStatus.NOT_AFFECTED]: VendorVerificationResult.NOT_VULNERABLE,
};

/**
 * What the published demo advisories carry: revision history, products, the vendors' published statuses and
 * credits. Every persona sees the accepted credits and revision 2; only coordinators see the pending and declined
 * credits and the edits staged for revision 3 (which no search matches); the credited people see their own credits.
 */
export async function seedAdvisoryPublicationDemo(manager: EntityManager, input: AdvisoryDemoInput): Promise<void> {
  const { ago } = input;
  await publicationOf(manager, input.closedAdvisoryId, [[1, ago(350), 'Initial release']], 'Globex CMS', '3.1 and earlier');
  await publicationOf(manager, input.publishedAdvisoryId, [[1, ago(150), 'Initial release'], [2, ago(120), 'Added a workaround for those who cannot update yet']], 'Acme Admin Portal', '5.0 to 5.3');
  await manager.getRepository(Advisory).update(
    { id: input.publishedAdvisoryId },
    {
      workarounds: 'Restrict access to the administration portal to trusted networks.',
      pendingRevision: { impact: 'Staged for revision 3, not public: the attacker can also replace the administrator password.' },
    },
  );
  await manager.getRepository(AdvisoryProduct).insert([
    { id: newId(), advisoryId: input.draftAdvisoryId, vendorId: input.vendors.acme, vendorName: 'Acme Networks', name: 'Acme Router RX', versions: '2.3 and earlier', position: 0 },
    { id: newId(), advisoryId: input.draftAdvisoryId, vendorId: input.vendors.globex, vendorName: 'Globex Software', name: 'Globex CMS', versions: null, position: 1 },
  ]);
  const credit = (type: CreditType, name: string, organizationName: string | null, userId: string | null, status: CreditStatus, daysAgo: number) => ({
    id: newId(), advisoryId: input.publishedAdvisoryId, type, name, organizationName, userId, status,
    respondedAt: status === CreditStatus.PENDING ? null : ago(daysAgo - 1), createdAt: ago(daysAgo),
  });
  await manager.getRepository(AdvisoryCredit).insert([
    credit(CreditType.FINDER, 'Fumi Finder', null, input.users.finder, CreditStatus.ACCEPTED, 161),
    credit(CreditType.COORDINATOR, 'Partnership Coordination Center', null, null, CreditStatus.ACCEPTED, 160),
    credit(CreditType.ANALYST, 'Rin Receiver', 'Vulnerability Report Intake', input.users.receiver, CreditStatus.PENDING, 159),
    credit(CreditType.REMEDIATION_DEVELOPER, 'Andy Acme Engineer', 'Acme Networks', input.users.vendorAcmeStaff, CreditStatus.DECLINED, 158),
  ]);
}

async function publicationOf(manager: EntityManager, advisoryId: string, revisions: [number, Date, string][], productName: string, versions: string): Promise<void> {
  const advisory = await manager.getRepository(Advisory).findOneByOrFail({ id: advisoryId });
  const [latest] = revisions.slice(-1);
  await manager.getRepository(Advisory).update(
    { id: advisoryId },
    { revision: latest[0], revisedAt: latest[0] > 1 ? latest[1] : null, severity: advisorySeverity(advisory.cvssV3Vector, advisory.cvssV4Vector), updatedAt: latest[1] },
  );
  await manager.getRepository(AdvisoryRevision).insert(
    revisions.map(([number, releasedAt, summary]) => ({ id: newId(), advisoryId, number, releasedAt, summary, actorUserId: null })),
  );
  const caseVendors = await manager.getRepository(CaseVendor).find({ where: { caseId: advisory.caseId }, order: { id: 'ASC' } });
  for (const row of caseVendors.filter((caseVendor) => caseVendor.status !== CaseVendorStatus.UNNOTIFIED)) {
    const vendor = await manager.getRepository(Vendor).findOneByOrFail({ id: row.vendorId });
    await manager.getRepository(AdvisoryVendorStatus).insert({
      id: newId(), advisoryId, vendorId: vendor.id, vendorName: vendor.name, responseStatus: row.status,
      verificationResult: VERIFICATION[row.status] ?? VendorVerificationResult.UNKNOWN, statement: row.statement, recordedAt: revisions[0][1],
    });
    await manager.getRepository(AdvisoryProduct).insert({ id: newId(), advisoryId, vendorId: vendor.id, vendorName: vendor.name, name: productName, versions, position: 0 });
  }
}
