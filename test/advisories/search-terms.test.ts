import type { Logger, QueryRunner } from 'typeorm';
import { Advisory, AdvisoryStatus } from '../../src/advisories/advisory.entity';
import { AdvisoryProduct } from '../../src/advisories/advisory-publication.entity';
import { rebuildSearchTerms, refreshSearchTerms, SEARCH_TERM_TABLE } from '../../src/advisories/search-index';
import { documentTerms } from '../../src/advisories/search-text';
import { CaseVendorStatus } from '../../src/cases/case.entity';
import { newId } from '../../src/common/columns';
import { reschedulePublication } from '../../src/disclosure/publication-schedule.service';
import { createHarness, Harness, Persona } from '../support/harness';
import { contextOf, createAdvisory, insertCoordinatingCase, publish, publishRevision, updateAdvisory } from './support/advisory-fixtures';

// The search's own index (advisory_search_term, src/advisories/search-index.ts): which rows it holds and when, and
// that a page reads a bounded number of them however many advisories hold the word.

const DAY = 86_400_000;
const CAP = 10;

const SEARCH = `query($filter: AdvisorySearchFilter, $first: Int) {
  searchAdvisories(filter: $filter, first: $first) { totalCount totalCountIsLowerBound edges { node { id } } }
}`;

interface SearchPage {
  searchAdvisories: { totalCount: number; totalCountIsLowerBound: boolean; edges: { node: { id: string } }[] };
}

/** Records the statements the data source sends (with their parameters) while installed. */
class StatementRecorder implements Logger {
  recorded: { sql: string; parameters: unknown[] }[] = [];
  constructor(private readonly inner: Logger) {}
  logQuery(query: string, parameters?: unknown[]): void {
    this.recorded.push({ sql: query, parameters: parameters ?? [] });
    this.inner.logQuery(query, parameters);
  }
  logQueryError(error: string | Error, query: string, parameters?: unknown[], runner?: QueryRunner): void {
    this.inner.logQueryError(error, query, parameters, runner);
  }
  logQuerySlow(time: number, query: string, parameters?: unknown[], runner?: QueryRunner): void {
    this.inner.logQuerySlow(time, query, parameters, runner);
  }
  logSchemaBuild(message: string, runner?: QueryRunner): void {
    this.inner.logSchemaBuild(message, runner);
  }
  logMigration(message: string, runner?: QueryRunner): void {
    this.inner.logMigration(message, runner);
  }
  log(level: 'log' | 'info' | 'warn', message: unknown, runner?: QueryRunner): void {
    this.inner.log(level, message, runner);
  }
}

describe('the search index', () => {
  let h: Harness;
  let sqlite: boolean;

  beforeAll(async () => {
    h = await createHarness({ config: { searchTotalCountCap: CAP } });
    sqlite = h.db.dataSource.options.type === 'better-sqlite3';
  }, 120_000);
  afterAll(async () => h?.close(), 60_000);

  const termsOf = async (advisoryId: string) => {
    const rows = (await h.db.dataSource.query(`SELECT term, publishedAt FROM ${SEARCH_TERM_TABLE} WHERE advisoryId = ?`, [advisoryId])) as { term: string; publishedAt: Date | string }[];
    return { terms: new Set(rows.map((row) => row.term)), times: new Set(rows.map((row) => new Date(row.publishedAt instanceof Date ? row.publishedAt : `${row.publishedAt.replace(' ', 'T')}Z`).toISOString())) };
  };
  const search = async (text: string, persona: Persona = 'anonymous', first = 50) => (await h.ok<SearchPage>(persona, SEARCH, { filter: { text }, first })).searchAdvisories;
  const found = async (text: string, persona: Persona = 'anonymous') => (await search(text, persona)).edges.map((edge) => edge.node.id);
  const hasAll = (terms: Set<string>, expected: Iterable<string>) => [...expected].every((term) => terms.has(term));

  it('holds nothing of a draft, and exactly the published text once it is published', async () => {
    const { acme } = h.world.vendors;
    const caseId = await insertCoordinatingCase(h, { title: 'Draftphase flaw in Vellichor Gateway', vendors: [[acme, CaseVendorStatus.FIX_AVAILABLE]] });
    const draft = await createAdvisory(h, caseId, {
      overview: 'Overviewword in the overview.', internalNotes: 'Internalnotesword only for staff.',
      products: [{ vendorId: acme, name: 'Vellichor Gateway RX', versions: '1.0' }],
    });
    expect((await termsOf(draft.id)).terms.size).toBe(0);
    expect((await updateAdvisory(h, draft.id, { impact: 'Draftimpactword while a draft.' })).errors).toBeUndefined();
    expect((await termsOf(draft.id)).terms.size).toBe(0);

    const published = await publish(h, draft.id);
    const { terms, times } = await termsOf(draft.id);
    const expected = documentTerms([
      published.identifier, published.title, published.overview, published.affectedProducts, published.impact, published.solution, published.workarounds,
      published.vendorStatements, published.coordinatorVerification, ...published.products.flatMap((product) => [product.name, product.vendorName]),
      ...published.vendorStatuses.map((status) => status.vendorName),
    ]);
    expect(terms).toEqual(expected);
    expect(hasAll(terms, ['vellichor', 'overviewword', 'draftimpactword', 'acm'])).toBe(true);
    expect([...terms].some((term) => term.startsWith('internalnotes'))).toBe(false);
    expect(times).toEqual(new Set([published.publishedAt]));
    expect(await found('overviewword vellichor')).toEqual([draft.id]);

    // Staged edits stay out of the index until they are released; internal notes never go in.
    expect((await updateAdvisory(h, draft.id, { overview: 'Stagedoverviewword now.', internalNotes: 'Secondinternalword.', products: [{ vendorId: acme, name: 'Quenelle Switch', versions: '2' }] })).errors).toBeUndefined();
    let now = await termsOf(draft.id);
    expect(now.terms).toEqual(expected);
    expect(await found('stagedoverviewword', 'coordinatorStaff')).toEqual([]);

    expect((await publishRevision(h, draft.id, 'New overview and products')).errors).toBeUndefined();
    now = await termsOf(draft.id);
    expect(hasAll(now.terms, ['stagedoverviewword', 'quenelle', 'switch', 'vellichor'])).toBe(true); // the title keeps Vellichor
    expect(now.terms.has('overviewword')).toBe(false);
    expect([...now.terms].some((term) => term.startsWith('secondinternal') || term.startsWith('internalnotes'))).toBe(false);
    expect(now.times).toEqual(new Set([published.publishedAt])); // a revision does not move the publication
    expect(await found('stagedoverviewword quenelle')).toEqual([draft.id]);
    expect(await found('overviewword')).toEqual([]);
  });

  it('holds a scheduled publication from the start, but none of its words match or count before it is due', async () => {
    const { acme } = h.world.vendors;
    const caseId = await insertCoordinatingCase(h, { title: 'Embargoword flaw in Marrowgate Camera', vendors: [[acme, CaseVendorStatus.AFFECTED]] });
    const advisory = await createAdvisory(h, caseId, { overview: 'Scheduledtextword.' });
    const due = new Date(h.clock.now().getTime() + 2 * DAY);
    await publish(h, advisory.id, due);
    expect((await termsOf(advisory.id)).terms.has('scheduledtextword')).toBe(true);
    for (const persona of ['anonymous', 'coordinatorStaff', 'vendorAcmeAdmin', 'operator'] as const) {
      for (const text of ['embargoword', 'scheduledtextword', 'marrowgate', 'scheduledtext embargo', 'sch']) {
        const page = await search(text, persona);
        expect(page.edges.map((edge) => edge.node.id)).not.toContain(advisory.id);
      }
      expect((await search('embargoword', persona)).totalCount).toBe(0);
    }

    // Edited in place while scheduled: the index follows. Moved: the rows carry the new time.
    expect((await updateAdvisory(h, advisory.id, { overview: 'Replacedscheduledword.' })).errors).toBeUndefined();
    expect((await termsOf(advisory.id)).terms.has('scheduledtextword')).toBe(false);
    expect((await termsOf(advisory.id)).terms.has('replacedscheduledword')).toBe(true);
    const later = new Date(due.getTime() + DAY);
    await reschedulePublication(await contextOf(h, 'coordinatorStaff'), { advisoryId: advisory.id, publishAt: later, reason: 'Vendor asked for a day more' });
    expect((await termsOf(advisory.id)).times).toEqual(new Set([later.toISOString()]));

    h.clock.advanceDays(2.5);
    try {
      expect(await found('replacedscheduledword')).toEqual([]); // the old due time has passed, the new one not
      expect((await search('replacedscheduledword')).totalCount).toBe(0); // counted by the index rows alone, at their new time
      h.clock.advanceDays(1);
      expect(await found('replacedscheduledword')).toEqual([advisory.id]);
      expect((await search('replacedscheduledword')).totalCount).toBe(1);
      expect(await found('embargoword marrowgate')).toEqual([advisory.id]);
    } finally {
      h.clock.advanceDays(-3.5);
    }
  });

  it('reads a bounded number of index rows for a page and for the count, however many advisories hold the word', async () => {
    // 150 released advisories with the word, each older than the last: far more than a page (5) or the cap (10).
    const ids: string[] = [];
    const base = h.clock.now().getTime() - 200 * DAY;
    for (let index = 0; index < 150; index++) {
      const caseId = await insertCoordinatingCase(h, { title: `Case ${index}`, vendors: [[h.world.vendors.acme, CaseVendorStatus.AFFECTED]] });
      const id = newId();
      const at = new Date(base + index * 3_600_000);
      await h.db.dataSource.getRepository(Advisory).insert({
        id, caseId, identifier: `JVN#${String(80_000_000 + index).padStart(8, '0')}`, title: `Plentifulword flaw ${index}`, overview: null, affectedProducts: null,
        impact: null, solution: null, workarounds: null, vendorStatements: null, cvssV3Vector: null, cvssV4Vector: null, cweId: null, cveIds: [],
        status: AdvisoryStatus.PUBLISHED, publishedAt: at, unableToCoordinate: false, coordinatorVerification: null, internalNotes: null, severity: null,
        revision: 1, revisedAt: null, pendingRevision: null, createdAt: at, updatedAt: at,
      });
      await h.db.dataSource.getRepository(AdvisoryProduct).insert({ id: newId(), advisoryId: id, vendorId: h.world.vendors.acme, vendorName: 'Acme Networks', name: 'Plain Box', versions: '1', position: 0 });
      ids.push(id);
    }
    await refreshSearchTerms(h.db.dataSource.manager, ids);

    // plentifulword: 150 advisories; jvn: every released advisory (its identifier), where a semi-join would rather
    // drive the query from the advisories themselves.
    const statements: { sql: string; parameters: unknown[] }[] = [];
    for (const word of ['plentifulword', 'jvn']) {
      const recorder = new StatementRecorder(h.db.dataSource.logger);
      const original = h.db.dataSource.logger;
      h.db.dataSource.setOptions({ logger: recorder });
      let page: SearchPage['searchAdvisories'];
      try {
        page = await search(word, 'anonymous', 5);
      } finally {
        h.db.dataSource.setOptions({ logger: original });
      }
      if (word === 'plentifulword') expect(page.edges.map((edge) => edge.node.id)).toEqual(ids.slice(-5).reverse());
      expect(page.edges).toHaveLength(5);
      expect([page.totalCount, page.totalCountIsLowerBound]).toEqual([CAP, true]);
      // One statement: the page, whose rows carry the count.
      const recorded = recorder.recorded.filter((statement) => statement.sql.includes(SEARCH_TERM_TABLE));
      expect(recorded).toHaveLength(1);
      statements.push(...recorded);
    }

    for (const statement of statements) {
      if (sqlite) {
        // The walk is a search of the primary key by term in index order (no sort of the term's rows), and the page's
        // advisories are read by id: neither a scan nor the publication index, which would read every newer advisory.
        const plan = ((await h.db.dataSource.query(`EXPLAIN QUERY PLAN ${statement.sql}`, statement.parameters)) as { detail: string }[]).map((row) => row.detail);
        expect(plan.some((detail) => /SEARCH lt USING (COVERING )?INDEX sqlite_autoindex_advisory_search_term_1 \(term=\?/.test(detail))).toBe(true);
        expect(plan.filter((detail) => /^(SCAN|SEARCH) a /.test(detail)).every((detail) => /^SEARCH a (EXISTS )?USING (COVERING )?INDEX sqlite_autoindex_advisory_1 \(id=\?\)/.test(detail))).toBe(true);
        expect(plan.filter((detail) => /TEMP B-TREE/.test(detail)).length).toBeLessThanOrEqual(1); // the page's 6 rows, sorted once; the count sorts nothing
      } else {
        // Rows read through indexes and temporary tables while the statement runs, counted by MariaDB.
        const runner = h.db.dataSource.createQueryRunner();
        try {
          await runner.query('FLUSH STATUS');
          await runner.query(statement.sql, statement.parameters);
          const status = (await runner.query(`SHOW SESSION STATUS LIKE 'Handler_read%'`)) as { Variable_name: string; Value: string }[];
          const reads = status.filter((row) => row.Variable_name !== 'Handler_read_retry').reduce((sum, row) => sum + Number(row.Value), 0);
          // A page of 5 (+1) and the cap of 10 (+1), each a term row, an advisory row and a temporary row or two: far
          // below the 150 rows holding the word.
          expect(reads).toBeLessThan(80);
        } finally {
          await runner.release();
        }
      }
    }
  });

  // The count of a lone word reads its index rows alone (countedByIndexAlone in advisory-search.service.ts); every
  // other search joins each counted row to its advisory, as the page always does.
  it('counts a lone indexed word by its index rows alone, and joins the advisories for any other search', async () => {
    const advisoryJoins = async (filter: Record<string, unknown>) => {
      const recorder = new StatementRecorder(h.db.dataSource.logger);
      const original = h.db.dataSource.logger;
      h.db.dataSource.setOptions({ logger: recorder });
      try {
        await h.ok<SearchPage>('anonymous', SEARCH, { filter, first: 5 });
      } finally {
        h.db.dataSource.setOptions({ logger: original });
      }
      const [statement] = recorder.recorded.filter((each) => each.sql.includes(SEARCH_TERM_TABLE));
      return (statement.sql.match(/(STRAIGHT_JOIN|CROSS JOIN) [`"]?advisory[`"]?/g) ?? []).length;
    };
    expect(await advisoryJoins({ text: 'plentifulword' })).toBe(1); // the page's
    expect(await advisoryJoins({ text: 'plentif' })).toBe(1); // a prefix is an index term too
    expect(await advisoryJoins({ text: 'plentifulword flaw' })).toBe(2);
    expect(await advisoryJoins({ text: 'plentifulword', severities: ['HIGH'] })).toBe(2);
    expect(await advisoryJoins({ text: 'plentifulword', vendor: 'Acme' })).toBe(2);
    expect(await advisoryJoins({ text: 'plentifulwordplentifulword' })).toBe(2); // longer than an index term: checked per row
  });

  // What the lone word's count relies on: the index holds exactly the rows of the advisories as they are now.
  it('holds exactly what a rebuild from the advisories writes, after the publications, revisions, edits and moves above', async () => {
    const rows = async () =>
      ((await h.db.dataSource.query(`SELECT term, publishedAt, advisoryId FROM ${SEARCH_TERM_TABLE}`)) as { term: string; publishedAt: unknown; advisoryId: string }[])
        .map((row) => `${row.term}|${String(row.publishedAt instanceof Date ? row.publishedAt.toISOString() : row.publishedAt)}|${row.advisoryId}`)
        .sort();
    const kept = await rows();
    expect(kept.length).toBeGreaterThan(1000);
    await rebuildSearchTerms(h.db.dataSource.manager);
    expect(await rows()).toEqual(kept);
  });
});
