import { MigrationInterface, QueryRunner, Table } from 'typeorm';

// The number of cases in each state, kept by triggers on case_file (issue 7): the dashboard's totalCount for an
// unrestricted viewer filtering by states reads a few rows instead of counting ~100,000 index entries at 1M cases.
// The trigger bodies are the same on MySQL/MariaDB and SQLite; only the quoting differs. Every state needs its row:
// a migration that adds a state must add it.
const STATES = ['RECEIVED', 'UNDER_ANALYSIS', 'HANDED_OVER', 'VENDOR_CONTACT', 'COORDINATING', 'PUBLISHED', 'CLOSED', 'REJECTED', 'WITHDRAWN'];
const TRIGGERS = ['TRG_case_file_counts_insert', 'TRG_case_file_counts_update', 'TRG_case_file_counts_delete'];

export class CaseStateCounts1764240000000 implements MigrationInterface {
  name = 'CaseStateCounts1764240000000';

  public async up(queryRunner: QueryRunner): Promise<void> {
    const name = (identifier: string) => queryRunner.connection.driver.escape(identifier);
    await queryRunner.createTable(
      new Table({
        name: 'case_state_count',
        columns: [
          { name: 'state', type: 'varchar', length: '32', isPrimary: true },
          { name: 'cases', type: 'int', default: 0 },
        ],
      }),
    );
    for (const state of STATES) await queryRunner.manager.createQueryBuilder().insert().into('case_state_count').values({ state, cases: 0 }).execute();
    const counts = (await queryRunner.query(`SELECT ${name('state')} AS state, COUNT(*) AS cases FROM ${name('case_file')} GROUP BY ${name('state')}`)) as { state: string; cases: number | string }[];
    for (const { state, cases } of counts) {
      await queryRunner.manager.createQueryBuilder().update('case_state_count').set({ cases: Number(cases) }).where('state = :state', { state }).execute();
    }
    const add = (row: 'NEW' | 'OLD', delta: '+' | '-') =>
      `UPDATE ${name('case_state_count')} SET ${name('cases')} = ${name('cases')} ${delta} 1 WHERE ${name('state')} = ${row}.${name('state')};`;
    const body = { insert: add('NEW', '+'), update: `${add('OLD', '-')} ${add('NEW', '+')}`, delete: add('OLD', '-') };
    for (const [index, event] of (['insert', 'update', 'delete'] as const).entries()) {
      await queryRunner.query(`CREATE TRIGGER ${name(TRIGGERS[index])} AFTER ${event.toUpperCase()} ON ${name('case_file')} FOR EACH ROW BEGIN ${body[event]} END`);
    }
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    for (const trigger of TRIGGERS) await queryRunner.query(`DROP TRIGGER IF EXISTS ${queryRunner.connection.driver.escape(trigger)}`);
    await queryRunner.dropTable('case_state_count');
  }
}
