import { AdvisoryStatus } from '../src/advisories/advisory.entity';
import { CreditStatus } from '../src/advisories/advisory-publication.entity';
import { Builder } from './ability';
import { ADVISORY_CREDIT_PUBLIC, ADVISORY_PUBLIC, LISTING_STAGE_ONE_PUBLIC, LISTING_STAGE_TWO_PUBLIC } from './fields';

/** Everyone, with or without credentials: published advisories whose publication time has come. */
export function publicPolicy({ can }: Builder, now: Date): void {
  can('read', 'Advisory', ADVISORY_PUBLIC, { status: AdvisoryStatus.PUBLISHED, publishedAt: { $lte: now } });
  // What a published advisory carries besides its text is public with it (the rows hold only published content).
  const ofPublishedAdvisory = { 'advisory.status': AdvisoryStatus.PUBLISHED, 'advisory.publishedAt': { $lte: now } };
  can('read', ['AdvisoryRevision', 'AdvisoryVendorStatus', 'AdvisoryProduct'], ofPublishedAdvisory);
  can('read', 'AdvisoryCredit', ADVISORY_CREDIT_PUBLIC, { ...ofPublishedAdvisory, status: CreditStatus.ACCEPTED });
  // 連絡不能開発者一覧: an entry exists for the public from its stage-1 time; product information from its stage-2 time.
  // Nothing else of the case is ever public through the list (the fields are copies made for the list).
  const listed = { withdrawn: false, stageOnePublishedAt: { $lte: now } };
  can('read', 'UnreachableListing', LISTING_STAGE_ONE_PUBLIC, listed);
  can('read', 'UnreachableListing', LISTING_STAGE_TWO_PUBLIC, { ...listed, stageTwoPublishedAt: { $lte: now } });
}
