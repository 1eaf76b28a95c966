import { CaseVendorStatus } from '../../src/cases/case.entity';
import { publishAdvisory } from '../../src/advisories/advisory.service';
import { CreditType } from '../../src/advisories/advisory-publication.entity';
import { createHarness, Harness } from '../support/harness';
import {
  AdvisoryView, contextOf, createAdvisory, CVSS_V3, CVSS_V4, insertCoordinatingCase, publish, publishRevision, readAdvisory, updateAdvisory,
} from './support/advisory-fixtures';
import { childrenNamed, childText, csafSchemaValidator, cveRecordValidator, parseAtom, validateCsafDocuments } from './support/standards';

interface CsafShape {
  document: {
    category: string;
    distribution: { tlp: { label: string } };
    publisher: { category: string };
    tracking: { id: string; version: string; revision_history: { number: string; summary: string }[] };
    acknowledgments?: { names: string[]; summary: string }[];
    notes: { title?: string; text: string }[];
  };
  product_tree: { branches?: { name: string; branches: { name: string }[] }[]; full_product_names?: { name: string }[] };
  vulnerabilities: {
    cve?: string;
    cwe?: { id: string; name: string };
    scores?: { cvss_v3: { baseScore: number } }[];
    remediations?: { category: string }[];
    product_status: Record<string, string[]>;
  }[];
}

interface CveShape {
  cveMetadata: { cveId: string };
  containers: { cna: { affected: { vendor: string; product: string }[]; metrics?: Record<string, unknown>[]; credits?: { value: string; type: string }[] } };
}

describe('advisory exports and feeds', () => {
  let h: Harness;
  let base: string;
  let rich: AdvisoryView;
  let unable: AdvisoryView;
  let bare: AdvisoryView;
  let overseas: AdvisoryView;
  let scheduledId: string;

  beforeAll(async () => {
    h = await createHarness();
    base = await h.listen();
    const { acme, globex, initech } = h.world.vendors;

    // A coordinated advisory with everything: products of two vendors, both CVSS versions, several CVEs, credits.
    const richCase = await insertCoordinatingCase(h, {
      title: 'SQL injection <in> "Acme" & Globex search',
      vendors: [[acme, CaseVendorStatus.FIX_AVAILABLE, 'Fixed in 5.4.'], [globex, CaseVendorStatus.NOT_AFFECTED, 'Our CMS does not use the library.'], [initech, CaseVendorStatus.UNNOTIFIED]],
    });
    const richDraft = await createAdvisory(h, richCase, {
      title: 'SQL injection <in> "Acme" & Globex search',
      overview: 'A crafted search term runs SQL.\u0007 Control characters & <markup> must not break the feed.',
      impact: 'A remote attacker may read the database.',
      solution: 'Update to 5.4.',
      workarounds: 'Disable the search page.',
      cvssV3Vector: CVSS_V3,
      cvssV4Vector: CVSS_V4,
      cweId: 'CWE-89',
      cveIds: ['CVE-2026-20001', 'CVE-2026-20002'],
      products: [{ vendorId: acme, name: 'Acme Admin Portal', versions: '5.0 to 5.3' }, { vendorId: globex, name: 'Globex CMS' }],
    });
    const credit = await h.ok<{ addAdvisoryCredit: { id: string } }>(
      'coordinatorStaff',
      'mutation($input: AddAdvisoryCreditInput!) { addAdvisoryCredit(input: $input) { id } }',
      { input: { advisoryId: richDraft.id, type: CreditType.FINDER, name: 'Fumi Finder', userId: h.world.users.finder } },
    );
    await h.ok('finder', 'mutation($input: RespondToAdvisoryCreditInput!) { respondToAdvisoryCredit(input: $input) { id } }', { input: { creditId: credit.addAdvisoryCredit.id, accept: true } });
    await h.ok('coordinatorStaff', 'mutation($input: AddAdvisoryCreditInput!) { addAdvisoryCredit(input: $input) { id } }', {
      input: { advisoryId: richDraft.id, type: CreditType.ANALYST, name: 'Hidden Analyst', userId: h.world.users.receiver },
    });
    await publish(h, richDraft.id);
    h.clock.advanceDays(1);
    await updateAdvisory(h, richDraft.id, { workarounds: 'Disable the search page, or filter the q parameter.' });
    expect((await publishRevision(h, richDraft.id, 'Extended the workaround')).errors).toBeUndefined();
    rich = (await readAdvisory(h, 'anonymous', richDraft.id)).data!.advisory;

    // Published without the vendor after the committee: through the publication gate another procedure supplies.
    const unableCase = await insertCoordinatingCase(h, { title: 'Unauthenticated reboot of Initech PLC', vendors: [[initech, CaseVendorStatus.NOTIFIED]] });
    const unableDraft = await createAdvisory(h, unableCase, {
      overview: 'Anyone on the network can reboot the PLC.', coordinatorVerification: 'Reproduced by the coordinator on firmware 7.2.', cvssV3Vector: CVSS_V3,
      products: [{ vendorId: initech, name: 'Initech PLC Manager', versions: '7.2' }], cveIds: ['CVE-2026-20003'], solution: 'Isolate the PLC from untrusted networks.',
    });
    await publishAdvisory(await contextOf(h, 'coordinatorStaff'), { advisoryId: unableDraft.id }, async () => 'unable-to-coordinate');
    unable = (await readAdvisory(h, 'anonymous', unableDraft.id)).data!.advisory;

    // The least an advisory can carry: a title.
    const bareCase = await insertCoordinatingCase(h, { title: 'Information disclosure in an unnamed product' });
    const bareDraft = await createAdvisory(h, bareCase, { cweId: null, cvssV3Vector: null });
    bare = await publish(h, bareDraft.id);

    const overseasCase = await insertCoordinatingCase(h, { title: 'Overseas coordinated flaw', overseas: true, vendors: [[acme, CaseVendorStatus.AFFECTED]] });
    overseas = await publish(h, (await createAdvisory(h, overseasCase, { cveIds: ['CVE-2026-20004'], overview: 'Coordinated with an overseas coordinator.' })).id);

    const scheduledCase = await insertCoordinatingCase(h, { title: 'Scheduled for next week', vendors: [[acme, CaseVendorStatus.FIX_AVAILABLE]] });
    const scheduledDraft = await createAdvisory(h, scheduledCase, { cveIds: ['CVE-2026-20005'] });
    scheduledId = (await publish(h, scheduledDraft.id, new Date(h.clock.now().getTime() + 7 * 86_400_000))).id;
  }, 120_000);
  afterAll(async () => h?.close(), 60_000);

  const get = (path: string, headers: Record<string, string> = {}) => fetch(`${base}${path}`, { headers });
  const released = () => [h.world.advisories.published, h.world.advisories.closed, rich.id, unable.id, bare.id, overseas.id];

  it('exports every released advisory as CSAF 2.0 that passes the strict schema and every mandatory test', async () => {
    const documents: unknown[] = [];
    for (const id of released()) {
      const response = await get(`/advisories/${id}/csaf.json`);
      expect(response.status).toBe(200);
      expect(response.headers.get('content-type')).toMatch(/^application\/json/);
      documents.push(await response.json());
    }
    // The validator must be able to fail: a copy with a wrong CWE name and no product status is refused.
    const broken = JSON.parse(JSON.stringify(documents[2])) as CsafShape;
    broken.vulnerabilities[0].cwe = { id: 'CWE-89', name: 'SQL Injection' };
    Reflect.deleteProperty(broken.vulnerabilities[1], 'product_status');
    const [brokenResult, ...results] = await validateCsafDocuments([broken, ...documents]);
    expect(brokenResult.isValid).toBe(false);
    expect(new Set(brokenResult.errors.map((error) => error.test))).toEqual(new Set(['mandatoryTest_6_1_11', 'mandatoryTest_6_1_27_6']));
    expect(results).toHaveLength(documents.length);
    for (const result of results) {
      expect(result.errors).toEqual([]);
      expect(result.isValid).toBe(true);
      expect(result.testCount).toBeGreaterThan(40);
    }
    const schema = csafSchemaValidator();
    for (const document of documents) expect(schema(document) ? [] : schema.errors).toEqual([]);
  }, 120_000);

  it('writes the coordinator, TLP, products, CVEs, CWE, scores, remediations, credits and revision history into CSAF', async () => {
    const document = (await (await get(`/advisories/${encodeURIComponent(rich.identifier!)}/csaf.json`)).json()) as CsafShape;
    expect(document.document.category).toBe('csaf_security_advisory');
    expect(document.document.distribution.tlp.label).toBe('WHITE');
    expect(document.document.publisher.category).toBe('coordinator');
    expect(document.document.tracking.id).toBe(rich.identifier);
    expect(document.document.tracking.version).toBe('2');
    expect(document.document.tracking.revision_history.map((revision) => [revision.number, revision.summary])).toEqual([['1', 'Initial release'], ['2', 'Extended the workaround']]);
    expect(document.product_tree.branches!.map((vendor) => vendor.name)).toEqual(['Acme Networks', 'Globex Software']);
    expect(document.vulnerabilities.map((vulnerability) => vulnerability.cve)).toEqual(['CVE-2026-20001', 'CVE-2026-20002']);
    const [first] = document.vulnerabilities;
    expect(first.cwe).toEqual({ id: 'CWE-89', name: "Improper Neutralization of Special Elements used in an SQL Command ('SQL Injection')" });
    expect(first.scores![0].cvss_v3.baseScore).toBe(9.8);
    expect(first.product_status).toEqual({ known_affected: ['CSAFPID-0001'], known_not_affected: ['CSAFPID-0002'] });
    expect(first.remediations!.map((remediation) => remediation.category)).toEqual(['vendor_fix', 'workaround']);
    expect(document.document.acknowledgments).toEqual([{ names: ['Fumi Finder'], summary: 'finder' }]);
    expect(JSON.stringify(document)).not.toContain('Hidden Analyst');
    expect(JSON.stringify(document)).not.toContain('Initech');
  });

  it('marks an unable-to-coordinate advisory and carries the coordinator\'s verification', async () => {
    const document = (await (await get(`/advisories/${unable.id}/csaf.json`)).json()) as CsafShape;
    expect(document.document.notes.map((note) => note.title)).toEqual(expect.arrayContaining(['Unable to coordinate', "Coordinator's verification"]));
    expect(document.vulnerabilities[0].remediations!.map((remediation) => remediation.category)).toEqual(['mitigation']);
    expect(unable.identifier).toMatch(/^JVN#\d{8}$/);
    expect(overseas.identifier).toMatch(/^JVNVU#\d{8}$/);
  });

  it('exports one CVE JSON 5.1 record per CVE, each valid against the official schema', async () => {
    const validate = cveRecordValidator();
    let count = 0;
    for (const id of released()) {
      const response = await get(`/advisories/${id}/cve.json`);
      expect(response.status).toBe(200);
      const records = (await response.json()) as CveShape[];
      for (const record of records) {
        expect(validate(record) ? [] : validate.errors).toEqual([]);
        count += 1;
      }
    }
    expect(count).toBe(2 + 2 + 1 + 1); // demo (one each), rich (two), unable, overseas; bare has none
    const records = (await (await get(`/advisories/${rich.id}/cve.json`)).json()) as CveShape[];
    expect(records.map((record) => record.cveMetadata.cveId)).toEqual(['CVE-2026-20001', 'CVE-2026-20002']);
    expect(records[0].containers.cna.affected.map((affected) => `${affected.vendor}/${affected.product}`)).toEqual(['Acme Networks/Acme Admin Portal', 'Globex Software/Globex CMS']);
    expect(records[0].containers.cna.metrics!.map((metric) => Object.keys(metric).find((key) => key.startsWith('cvss')))).toEqual(['cvssV4_0', 'cvssV3_1']);
    expect(records[0].containers.cna.credits).toEqual([{ lang: 'en', value: 'Fumi Finder', type: 'finder' }]);
    expect(await (await get(`/advisories/${bare.id}/cve.json`)).json()).toEqual([]);
  });

  it('answers 404 with the same status, headers and body for an unknown id, a draft and a scheduled publication', async () => {
    const paths = (id: string) => [`/advisories/${id}/csaf.json`, `/advisories/${id}/cve.json`];
    const unknown = '4b0d4c1e-95a5-4a5e-9a6f-8d7c1b2a3f40';
    const answers = [];
    for (const id of [unknown, h.world.advisories.coordinating, scheduledId, 'JVN%2399999999', encodeURIComponent('JVN#00000003x')]) {
      for (const path of paths(id)) {
        for (const headers of [{}, { authorization: `Bearer ${h.tokens.coordinatorStaff}` }] as Record<string, string>[]) {
          const response = await get(path, headers);
          answers.push({
            status: response.status,
            type: response.headers.get('content-type'),
            cache: response.headers.get('cache-control'),
            length: response.headers.get('content-length'),
            etag: response.headers.get('etag'),
            body: Buffer.from(await response.arrayBuffer()).toString('base64'),
          });
        }
      }
    }
    expect(answers[0].status).toBe(404);
    for (const answer of answers) expect(answer).toEqual(answers[0]);
  });

  it('publishes a scheduled advisory at its time, on every endpoint at once', async () => {
    expect((await get(`/advisories/${scheduledId}/csaf.json`)).status).toBe(404);
    h.clock.advanceDays(8);
    try {
      expect((await get(`/advisories/${scheduledId}/csaf.json`)).status).toBe(200);
      const feed = parseAtom(await (await get('/feeds/advisories.atom')).text());
      expect(childrenNamed(feed, 'entry').map((entry) => childText(entry, 'id'))).toContain(`urn:uuid:${scheduledId}`);
    } finally {
      h.clock.advanceDays(-8);
    }
  });

  it('serves a well-formed Atom feed of released advisories, newest change first, without drafts or scheduled ones', async () => {
    const response = await get('/feeds/advisories.atom');
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('application/atom+xml; charset=utf-8');
    const feed = parseAtom(await response.text());
    expect(feed.name).toBe('feed');
    for (const required of ['id', 'title', 'updated']) expect(childText(feed, required)).toBeTruthy();
    const entries = childrenNamed(feed, 'entry');
    const ids = entries.map((entry) => childText(entry, 'id'));
    expect(new Set(ids)).toEqual(new Set(released().map((id) => `urn:uuid:${id}`)));
    expect(ids).not.toContain(`urn:uuid:${scheduledId}`);
    const updated = entries.map((entry) => Date.parse(childText(entry, 'updated')!));
    expect([...updated].sort((a, b) => b - a)).toEqual(updated);
    const richEntry = entries.find((entry) => childText(entry, 'id') === `urn:uuid:${rich.id}`)!;
    expect(childText(richEntry, 'title')).toBe(`${rich.identifier}: SQL injection <in> "Acme" & Globex search`);
    expect(childText(richEntry, 'summary')).toBe('A crafted search term runs SQL. Control characters & <markup> must not break the feed.');
    expect(childrenNamed(richEntry, 'link').map((link) => link.attributes.href)).toContain(`${h.config.publication.baseUrl}/advisories/${encodeURIComponent(rich.identifier!)}/csaf.json`);
  });

  it('serves the unreachable feed: advisories published without the vendor and the public list of unreachable developers', async () => {
    const response = await get('/feeds/unreachable.atom');
    expect(response.status).toBe(200);
    const feed = parseAtom(await response.text());
    const entries = childrenNamed(feed, 'entry');
    const ids = entries.map((entry) => childText(entry, 'id'));
    expect(ids).toContain(`urn:uuid:${unable.id}`);
    expect(ids).not.toContain(`urn:uuid:${rich.id}`);
    const listing = await h.ok<{ unreachableDevelopers: { edges: { node: { id: string } }[] } }>('anonymous', '{ unreachableDevelopers { edges { node { id } } } }');
    for (const edge of listing.unreachableDevelopers.edges) expect(ids).toContain(`urn:uuid:${edge.node.id}`);
    for (const entry of entries) expect(childrenNamed(entry, 'link').length > 0 || childText(entry, 'content')).toBeTruthy();
  });
});
