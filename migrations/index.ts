import { Core1764180000000 } from './1764180000000-core';
import { UnreachableCommittee1764190000000 } from './1764190000000-unreachable-committee';
import { DisclosureAudit1764200000000 } from './1764200000000-disclosure-audit';
import { AdvisoryPublication1764210000000 } from './1764210000000-advisory-publication';
import { QueryIndexes1764220000000 } from './1764220000000-query-indexes';
import { AdvisorySearchIndex1764230000000 } from './1764230000000-advisory-search-index';
import { AuditReadPath1764235000000 } from './1764235000000-audit-read-path';
import { CaseStateCounts1764240000000 } from './1764240000000-case-state-counts';
import { PublicationScheduledState1764250000000 } from './1764250000000-publication-scheduled-state';
import { AdvisorySearchTerms1764260000000 } from './1764260000000-advisory-search-terms';
import { DropAdvisoryFullText1764270000000 } from './1764270000000-drop-advisory-full-text';

/** Every migration, in order. Migrations are history: add new files, never edit landed ones. */
export const MIGRATIONS = [
  Core1764180000000, UnreachableCommittee1764190000000, DisclosureAudit1764200000000, AdvisoryPublication1764210000000, QueryIndexes1764220000000,
  AdvisorySearchIndex1764230000000, AuditReadPath1764235000000, CaseStateCounts1764240000000, PublicationScheduledState1764250000000,
  AdvisorySearchTerms1764260000000, DropAdvisoryFullText1764270000000,
];
