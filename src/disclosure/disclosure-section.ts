import { registerEnumType } from 'type-graphql';

/** The parts of an advisory a grant can share. Which advisory fields each one covers is in policies/fields.ts. */
export enum DisclosureSection {
  OVERVIEW = 'OVERVIEW',
  AFFECTED_PRODUCTS = 'AFFECTED_PRODUCTS',
  IMPACT = 'IMPACT',
  MITIGATIONS = 'MITIGATIONS',
  TECHNICAL_DETAILS = 'TECHNICAL_DETAILS',
  CVSS = 'CVSS',
}
registerEnumType(DisclosureSection, {
  name: 'DisclosureSection',
  description: 'A part of an advisory shared by a disclosure grant.',
  valuesConfig: {
    OVERVIEW: { description: 'overview' },
    AFFECTED_PRODUCTS: { description: 'affectedProducts' },
    IMPACT: { description: 'impact' },
    MITIGATIONS: { description: 'solution and workarounds' },
    TECHNICAL_DETAILS: { description: 'cweId and cveIds' },
    CVSS: { description: 'cvssV3Vector, cvssV4Vector (and the scores computed from them), severity' },
  },
});

/** Sections in their canonical order (used for storage, audit entries and answers). */
export const DISCLOSURE_SECTIONS: readonly DisclosureSection[] = Object.values(DisclosureSection);

/** The grant column that says whether a section is shared: one boolean per section, so SQL can test it directly. */
export const SECTION_FLAG = {
  [DisclosureSection.OVERVIEW]: 'shareOverview',
  [DisclosureSection.AFFECTED_PRODUCTS]: 'shareAffectedProducts',
  [DisclosureSection.IMPACT]: 'shareImpact',
  [DisclosureSection.MITIGATIONS]: 'shareMitigations',
  [DisclosureSection.TECHNICAL_DETAILS]: 'shareTechnicalDetails',
  [DisclosureSection.CVSS]: 'shareCvss',
} as const satisfies Record<DisclosureSection, string>;

export type SectionFlag = (typeof SECTION_FLAG)[DisclosureSection];

/** TLP 2.0 labels a grant may carry. GREEN and CLEAR are not embargoes, so they cannot be chosen. */
export enum TlpLabel {
  AMBER = 'AMBER',
  AMBER_STRICT = 'AMBER_STRICT',
  RED = 'RED',
}
registerEnumType(TlpLabel, {
  name: 'TlpLabel',
  valuesConfig: {
    AMBER: { description: 'TLP:AMBER: the organization and, on a need-to-know basis, its clients.' },
    AMBER_STRICT: { description: 'TLP:AMBER+STRICT: the recipient organization only.' },
    RED: { description: 'TLP:RED: the named recipients only. Other people of the organization do not see the grant.' },
  },
});

export enum DisclosureFeedbackStatus {
  INVESTIGATING = 'INVESTIGATING',
  AFFECTED = 'AFFECTED',
  NOT_AFFECTED = 'NOT_AFFECTED',
  MITIGATION_APPLIED = 'MITIGATION_APPLIED',
}
registerEnumType(DisclosureFeedbackStatus, { name: 'DisclosureFeedbackStatus', description: "An operator's assessment of its own site." });

export function sectionsOf(flags: Record<SectionFlag, boolean>): DisclosureSection[] {
  return DISCLOSURE_SECTIONS.filter((section) => Boolean(flags[SECTION_FLAG[section]]));
}

export function flagsFor(sections: readonly DisclosureSection[]): Record<SectionFlag, boolean> {
  const flags = {} as Record<SectionFlag, boolean>;
  for (const section of DISCLOSURE_SECTIONS) flags[SECTION_FLAG[section]] = sections.includes(section);
  return flags;
}

/** Storage form in audit entries: canonical order, comma-separated. */
export function joinSections(sections: readonly DisclosureSection[]): string {
  return DISCLOSURE_SECTIONS.filter((section) => sections.includes(section)).join(',');
}

export function splitSections(joined: string): DisclosureSection[] {
  const parts = new Set(joined.split(','));
  return DISCLOSURE_SECTIONS.filter((section) => parts.has(section));
}
