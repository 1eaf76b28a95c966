import { randomUUID } from 'node:crypto';
import pino from 'pino';
import { DataSource } from 'typeorm';
import { createDataSource } from '../../ormconfig';
import { Advisory } from '../../src/advisories/advisory.entity';
import { publishAdvisory, PublicationGate } from '../../src/advisories/advisory.service';
import { AdvisoryRevision } from '../../src/advisories/advisory-publication.entity';
import { CaseVendorStatus } from '../../src/cases/case.entity';
import { createRequestContext, RequestContext } from '../../src/context/request-context';
import { testDatabaseKind } from '../support/database';
import { createHarness, Harness } from '../support/harness';
import { contextOf, createAdvisory, insertCoordinatingCase } from './support/advisory-fixtures';

const PUBLICATIONS = 24;
const CONNECTION_POOLS = 4;

/** A gate that holds every publication inside its open transaction until all of them have got there. */
function barrierGate(parties: number): PublicationGate {
  let arrived = 0;
  let release!: () => void;
  const allThere = new Promise<void>((resolve) => (release = resolve));
  return async (_tx, _advisory, _owner) => {
    arrived += 1;
    if (arrived === parties) release();
    await allThere;
    return 'coordinated';
  };
}

describe('advisory identifiers', () => {
  let h: Harness;
  const pools: DataSource[] = [];
  beforeAll(async () => {
    h = await createHarness();
  }, 120_000);
  afterAll(async () => {
    for (const pool of pools) await pool.destroy();
    await h?.close();
  }, 60_000);

  /** Drafts on COORDINATING cases; with `alternate`, every second one is coordinated overseas (JVNVU#). */
  async function drafts(count: number, label: string, alternate: boolean): Promise<{ id: string; overseas: boolean }[]> {
    const created = [];
    for (let index = 0; index < count; index++) {
      const overseas = alternate && index % 2 === 1;
      const caseId = await insertCoordinatingCase(h, { title: `${label} ${index}`, overseas, vendors: [[h.world.vendors.acme, CaseVendorStatus.FIX_AVAILABLE]] });
      created.push({ id: (await createAdvisory(h, caseId)).id, overseas });
    }
    return created;
  }

  /** Coordinator contexts, each on its own connection pool of the same MariaDB database. */
  async function contextsOnSeparatePools(): Promise<RequestContext[]> {
    const base = await contextOf(h, 'coordinatorStaff');
    for (let index = 0; index < CONNECTION_POOLS; index++) {
      const pool = createDataSource({ database: h.db.config });
      await pool.initialize();
      pools.push(pool);
    }
    return pools.map((dataSource) =>
      createRequestContext({ requestId: randomUUID(), now: h.clock.now(), viewer: base.viewer, config: h.config, dataSource, logger: pino({ level: 'silent' }), clientAddress: '127.0.0.1' }),
    );
  }

  /**
   * On MariaDB all publications run at once, each transaction on a connection of its own, held open by a barrier
   * until every one of them is inside its transaction, so they all contend for the counter. SQLite has one writer at
   * a time by design and TypeORM's better-sqlite3 driver shares one connection, so there they run one after another.
   */
  async function publishAll(pending: { id: string }[]): Promise<PromiseSettledResult<Advisory>[]> {
    if (testDatabaseKind() === 'mariadb') {
      const contexts = await contextsOnSeparatePools();
      const gate = barrierGate(pending.length);
      return Promise.allSettled(pending.map((draft, index) => publishAdvisory(contexts[index % contexts.length], { advisoryId: draft.id }, gate)));
    }
    const results: PromiseSettledResult<Advisory>[] = [];
    for (const draft of pending) {
      results.push(await publishAdvisory(await contextOf(h, 'coordinatorStaff'), { advisoryId: draft.id }).then(
        (value) => ({ status: 'fulfilled' as const, value }),
        (reason: unknown) => ({ status: 'rejected' as const, reason }),
      ));
    }
    return results;
  }

  it('gives publications distinct, consecutive identifiers per prefix, also when they all run at once', async () => {
    const pending = await drafts(PUBLICATIONS, 'Concurrent publication', true);
    const results = await publishAll(pending);
    expect(results.filter((result) => result.status === 'rejected')).toEqual([]);

    const published = await h.db.dataSource.getRepository(Advisory).find({ where: pending.map((draft) => ({ id: draft.id })) });
    const identifiers = published.map((advisory) => advisory.identifier!);
    expect(new Set(identifiers).size).toBe(PUBLICATIONS);
    const domestic = published.filter((advisory) => !pending.find((draft) => draft.id === advisory.id)!.overseas).map((advisory) => advisory.identifier!).sort();
    const overseas = published.filter((advisory) => pending.find((draft) => draft.id === advisory.id)!.overseas).map((advisory) => advisory.identifier!).sort();
    // The demo world holds JVN#00000001 and JVN#00000002; JVNVU# starts here.
    expect(domestic).toEqual(Array.from({ length: PUBLICATIONS / 2 }, (_, index) => `JVN#${String(index + 3).padStart(8, '0')}`));
    expect(overseas).toEqual(Array.from({ length: PUBLICATIONS / 2 }, (_, index) => `JVNVU#${String(index + 1).padStart(8, '0')}`));
    const revisions = await h.db.dataSource.getRepository(AdvisoryRevision).find({ where: pending.map((draft) => ({ advisoryId: draft.id })) });
    expect(revisions.map((revision) => revision.number)).toEqual(Array(PUBLICATIONS).fill(1));
  }, 120_000);

  it('takes no number for a refused publication, continues the sequence after it, and refuses a duplicate in the database', async () => {
    const [first, second] = await drafts(2, 'Sequential publication', false).then((created) => created.map((draft) => draft.id));
    const ctx = await contextOf(h, 'coordinatorStaff');
    const refusing: PublicationGate = async () => {
      throw new Error('committee said no');
    };
    await expect(publishAdvisory(ctx, { advisoryId: first }, refusing)).rejects.toThrow('committee said no');
    const before = await h.db.dataSource.getRepository(Advisory).findOneByOrFail({ id: first });
    expect(before.identifier).toBeNull();

    const a = await publishAdvisory(await contextOf(h, 'coordinatorStaff'), { advisoryId: first });
    const b = await publishAdvisory(await contextOf(h, 'coordinatorStaff'), { advisoryId: second });
    expect(a.identifier).toBe(`JVN#${String(PUBLICATIONS / 2 + 3).padStart(8, '0')}`);
    expect(Number(b.identifier!.slice(4))).toBe(Number(a.identifier!.slice(4)) + 1);
    await expect(h.db.dataSource.getRepository(Advisory).update({ id: second }, { identifier: a.identifier })).rejects.toThrow();
  }, 60_000);
});
