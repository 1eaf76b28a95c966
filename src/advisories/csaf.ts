import { cvssV3BaseScore, cvssV4Score, cweName, severityOf } from './cvss';
import {
  advisoryLinks, CREDIT_TYPE_NAMES, currentReleaseOf, present, ProductStatus, productStatusOf, PublicationSettings, PublishedAdvisory, vendorStatusText,
} from './published-advisory';

// The parts of CSAF 2.0 (https://docs.oasis-open.org/csaf/csaf/v2.0/csaf-v2.0.html) this exporter writes.
interface CsafNote {
  category: 'description' | 'details' | 'faq' | 'general' | 'legal_disclaimer' | 'other' | 'summary';
  title?: string;
  text: string;
}
interface CsafProduct {
  product_id: string;
  name: string;
}
interface CsafBranch {
  category: 'vendor' | 'product_name' | 'product_version_range';
  name: string;
  branches?: CsafBranch[];
  product?: CsafProduct;
}
interface CsafRemediation {
  category: 'mitigation' | 'no_fix_planned' | 'none_available' | 'vendor_fix' | 'workaround';
  details: string;
  product_ids: string[];
}
interface CsafVulnerability {
  cve?: string;
  ids?: { system_name: string; text: string }[];
  title: string;
  cwe?: { id: string; name: string };
  release_date: string;
  notes: CsafNote[];
  product_status: Partial<Record<ProductStatus, string[]>>;
  scores?: { products: string[]; cvss_v3: { version: '3.1'; vectorString: string; baseScore: number; baseSeverity: string } }[];
  remediations?: CsafRemediation[];
  threats?: { category: 'impact'; details: string; product_ids?: string[] }[];
}
export interface CsafDocument {
  document: {
    category: 'csaf_security_advisory';
    csaf_version: '2.0';
    lang: string;
    title: string;
    distribution: { tlp: { label: 'WHITE'; url: string } };
    publisher: { category: 'coordinator'; name: string; namespace: string };
    tracking: {
      id: string;
      status: 'final';
      version: string;
      initial_release_date: string;
      current_release_date: string;
      revision_history: { date: string; number: string; summary: string }[];
      generator: { engine: { name: string } };
    };
    notes: CsafNote[];
    references: { category: 'self' | 'external'; summary: string; url: string }[];
    acknowledgments?: { names: string[]; organization?: string; summary: string }[];
  };
  product_tree: { branches?: CsafBranch[]; full_product_names?: CsafProduct[] };
  vulnerabilities: CsafVulnerability[];
}

const TLP_URL = 'https://www.first.org/tlp/';

interface ListedProduct {
  product: CsafProduct;
  status: ProductStatus;
}

/**
 * The CSAF 2.0 security advisory for a released advisory: one vulnerability per CVE (or one without a CVE), the
 * products grouped by vendor with a status derived from each vendor's published verification result, CVSS v3.1
 * as a score (CSAF 2.0 has no CVSS v4.0 field, so v4.0 is a note), remediations and the revision history.
 */
export function toCsafDocument(publication: PublishedAdvisory, settings: PublicationSettings): CsafDocument {
  const { advisory, revisions, credits } = publication;
  const links = advisoryLinks(settings, advisory.identifier);
  const history = [...revisions].sort((a, b) => a.number - b.number);
  const initialRelease = advisory.publishedAt.toISOString();
  const currentRelease = currentReleaseOf(advisory).toISOString();
  const { branches, fullProductNames, listed } = productTree(publication);
  const idsWith = (statuses: ProductStatus[]) => listed.filter((entry) => statuses.includes(entry.status)).map((entry) => entry.product.product_id);
  const affected = idsWith(['known_affected']);
  const remediable = idsWith(['known_affected', 'under_investigation']);

  const productStatus: Partial<Record<ProductStatus, string[]>> = {};
  for (const status of ['known_affected', 'known_not_affected', 'under_investigation'] as const) {
    const ids = idsWith([status]);
    if (ids.length > 0) productStatus[status] = ids;
  }

  const documentNotes: CsafNote[] = [{ category: 'summary', title: 'Overview', text: present(advisory.overview) ? advisory.overview : advisory.title }];
  if (present(advisory.affectedProducts)) documentNotes.push({ category: 'general', title: 'Affected products', text: advisory.affectedProducts });
  const vendors = vendorStatusText(publication.vendorStatuses);
  if (vendors) documentNotes.push({ category: 'details', title: 'Vendor status', text: vendors });
  if (present(advisory.vendorStatements)) documentNotes.push({ category: 'other', title: 'Vendor statements', text: advisory.vendorStatements });
  if (advisory.unableToCoordinate) {
    documentNotes.push({
      category: 'general',
      title: 'Unable to coordinate',
      text: 'The developer could not be reached despite repeated attempts. This advisory was published without the developer after the publication decision committee approved it.',
    });
  }
  if (present(advisory.coordinatorVerification)) documentNotes.push({ category: 'details', title: "Coordinator's verification", text: advisory.coordinatorVerification });

  const remediations: CsafRemediation[] = [];
  if (remediable.length > 0 && present(advisory.solution)) {
    remediations.push({ category: advisory.unableToCoordinate ? 'mitigation' : 'vendor_fix', details: advisory.solution, product_ids: remediable });
  } else if (present(advisory.solution)) {
    documentNotes.push({ category: 'general', title: 'Solution', text: advisory.solution });
  }
  if (remediable.length > 0 && present(advisory.workarounds)) {
    remediations.push({ category: 'workaround', details: advisory.workarounds, product_ids: remediable });
  } else if (present(advisory.workarounds)) {
    documentNotes.push({ category: 'general', title: 'Workarounds', text: advisory.workarounds });
  }

  const vulnerabilityNotes: CsafNote[] = [{ category: 'description', title: 'Description', text: present(advisory.overview) ? advisory.overview : advisory.title }];
  if (advisory.cvssV4Vector) {
    const score = cvssV4Score(advisory.cvssV4Vector);
    vulnerabilityNotes.push({ category: 'other', title: 'CVSS v4.0', text: `${advisory.cvssV4Vector} (score ${score.toFixed(1)}, ${severityOf(score)})` });
  }
  const weakness = advisory.cweId ? cweName(advisory.cweId) : undefined;
  const shared: Omit<CsafVulnerability, 'cve' | 'ids'> = {
    title: advisory.title,
    release_date: initialRelease,
    notes: vulnerabilityNotes,
    product_status: productStatus,
    ...(weakness && advisory.cweId ? { cwe: { id: advisory.cweId, name: weakness } } : {}),
    ...(advisory.cvssV3Vector && affected.length > 0
      ? { scores: [{ products: affected, cvss_v3: cvssV3(advisory.cvssV3Vector) }] }
      : {}),
    ...(remediations.length > 0 ? { remediations } : {}),
    ...(present(advisory.impact) ? { threats: [{ category: 'impact' as const, details: advisory.impact, ...(affected.length > 0 ? { product_ids: affected } : {}) }] } : {}),
  };
  const vulnerabilities: CsafVulnerability[] =
    advisory.cveIds.length > 0
      ? [...new Set(advisory.cveIds)].map((cve) => ({ cve, ...shared }))
      : [{ ids: [{ system_name: settings.publisherName, text: advisory.identifier }], ...shared }];

  return {
    document: {
      category: 'csaf_security_advisory',
      csaf_version: '2.0',
      lang: 'en',
      title: advisory.title,
      distribution: { tlp: { label: 'WHITE', url: TLP_URL } },
      publisher: { category: 'coordinator', name: settings.publisherName, namespace: settings.publisherNamespace },
      tracking: {
        id: advisory.identifier,
        status: 'final',
        version: String(history.at(-1)?.number ?? advisory.revision),
        initial_release_date: initialRelease,
        current_release_date: currentRelease,
        revision_history: history.map((revision) => ({ date: revision.releasedAt.toISOString(), number: String(revision.number), summary: revision.summary })),
        generator: { engine: { name: 'renraku' } },
      },
      notes: documentNotes,
      references: [
        { category: 'self', summary: `${advisory.identifier} as CSAF 2.0`, url: links.csaf },
        { category: 'self', summary: `${advisory.identifier} as CVE JSON 5 records`, url: links.cve },
      ],
      ...(credits.length > 0
        ? {
            acknowledgments: credits.map((credit) => ({
              names: [credit.name],
              ...(present(credit.organizationName) ? { organization: credit.organizationName } : {}),
              summary: CREDIT_TYPE_NAMES[credit.type],
            })),
          }
        : {}),
    },
    product_tree: { ...(branches.length > 0 ? { branches } : {}), ...(fullProductNames.length > 0 ? { full_product_names: fullProductNames } : {}) },
    vulnerabilities,
  };
}

function cvssV3(vector: string) {
  const baseScore = cvssV3BaseScore(vector);
  return { version: '3.1' as const, vectorString: vector, baseScore, baseSeverity: severityOf(baseScore) };
}

/**
 * Vendor → product name (→ affected versions as a version range) branches, one product per listed row. Without
 * listed products the advisory's free-text product description stands for a single product.
 */
function productTree(publication: PublishedAdvisory): { branches: CsafBranch[]; fullProductNames: CsafProduct[]; listed: ListedProduct[] } {
  const { advisory, products } = publication;
  const listed: ListedProduct[] = [];
  if (products.length === 0) {
    const product = { product_id: 'CSAFPID-0001', name: present(advisory.affectedProducts) ? advisory.affectedProducts.trim() : `Products affected by ${advisory.identifier}` };
    listed.push({ product, status: 'known_affected' });
    return { branches: [], fullProductNames: [product], listed };
  }
  const byVendor = new Map<string, CsafBranch[]>();
  products.forEach((row, index) => {
    const product = { product_id: `CSAFPID-${String(index + 1).padStart(4, '0')}`, name: [row.vendorName, row.name, row.versions].filter(present).join(' ') };
    listed.push({ product, status: productStatusOf(publication, row.vendorId) });
    const branch: CsafBranch = present(row.versions)
      ? { category: 'product_name', name: row.name, branches: [{ category: 'product_version_range', name: row.versions, product }] }
      : { category: 'product_name', name: row.name, product };
    byVendor.set(row.vendorName, [...(byVendor.get(row.vendorName) ?? []), branch]);
  });
  const branches = [...byVendor].map(([vendorName, children]): CsafBranch => ({ category: 'vendor', name: vendorName, branches: children }));
  return { branches, fullProductNames: [], listed };
}
