import { MigrationInterface, QueryRunner, Table, TableColumnOptions, TableForeignKeyOptions, TableIndexOptions } from 'typeorm';

// The unreachable-vendor procedure (declarations, the staged public list, tips), the publication decision
// committee, and the table the database-backed rate limiters share.
const id = (): TableColumnOptions => ({ name: 'id', type: 'varchar', length: '36', isPrimary: true });
const ref = (name: string, isNullable = false): TableColumnOptions => ({ name, type: 'varchar', length: '36', isNullable });
const text = (name: string, isNullable = true): TableColumnOptions => ({ name, type: 'text', isNullable });
const str = (name: string, length: number, isNullable = false): TableColumnOptions => ({ name, type: 'varchar', length: String(length), isNullable });
const enumeration = (name: string, isNullable = false): TableColumnOptions => str(name, 32, isNullable);
const time = (name: string, isNullable = false): TableColumnOptions => ({ name, type: 'datetime', precision: 3, isNullable });
const integer = (name: string, isNullable = false): TableColumnOptions => ({ name, type: 'int', isNullable });
const flag = (name: string): TableColumnOptions => ({ name, type: 'boolean', isNullable: false, default: false });
const fk = (column: string, table: string): TableForeignKeyOptions => ({ columnNames: [column], referencedTableName: table, referencedColumnNames: ['id'] });
const index = (table: string, columns: string[], isUnique = false): TableIndexOptions => ({
  name: `${isUnique ? 'UQ' : 'IDX'}_${table}_${columns.join('_')}`,
  columnNames: columns,
  isUnique,
});

export class UnreachableCommittee1764190000000 implements MigrationInterface {
  name = 'UnreachableCommittee1764190000000';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.createTable(
      new Table({
        name: 'unreachable_declaration',
        columns: [
          id(), ref('caseId'), ref('caseVendorId'), ref('vendorId'), str('vendorName', 200), enumeration('status'), text('reason'),
          integer('attemptCount'), integer('channelCount'), time('firstAttemptAt', true), time('lastAttemptAt', true),
          time('declaredAt'), ref('declaredByUserId', true), time('contactEstablishedAt', true), ref('contactAttemptId', true),
          { name: 'eventCount', type: 'int', isNullable: false, default: 0 }, time('updatedAt'),
        ],
        indices: [
          index('unreachable_declaration', ['caseVendorId', 'status']),
          index('unreachable_declaration', ['caseId', 'declaredAt']),
          index('unreachable_declaration', ['declaredAt', 'id']),
        ],
        foreignKeys: [
          fk('caseId', 'case_file'), fk('caseVendorId', 'case_vendor'), fk('vendorId', 'vendor'),
          fk('declaredByUserId', 'user'), fk('contactAttemptId', 'contact_attempt'),
        ],
      }),
    );
    await queryRunner.createTable(
      new Table({
        name: 'unreachable_listing',
        columns: [
          id(), ref('declarationId'), ref('caseId'), str('caseReference', 20), str('vendorName', 200), time('stageOnePublishedAt'),
          str('productName', 200, true), str('productVersions', 500, true), time('stageTwoPublishedAt', true),
          time('contactEstablishedAt', true), flag('withdrawn'), time('createdAt'), time('updatedAt'),
        ],
        indices: [
          index('unreachable_listing', ['declarationId'], true),
          index('unreachable_listing', ['caseId']),
          index('unreachable_listing', ['stageOnePublishedAt', 'id']),
        ],
        foreignKeys: [fk('declarationId', 'unreachable_declaration'), fk('caseId', 'case_file')],
      }),
    );
    await queryRunner.createTable(
      new Table({
        name: 'unreachable_event',
        columns: [
          id(), ref('declarationId'), ref('caseId'), integer('sequence'), enumeration('kind'), time('at'), time('recordedAt'),
          ref('actorUserId', true), str('actorName', 200, true), text('note'),
        ],
        indices: [index('unreachable_event', ['declarationId', 'sequence'], true), index('unreachable_event', ['caseId'])],
        foreignKeys: [fk('declarationId', 'unreachable_declaration'), fk('caseId', 'case_file')],
      }),
    );
    await queryRunner.createTable(
      new Table({
        name: 'listing_tip',
        columns: [id(), ref('listingId'), text('message', false), str('senderContact', 500, true), str('receiptCode', 32), time('submittedAt')],
        indices: [index('listing_tip', ['listingId', 'submittedAt'])],
        foreignKeys: [fk('listingId', 'unreachable_listing')],
      }),
    );
    await queryRunner.createTable(
      new Table({
        name: 'committee_referral',
        columns: [
          id(), ref('caseId'), enumeration('status'), time('referredAt'), ref('referredByUserId', true),
          enumeration('supplierInvolvement'), text('supplierInvolvementReasoning', false),
          enumeration('exploitation'), text('exploitationReasoning', false),
          enumeration('publicValueAdded'), text('publicValueAddedReasoning', false),
          text('societalImpact', false), text('harmBalance', false), text('coordinatorVerification', false),
          enumeration('decision', true), time('decidedAt', true), ref('decidedByUserId', true), text('decisionReasons'),
          integer('approveVotes', true), integer('rejectVotes', true), integer('abstainVotes', true), time('updatedAt'),
        ],
        indices: [index('committee_referral', ['caseId', 'referredAt']), index('committee_referral', ['referredAt', 'id'])],
        foreignKeys: [fk('caseId', 'case_file'), fk('referredByUserId', 'user'), fk('decidedByUserId', 'user')],
      }),
    );
    await queryRunner.createTable(
      new Table({
        name: 'committee_vote',
        columns: [id(), ref('referralId'), ref('memberUserId'), str('memberName', 200), enumeration('choice'), text('reasons', false), time('castAt')],
        // One vote per member and referral, also under concurrent requests.
        indices: [index('committee_vote', ['referralId', 'memberUserId'], true)],
        foreignKeys: [fk('referralId', 'committee_referral'), fk('memberUserId', 'user')],
      }),
    );
    await queryRunner.createTable(
      new Table({
        name: 'committee_conflict',
        columns: [id(), ref('referralId'), ref('memberUserId'), str('memberName', 200), text('reason', false), time('declaredAt')],
        indices: [index('committee_conflict', ['referralId', 'memberUserId'], true)],
        foreignKeys: [fk('referralId', 'committee_referral'), fk('memberUserId', 'user')],
      }),
    );
    // The layout rate-limiter-flexible's MySQL and SQLite stores expect (it inserts positionally: key, points, expire).
    await queryRunner.createTable(
      new Table({
        name: 'rate_limit',
        columns: [
          { name: 'key', type: 'varchar', length: '255', isPrimary: true },
          { name: 'points', type: 'int', isNullable: false, default: 0 },
          { name: 'expire', type: 'bigint', isNullable: true },
        ],
      }),
    );
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    for (const table of [
      'rate_limit', 'committee_conflict', 'committee_vote', 'committee_referral',
      'listing_tip', 'unreachable_event', 'unreachable_listing', 'unreachable_declaration',
    ]) {
      await queryRunner.dropTable(table);
    }
  }
}
