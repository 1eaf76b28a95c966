import type { AppConfig } from '../config/config';
import { Advisory } from './advisory.entity';
import { AdvisoryCredit, AdvisoryProduct, AdvisoryRevision, AdvisoryVendorStatus, CreditType, VendorVerificationResult } from './advisory-publication.entity';

export type PublicationSettings = AppConfig['publication'];

/** A released advisory with everything the public may read of it, loaded under the anonymous viewer's policy. */
export interface PublishedAdvisory {
  advisory: Advisory & { identifier: string; publishedAt: Date };
  revisions: AdvisoryRevision[];
  credits: AdvisoryCredit[];
  vendorStatuses: AdvisoryVendorStatus[];
  products: AdvisoryProduct[];
}

/** The product status vocabulary shared by the exports (CSAF's names). */
export type ProductStatus = 'known_affected' | 'known_not_affected' | 'under_investigation';

/**
 * The revision history as published. The initial release is the publication itself, so revision 1 is dated by
 * `publishedAt`, which stays right when a scheduled publication is moved before it is due.
 */
export function releasedRevisions(revisions: AdvisoryRevision[], publishedAt: Date | null): AdvisoryRevision[] {
  return [...revisions]
    .sort((a, b) => a.number - b.number)
    .map((revision) => (revision.number === 1 && publishedAt ? Object.assign(new AdvisoryRevision(), revision, { releasedAt: publishedAt }) : revision));
}

/** When the advisory was last released: its latest revision, or the initial release. */
export function currentReleaseOf(advisory: Pick<Advisory, 'revisedAt'> & { publishedAt: Date }): Date {
  return advisory.revisedAt ?? advisory.publishedAt;
}

export function advisoryLinks(settings: PublicationSettings, identifier: string): { csaf: string; cve: string } {
  const base = `${settings.baseUrl}/advisories/${encodeURIComponent(identifier)}`;
  return { csaf: `${base}/csaf.json`, cve: `${base}/cve.json` };
}

/**
 * A listed product is affected unless its vendor's published verification says otherwise: the coordinator named
 * it on the advisory, and an unreachable vendor's silence does not make it safe.
 */
export function productStatusOf(publication: PublishedAdvisory, vendorId: string): ProductStatus {
  const verdict = publication.vendorStatuses.find((status) => status.vendorId === vendorId)?.verificationResult;
  if (verdict === VendorVerificationResult.NOT_VULNERABLE) return 'known_not_affected';
  if (verdict === VendorVerificationResult.UNDER_INVESTIGATION) return 'under_investigation';
  return 'known_affected';
}

/** CVE JSON 5's credit type names; CSAF acknowledgments use the same words as their summary. */
export const CREDIT_TYPE_NAMES: Record<CreditType, string> = {
  [CreditType.FINDER]: 'finder',
  [CreditType.REPORTER]: 'reporter',
  [CreditType.ANALYST]: 'analyst',
  [CreditType.COORDINATOR]: 'coordinator',
  [CreditType.REMEDIATION_DEVELOPER]: 'remediation developer',
  [CreditType.REMEDIATION_REVIEWER]: 'remediation reviewer',
  [CreditType.REMEDIATION_VERIFIER]: 'remediation verifier',
  [CreditType.TOOL]: 'tool',
  [CreditType.SPONSOR]: 'sponsor',
  [CreditType.OTHER]: 'other',
};

const VERIFICATION_WORDS: Record<VendorVerificationResult, string> = {
  [VendorVerificationResult.VULNERABLE]: 'Vulnerable',
  [VendorVerificationResult.NOT_VULNERABLE]: 'Not vulnerable',
  [VendorVerificationResult.UNDER_INVESTIGATION]: 'Under investigation',
  [VendorVerificationResult.UNKNOWN]: 'Unknown (no answer)',
};

/** One line per vendor: its verification result, response status and statement. */
export function vendorStatusText(statuses: AdvisoryVendorStatus[]): string | null {
  if (statuses.length === 0) return null;
  return statuses
    .map((status) => {
      const line = `${status.vendorName}: ${VERIFICATION_WORDS[status.verificationResult]} (response status ${status.responseStatus})`;
      return present(status.statement) ? `${line}. Statement: ${status.statement!.trim()}` : line;
    })
    .join('\n');
}

/** Text worth printing: formats refuse empty strings, so blank text counts as absent. */
export function present(text: string | null | undefined): text is string {
  return typeof text === 'string' && text.trim().length > 0;
}

export function truncate(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}
