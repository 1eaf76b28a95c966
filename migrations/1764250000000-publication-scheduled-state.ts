import { MigrationInterface, QueryRunner } from 'typeorm';

// A publication scheduled for later is stored as its own case state, PUBLICATION_SCHEDULED, with the time it takes
// effect and the state it was scheduled from; what each viewer reads is derived at the request's clock
// (src/cases/shown-state.ts). Before, scheduling set PUBLISHED at once, so the finder and the receiver read it
// before the advisory was public.
//
// The columns are added with plain ALTER TABLE … ADD COLUMN, which MySQL/MariaDB and SQLite both understand: the
// QueryRunner's addColumns rebuilds the table on SQLite, and the rebuild would drop the triggers that keep
// case_state_count (migration 1764240000000). That table needs a row for the new state, as that migration says.
const SCHEDULED = 'PUBLICATION_SCHEDULED';

export class PublicationScheduledState1764250000000 implements MigrationInterface {
  name = 'PublicationScheduledState1764250000000';

  public async up(queryRunner: QueryRunner): Promise<void> {
    const name = (identifier: string) => queryRunner.connection.driver.escape(identifier);
    await queryRunner.query(`ALTER TABLE ${name('case_file')} ADD COLUMN ${name('publicationDueAt')} datetime(3) NULL`);
    await queryRunner.query(`ALTER TABLE ${name('case_file')} ADD COLUMN ${name('stateBeforePublication')} varchar(32) NULL`);
    await queryRunner.manager.createQueryBuilder().insert().into('case_state_count').values({ state: SCHEDULED, cases: 0 }).execute();

    // Publications scheduled before this migration: the case went to PUBLISHED when it was scheduled, and its move
    // to PUBLISHED was recorded then. "Later" is the application's clock, as everywhere, not the database's NOW().
    const now = new Date();
    const pending = (await queryRunner.manager
      .createQueryBuilder()
      .select('c.id', 'caseId')
      .addSelect('a.publishedAt', 'publishedAt')
      .from('case_file', 'c')
      .innerJoin('advisory', 'a', 'a.caseId = c.id')
      .where('c.state = :published AND a.status = :published AND a.publishedAt > :now', { published: 'PUBLISHED', now })
      .getRawMany()) as { caseId: string; publishedAt: Date | string }[];
    for (const { caseId, publishedAt } of pending) {
      const due = publishedAt instanceof Date ? publishedAt : new Date(`${publishedAt.replace(' ', 'T')}Z`);
      const step = (await queryRunner.manager
        .createQueryBuilder()
        .select('t.id', 'id')
        .addSelect('t.fromState', 'fromState')
        .from('case_transition', 't')
        .where('t.caseId = :caseId AND t.toState = :published', { caseId, published: 'PUBLISHED' })
        .orderBy('t.at', 'DESC')
        .limit(1)
        .getRawOne()) as { id: string; fromState: string | null } | undefined;
      await queryRunner.manager
        .createQueryBuilder()
        .update('case_file')
        .set({ state: SCHEDULED, publicationDueAt: due, stateBeforePublication: step?.fromState ?? 'COORDINATING' })
        .where('id = :caseId', { caseId })
        .execute();
      if (step) await queryRunner.manager.createQueryBuilder().update('case_transition').set({ at: due }).where('id = :id', { id: step.id }).execute();
    }
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    const name = (identifier: string) => queryRunner.connection.driver.escape(identifier);
    // Scheduled publications go back to PUBLISHED at once (their recorded move keeps its due time).
    await queryRunner.manager.createQueryBuilder().update('case_file').set({ state: 'PUBLISHED' }).where('state = :scheduled', { scheduled: SCHEDULED }).execute();
    await queryRunner.manager.createQueryBuilder().delete().from('case_state_count').where('state = :scheduled', { scheduled: SCHEDULED }).execute();
    await queryRunner.query(`ALTER TABLE ${name('case_file')} DROP COLUMN ${name('stateBeforePublication')}`);
    await queryRunner.query(`ALTER TABLE ${name('case_file')} DROP COLUMN ${name('publicationDueAt')}`);
  }
}
