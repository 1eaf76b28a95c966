import { Field, Int, ObjectType } from 'type-graphql';
import { AdvisoryStatus } from '../advisories/advisory.entity';
import { managerOf } from '../authorization/accessible';
import { RequestContext } from '../context/request-context';
import { BadUserInputError, ForbiddenError } from '../errors/errors';
import { CommitteeDecision } from '../committee/committee.entity';

@ObjectType({
  description:
    'Figures on the unreachable-vendor procedure for the reports received in [from, to) (all reports when open), ' +
    'as they stand at the time of the query. vendorsListed = vendorsReachedAfterListing + vendorsStillUnreachable.',
})
export class DisclosureStatistics {
  @Field(() => Date, { nullable: true })
  from!: Date | null;

  @Field(() => Date, { nullable: true })
  to!: Date | null;

  @Field(() => Int, { description: 'Reports received.' })
  reportsHandled!: number;

  @Field(() => Int, { description: 'Vendors declared unreachable on those reports (one per declaration).' })
  vendorsUnreachable!: number;

  @Field(() => Int, { description: 'Of those, entries that became public on the list.' })
  vendorsListed!: number;

  @Field(() => Int, { description: 'Listed vendors reached since.' })
  vendorsReachedAfterListing!: number;

  @Field(() => Int, { description: 'Listed vendors still not reached.' })
  vendorsStillUnreachable!: number;

  @Field(() => Int, { description: 'Cases referred to the publication decision committee.' })
  casesReferred!: number;

  @Field(() => Int, { description: 'Cases the committee approved for publication without the vendor.' })
  casesApproved!: number;

  @Field(() => Int, { description: 'Advisories published marked "unable to coordinate".' })
  advisoriesPublishedUnableToCoordinate!: number;
}

type Figure = Exclude<keyof DisclosureStatistics, 'from' | 'to'>;

/** One statement: every figure is a scalar subquery over the same cohort of cases, counted by the database. */
export async function statistics(ctx: RequestContext, from: Date | null, to: Date | null): Promise<DisclosureStatistics> {
  if (!ctx.ability.can('read', 'Statistics')) throw new ForbiddenError('Statistics are for coordinator staff');
  if (from && to && from.getTime() > to.getTime()) throw new BadUserInputError('from must not be after to', 'from');

  const cohort = ['1 = 1'];
  if (from) cohort.push('c.receivedAt >= :from');
  if (to) cohort.push('c.receivedAt < :to');
  const inCohort = cohort.join(' AND ');
  const publicListing = `l.withdrawn = :no AND l.stageOnePublishedAt <= :now`;
  const figures: Record<Figure, string> = {
    reportsHandled: `SELECT COUNT(*) FROM case_file c WHERE ${inCohort}`,
    vendorsUnreachable: `SELECT COUNT(*) FROM unreachable_declaration d JOIN case_file c ON c.id = d.caseId WHERE ${inCohort}`,
    vendorsListed: `SELECT COUNT(*) FROM unreachable_listing l JOIN case_file c ON c.id = l.caseId WHERE ${inCohort} AND ${publicListing}`,
    vendorsReachedAfterListing: `SELECT COUNT(*) FROM unreachable_listing l JOIN case_file c ON c.id = l.caseId WHERE ${inCohort} AND ${publicListing} AND l.contactEstablishedAt IS NOT NULL`,
    vendorsStillUnreachable: `SELECT COUNT(*) FROM unreachable_listing l JOIN case_file c ON c.id = l.caseId WHERE ${inCohort} AND ${publicListing} AND l.contactEstablishedAt IS NULL`,
    casesReferred: `SELECT COUNT(DISTINCT r.caseId) FROM committee_referral r JOIN case_file c ON c.id = r.caseId WHERE ${inCohort}`,
    casesApproved: `SELECT COUNT(DISTINCT r.caseId) FROM committee_referral r JOIN case_file c ON c.id = r.caseId WHERE ${inCohort} AND r.decision = :approved`,
    advisoriesPublishedUnableToCoordinate:
      `SELECT COUNT(*) FROM advisory a JOIN case_file c ON c.id = a.caseId WHERE ${inCohort} ` +
      'AND a.status = :published AND a.unableToCoordinate = :yes AND a.publishedAt <= :now',
  };
  const sql = `SELECT ${Object.entries(figures).map(([name, subquery]) => `(${subquery}) AS ${name}`).join(', ')}`;
  const parameters = { from, to, now: ctx.now, no: false, yes: true, approved: CommitteeDecision.APPROVED, published: AdvisoryStatus.PUBLISHED };
  const [query, values]: [string, unknown[]] = ctx.dataSource.driver.escapeQueryWithParameters(sql, parameters);
  const [row] = (await managerOf(ctx).query(query, values)) as Record<string, number | string>[];

  const result = Object.assign(new DisclosureStatistics(), { from, to });
  // Drivers differ in the case they return aliases in and in returning counts as numbers or strings.
  const byName = new Map(Object.entries(row).map(([name, value]) => [name.toLowerCase(), Number(value)]));
  for (const name of Object.keys(figures) as Figure[]) result[name] = byName.get(name.toLowerCase()) ?? 0;
  return result;
}
