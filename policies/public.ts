import { AdvisoryStatus } from '../src/advisories/advisory.entity';
import { Builder } from './ability';
import { ADVISORY_PUBLIC } from './fields';

/** Everyone, with or without credentials: published advisories whose publication time has come. */
export function publicPolicy({ can }: Builder, now: Date): void {
  can('read', 'Advisory', ADVISORY_PUBLIC, { status: AdvisoryStatus.PUBLISHED, publishedAt: { $lte: now } });
}
