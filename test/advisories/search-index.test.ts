import { CaseVendorStatus } from '../../src/cases/case.entity';
import { createHarness, Harness, Persona } from '../support/harness';
import { createAdvisory, CVSS_V3, insertCoordinatingCase, publish, publishRevision, updateAdvisory } from './support/advisory-fixtures';

// The public search through its index (advisory_search_term, src/advisories/search-index.ts and search-text.ts):
// prefix words, case and accents, words the index cannot answer, the user's punctuation, Japanese, and secrecy. The
// index replaced the MySQL/MariaDB FULLTEXT indexes and the SQLite FTS5 table of migration 1764230000000, which
// migration 1764270000000 drops; the last tests take these migrations down and up again.

const SEARCH = `query($filter: AdvisorySearchFilter, $first: Int) {
  searchAdvisories(filter: $filter, first: $first) { totalCount edges { node { id } } }
}`;

interface SearchPage {
  searchAdvisories: { totalCount: number; edges: { node: { id: string } }[] };
}

describe('public advisory search through its index', () => {
  let h: Harness;
  const ids = {} as Record<'router' | 'japanese' | 'operators' | 'draft' | 'scheduled' | 'revised', string>;

  beforeAll(async () => {
    h = await createHarness();
    const { acme, globex } = h.world.vendors;

    const routerCase = await insertCoordinatingCase(h, { title: 'Heap corruption in Zenbarrow Gateway firmware', vendors: [[acme, CaseVendorStatus.FIX_AVAILABLE]] });
    ids.router = (await publish(h, (await createAdvisory(h, routerCase, {
      overview: 'A crafted Café-Crème header corrupts the heap. Works with gateways of the RX line.', cvssV3Vector: CVSS_V3, cweId: 'CWE-122',
      products: [{ vendorId: acme, name: 'Zenbarrow Gateway RX', versions: '1.0' }],
    })).id)).id;

    const japaneseCase = await insertCoordinatingCase(h, { title: 'ルーター管理画面におけるクロスサイトスクリプティングの脆弱性', vendors: [[globex, CaseVendorStatus.AFFECTED]] });
    ids.japanese = (await publish(h, (await createAdvisory(h, japaneseCase, {
      overview: '遠隔の第三者によって任意のスクリプトを実行される可能性があります。', cvssV3Vector: CVSS_V3, cweId: 'CWE-79',
    })).id)).id;

    const operatorsCase = await insertCoordinatingCase(h, { title: 'Quirkstone parser flaw', vendors: [[globex, CaseVendorStatus.AFFECTED]] });
    ids.operators = (await publish(h, (await createAdvisory(h, operatorsCase, {
      overview: 'Run quirkstone with "-x" or (a+b)*c, mail @host, ~tilde, <lt> >gt; O\'Reilly\'s note.', cvssV3Vector: CVSS_V3, cweId: 'CWE-20',
    })).id)).id;

    const draftCase = await insertCoordinatingCase(h, { title: 'Draftonlyword flaw in Zenbarrow Gateway', vendors: [[acme, CaseVendorStatus.AFFECTED]] });
    ids.draft = (await createAdvisory(h, draftCase, { overview: 'Secretdraftword in the overview.', products: [{ vendorId: acme, name: 'Draftproduct Gateway', versions: '1' }] })).id;
    const scheduledCase = await insertCoordinatingCase(h, { title: 'Scheduledonlyword flaw in Zenbarrow Gateway', vendors: [[acme, CaseVendorStatus.AFFECTED]] });
    ids.scheduled = (await publish(h, (await createAdvisory(h, scheduledCase, { overview: 'Secretscheduledword.' })).id, new Date(h.clock.now().getTime() + 2 * 86_400_000))).id;

    const revisedCase = await insertCoordinatingCase(h, { title: 'Original title of Yarrowdale Camera flaw', vendors: [[globex, CaseVendorStatus.AFFECTED]] });
    ids.revised = (await publish(h, (await createAdvisory(h, revisedCase, {
      overview: 'Firstreleaseword in the overview.', products: [{ vendorId: globex, name: 'Oldlens Camera', versions: '1' }],
    })).id)).id;
  }, 120_000);
  afterAll(async () => h?.close(), 60_000);

  const search = async (text: string, persona: Persona = 'anonymous') =>
    (await h.ok<SearchPage>(persona, SEARCH, { filter: { text }, first: 50 })).searchAdvisories;
  const found = async (text: string, persona: Persona = 'anonymous') => {
    const page = await search(text, persona);
    expect(page.totalCount).toBe(page.edges.length);
    return page.edges.map((edge) => edge.node.id).sort();
  };

  it('requires every word, across the text, product and vendor names', async () => {
    expect(await found('zenbarrow heap')).toEqual([ids.router]);
    expect(await found('zenbarrow acme gateway')).toEqual([ids.router]); // acme: the vendor's name only
    expect(await found('zenbarrow globex')).toEqual([]);
    expect(await found('quirkstone zenbarrow')).toEqual([]);
  });

  it('matches words by their beginning, in any case and with or without accents', async () => {
    expect(await found('zenbar')).toEqual([ids.router]);
    expect(await found('ZENBARROW GaTeWaY')).toEqual([ids.router]);
    expect(await found('corrupt')).toEqual([ids.router]);
    expect(await found('cafe creme')).toEqual([ids.router]);
    expect(await found('CAFÉ')).toEqual([ids.router]);
    // The index answers from the start of a word: the middle of one is not a match (it was with LIKE).
    expect(await found('barrow')).toEqual([]);
  });

  it('answers words the index cannot (short words, stopwords) as substrings', async () => {
    expect(await found('rx')).toEqual([ids.router]); // two letters, below innodb_ft_min_token_size
    expect(await found('RX zenbarrow')).toEqual([ids.router]);
    expect(await found('with gateways')).toEqual([ids.router]); // "with" is an InnoDB stopword
    expect(await found('the zenbarrow')).toEqual([ids.router]);
    expect(await found('zz zenbarrow')).toEqual([]);
  });

  it('finds Japanese text as substrings, alone or with other words', async () => {
    expect(await found('脆弱性')).toEqual([ids.japanese]);
    expect(await found('スクリプト')).toEqual([ids.japanese]);
    expect(await found('管理画面 globex')).toEqual([ids.japanese]);
    expect(await found('第三者 実行')).toEqual([ids.japanese]);
    expect(await found('脆弱性 acme')).toEqual([]);
    expect(await found('バッファ')).toEqual([]);
  });

  it('takes quotes, operators and punctuation literally, never as query syntax', async () => {
    const hostile = [
      '"', '""', '*', '+', '-', '~', '@', '(', ')', '<', '>', "'", '"quirkstone', 'quirkstone"', '+quirkstone', '-quirkstone', 'quirkstone*',
      '(quirkstone)', '@2', 'quirkstone@2', 'NEAR(quirkstone', 'quirkstone AND', 'OR', 'NOT quirkstone', 'body:quirkstone', '^quirkstone',
      "'; DROP TABLE advisory; --", 'MATCH(title) AGAINST', '\\', '%', '_', '\u0000', 'a'.repeat(100), 'ab'.repeat(45) + ' zenbarrow', 'ǅemal', 'e\u0301te',
    ];
    for (const text of hostile) await search(text); // no error for any of them
    // Punctuation typed inside or around a word must occur as typed.
    expect(await found('"-x"')).toEqual([ids.operators]);
    expect(await found('(a+b)*c')).toEqual([ids.operators]);
    expect(await found('@host')).toEqual([ids.operators]);
    expect(await found('~tilde <lt> >gt;')).toEqual([ids.operators]);
    expect(await found("O'Reilly's")).toEqual([ids.operators]);
    expect(await found('+quirkstone')).toEqual([]); // a plus is a character here, not "required"
    expect(await found('quirkstone -parser')).toEqual([]); // a minus does not exclude
    expect(await found('quirkstone*')).toEqual([]); // nor is an asterisk a wildcard
    expect(await found('quirkstone parser')).toEqual([ids.operators]);
  });

  it('never matches or counts drafts and scheduled publications, whoever asks, until they are due', async () => {
    for (const persona of ['anonymous', 'coordinatorStaff', 'vendorAcmeAdmin'] as const) {
      for (const text of ['draftonlyword', 'secretdraftword', 'draftproduct', 'scheduledonlyword', 'secretscheduledword', 'secretdraft', 'sch']) {
        const page = await search(text, persona);
        expect(page.edges.map((edge) => edge.node.id)).not.toEqual(expect.arrayContaining([ids.draft]));
        expect(page.edges.map((edge) => edge.node.id)).not.toEqual(expect.arrayContaining([ids.scheduled]));
      }
      expect((await search('draftonlyword', persona)).totalCount).toBe(0);
      expect((await search('secretscheduledword', persona)).totalCount).toBe(0);
    }
    expect(await found('zenbarrow')).toEqual([ids.router]);
  });

  it('follows revisions: staged text never matches, released text does, replaced text no longer does', async () => {
    const staged = await updateAdvisory(h, ids.revised, {
      overview: 'Stagedrevisionword in the overview.', products: [{ vendorId: h.world.vendors.globex, name: 'Quillhaven Camera', versions: '2' }],
    });
    expect(staged.errors).toBeUndefined();
    expect(await found('stagedrevisionword', 'coordinatorStaff')).toEqual([]);
    expect(await found('quillhaven')).toEqual([]);
    expect(await found('firstreleaseword yarrowdale oldlens')).toEqual([ids.revised]);

    expect((await publishRevision(h, ids.revised, 'Updated the overview and products')).errors).toBeUndefined();
    expect(await found('stagedrevisionword')).toEqual([ids.revised]);
    expect(await found('quillhaven camera')).toEqual([ids.revised]);
    expect(await found('firstreleaseword')).toEqual([]);
    expect(await found('oldlens')).toEqual([]);
    expect(await found('yarrowdale camera')).toEqual([ids.revised]); // the title (unchanged) and the new product
  });

  it('finds a scheduled publication once it is due', async () => {
    expect(await found('secretscheduledword')).toEqual([]);
    h.clock.advanceDays(3);
    expect(await found('secretscheduledword')).toEqual([ids.scheduled]);
    expect(await found('scheduledonly zenbarrow')).toEqual([ids.scheduled]);
    expect(await found('draftonlyword')).toEqual([]);
  });

  it('survives its migration (and every later one) going down and up again', async () => {
    const dataSource = h.db.dataSource;
    const lastName = async () => ((await dataSource.query(`SELECT name FROM migrations ORDER BY id DESC LIMIT 1`)) as { name: string }[])[0].name;
    const undone: string[] = [];
    while (!undone.includes('AdvisorySearchIndex1764230000000')) {
      undone.push(await lastName());
      await dataSource.undoLastMigration({ transaction: 'each' });
    }
    expect(await lastName()).toBe('QueryIndexes1764220000000');
    await dataSource.runMigrations({ transaction: 'each' });
    expect(await lastName()).toBe(undone[0]);
    expect(await found('zenbarrow heap')).toEqual([ids.router]);
    expect(await found('stagedrevisionword')).toEqual([ids.revised]);
    expect(await found('draftonlyword', 'coordinatorStaff')).toEqual([]);
  });

  describe('migration DropAdvisoryFullText1764270000000', () => {
    const lastName = async () => ((await h.db.dataSource.query(`SELECT name FROM migrations ORDER BY id DESC LIMIT 1`)) as { name: string }[])[0].name;

    /**
     * What is left of the full-text indexes of migration 1764230000000. MySQL/MariaDB: the FULLTEXT indexes, and the
     * tables with InnoDB's hidden FTS_DOC_ID column or its FTS auxiliary tables (MariaDB's INNODB_SYS_* names; MySQL 8
     * calls them INNODB_TABLES and INNODB_COLUMNS). SQLite: the tables (the FTS5 table's shadow tables included),
     * their index and the triggers.
     */
    async function fullTextObjects(): Promise<string[]> {
      const dataSource = h.db.dataSource;
      if (h.db.kind === 'sqlite') {
        const rows = (await dataSource.query(`SELECT type, name FROM sqlite_master`)) as { type: string; name: string }[];
        return rows
          .filter(({ name }) => (name.startsWith('advisory_search') && !name.startsWith('advisory_search_term')) || name === 'UQ_advisory_search_advisoryId')
          .map(({ type, name }) => `${type} ${name}`)
          .sort();
      }
      const indexes = (await dataSource.query(
        `SELECT DISTINCT TABLE_NAME AS tableName, INDEX_NAME AS indexName FROM information_schema.STATISTICS WHERE TABLE_SCHEMA = DATABASE() AND INDEX_TYPE = 'FULLTEXT'`,
      )) as { tableName: string; indexName: string }[];
      const [{ database }] = (await dataSource.query(`SELECT DATABASE() AS \`database\``)) as { database: string }[];
      const innodb = /mariadb/i.test(((await dataSource.query(`SELECT VERSION() AS version`)) as { version: string }[])[0].version)
        ? { tables: 'INNODB_SYS_TABLES', columns: 'INNODB_SYS_COLUMNS' }
        : { tables: 'INNODB_TABLES', columns: 'INNODB_COLUMNS' };
      const hidden = (await dataSource.query(
        `SELECT t.NAME AS name FROM information_schema.${innodb.columns} c JOIN information_schema.${innodb.tables} t ON t.TABLE_ID = c.TABLE_ID
         WHERE t.NAME LIKE ? AND c.NAME = 'FTS_DOC_ID'`,
        [`${database}/%`],
      )) as { name: string }[];
      const auxiliary = (await dataSource.query(`SELECT NAME AS name FROM information_schema.${innodb.tables} WHERE NAME LIKE ?`, [`${database}/FTS\\_%`])) as { name: string }[];
      return [
        ...indexes.map((row) => `FULLTEXT ${row.tableName}.${row.indexName}`),
        ...hidden.map((row) => `FTS_DOC_ID ${row.name.slice(database.length + 1)}`),
        ...(auxiliary.length > 0 ? [`${auxiliary.length} FTS auxiliary tables`] : []),
      ].sort();
    }

    /** The advisories whose text has `word`, read from the old full-text index itself. */
    async function fullTextMatches(word: string): Promise<string[]> {
      const rows = (await (h.db.kind === 'sqlite'
        ? h.db.dataSource.query(
            `SELECT s."advisoryId" AS id FROM "advisory_search_fts" f JOIN "advisory_search" s ON s."id" = f.rowid WHERE "advisory_search_fts" MATCH ?`,
            [word],
          )
        : h.db.dataSource.query(
            `SELECT id FROM advisory
             WHERE MATCH(identifier, title, overview, affectedProducts, impact, solution, workarounds, vendorStatements, coordinatorVerification) AGAINST (? IN BOOLEAN MODE)`,
            [word],
          ))) as { id: string }[];
      return rows.map((row) => row.id).sort();
    }

    it('leaves nothing of the old full-text indexes after every migration', async () => {
      expect(await lastName()).toBe('DropAdvisoryFullText1764270000000');
      expect(await fullTextObjects()).toEqual([]);
    });

    it('brings them back complete one step down, and drops them again one step up', async () => {
      const dataSource = h.db.dataSource;
      await dataSource.undoLastMigration({ transaction: 'each' });
      expect(await lastName()).toBe('AdvisorySearchTerms1764260000000');
      const restored = await fullTextObjects();
      expect(restored).toEqual(
        h.db.kind === 'sqlite'
          ? expect.arrayContaining(['table advisory_search', 'table advisory_search_fts', 'index UQ_advisory_search_advisoryId', 'trigger advisory_search_advisory_update'])
          : expect.arrayContaining(['FULLTEXT advisory.FT_advisory_text', 'FULLTEXT advisory_product.FT_advisory_product_names', 'FTS_DOC_ID advisory']),
      );
      if (h.db.kind === 'sqlite') expect(restored.filter((object) => object.startsWith('trigger '))).toHaveLength(12);
      else expect(restored.filter((object) => object.startsWith('FULLTEXT '))).toHaveLength(3);
      // Built again from the rows already there, as migration 1764230000000 built them: on SQLite the text of
      // PUBLISHED advisories only, on MySQL/MariaDB every row's (the old search joined back to "published and due").
      expect(await fullTextMatches('heap')).toEqual([ids.router]);
      expect(await fullTextMatches('draftonlyword')).toEqual(h.db.kind === 'sqlite' ? [] : [ids.draft]);

      // Written while the old indexes exist: after they are dropped and built again, they must still hold it (an
      // index built again over InnoDB's leftover FTS_DOC_ID and auxiliary tables would miss it).
      const meanwhileCase = await insertCoordinatingCase(h, { title: 'Wombatrelle relay flaw', vendors: [[h.world.vendors.globex, CaseVendorStatus.AFFECTED]] });
      const meanwhile = (await publish(h, (await createAdvisory(h, meanwhileCase, { overview: 'Wombatrelle overview.', cvssV3Vector: CVSS_V3, cweId: 'CWE-20' })).id)).id;
      expect(await fullTextMatches('wombatrelle')).toEqual([meanwhile]);

      await dataSource.runMigrations({ transaction: 'each' });
      expect(await lastName()).toBe('DropAdvisoryFullText1764270000000');
      expect(await fullTextObjects()).toEqual([]);
      expect(await found('wombatrelle')).toEqual([meanwhile]);
      expect(await found('zenbarrow heap')).toEqual([ids.router]);

      await dataSource.undoLastMigration({ transaction: 'each' });
      expect(await fullTextMatches('wombatrelle')).toEqual([meanwhile]);
      expect(await fullTextMatches('heap')).toEqual([ids.router]);
      await dataSource.runMigrations({ transaction: 'each' });
      expect(await fullTextObjects()).toEqual([]);
    });
  });
});
