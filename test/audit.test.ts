import { appendAuditEntries, entryHash, verifyAuditChain } from '../src/audit/audit-chain';
import { AuditAction, AuditChainHead, AuditEntry } from '../src/audit/audit-entry.entity';
import { bearer, graphqlWith } from './support/disclosure-support';
import { createHarness, errorCode, Harness, TestClock } from './support/harness';

// testTimeout inside jest's `projects` is not applied; a MariaDB harness alone can take longer than the 5 s default.
jest.setTimeout(60_000);

const START = new Date('2026-11-26T09:00:00.000Z');
const READ_ADVISORY = 'query($id: ID!) { advisory(id: $id) { id overview } }';
const VENDOR_READ_THROUGH_CASE = 'query($id: ID!) { case(id: $id) { advisory { id overview impact } } }';
const ENTRIES = `query($filter: AuditEntryFilter) { auditEntries(first: 100, filter: $filter) { totalCount edges { node {
  sequence at requestId action sections actorName actorApiKeyId detail contentFingerprint previousHash hash
  actor { id } organization { id } advisory { id } grant { id } } } } }`;
const READERS = `query($id: ID!) { embargoReaders(advisoryId: $id) { organization { id } user { id } actorName apiKeyId firstReadAt lastReadAt reads sections } }`;
const GRANT = `mutation($input: GrantDisclosureInput!) { grantDisclosure(input: $input) { id } }`;
const MADE_UP_ID = '00000000-0000-4000-8000-000000000000';

interface EntryNode {
  sequence: number;
  at: string;
  requestId: string;
  action: string;
  sections: string[];
  actorName: string | null;
  actorApiKeyId: string | null;
  detail: Record<string, unknown> | null;
  contentFingerprint: string | null;
  previousHash: string;
  hash: string;
  actor: { id: string } | null;
  organization: { id: string } | null;
  advisory: { id: string } | null;
  grant: { id: string } | null;
}
interface EntryList {
  auditEntries: { totalCount: number; edges: { node: EntryNode }[] };
}

async function entries(h: Harness, filter: Record<string, unknown>): Promise<EntryNode[]> {
  const data = await h.ok<EntryList>('coordinatorStaff', ENTRIES, { filter });
  return data.auditEntries.edges.map(({ node }) => node);
}

async function logSize(h: Harness): Promise<number> {
  return h.db.dataSource.getRepository(AuditEntry).count();
}

describe('the audit log', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await createHarness({ clock: new TestClock(new Date(START)) });
  });
  afterAll(async () => h?.close());

  it('starts as an intact chain that already holds the demo grants', async () => {
    const verification = await verifyAuditChain(h.db.dataSource);
    expect(verification).toMatchObject({ intact: true, entries: 3, lastSequence: 3, problems: [] });
    const created = await entries(h, { action: 'GRANT_CREATED' });
    expect(created.map((entry) => entry.grant?.id).sort()).toEqual(Object.values(h.world.grants).sort());
  });

  it('logs a read of unpublished text by an operator: who, organization, advisory, sections, when and request id', async () => {
    const requestId = 'operator-read-1';
    const read = await graphqlWith(h, bearer(h, 'operator'), READ_ADVISORY, { id: h.world.advisories.coordinating }, requestId);
    expect(read.errors).toBeUndefined();
    const [entry] = (await entries(h, { advisoryId: h.world.advisories.coordinating, action: 'EMBARGOED_READ' })).filter((node) => node.requestId === requestId);
    expect(entry).toMatchObject({
      action: 'EMBARGOED_READ',
      at: START.toISOString(),
      actor: { id: h.world.users.operator },
      actorName: 'Oscar Operator',
      organization: { id: h.world.organizations.operator },
      advisory: { id: h.world.advisories.coordinating },
      sections: ['OVERVIEW', 'AFFECTED_PRODUCTS', 'MITIGATIONS'],
      grant: null,
    });
    expect(entry.contentFingerprint).toMatch(/^[0-9a-f]{64}$/);
  });

  it('logs a vendor reading the draft of its case, wherever the draft is reached from', async () => {
    const requestId = 'vendor-read-1';
    const read = await graphqlWith(h, bearer(h, 'vendorAcmeStaff'), VENDOR_READ_THROUGH_CASE, { id: h.world.cases.coordinating }, requestId);
    expect(read.errors).toBeUndefined();
    const [entry] = (await entries(h, { advisoryId: h.world.advisories.coordinating })).filter((node) => node.requestId === requestId);
    expect(entry).toMatchObject({
      actor: { id: h.world.users.vendorAcmeStaff },
      organization: { id: h.world.organizations.acme },
      sections: ['OVERVIEW', 'AFFECTED_PRODUCTS', 'IMPACT', 'MITIGATIONS', 'TECHNICAL_DETAILS', 'CVSS'],
    });
  });

  it('logs reads through an API key with the key as the actor', async () => {
    const key = await h.ok<{ createApiKey: { apiKey: { id: string }; secret: string } }>('operator', 'mutation($input: CreateApiKeyInput!) { createApiKey(input: $input) { apiKey { id } secret } }', {
      input: { name: 'Site portal', role: 'MEMBER' },
    });
    await graphqlWith(h, `Bearer ${key.createApiKey.secret}`, READ_ADVISORY, { id: h.world.advisories.coordinating }, 'api-key-read-1');
    const [entry] = (await entries(h, { advisoryId: h.world.advisories.coordinating })).filter((node) => node.requestId === 'api-key-read-1');
    expect(entry).toMatchObject({ actor: null, actorApiKeyId: key.createApiKey.apiKey.id, organization: { id: h.world.organizations.operator } });
  });

  it('does not log reads of public advisories, coordinator reads, or reads that were refused', async () => {
    const before = await logSize(h);
    await h.ok('anonymous', READ_ADVISORY, { id: h.world.advisories.published });
    await h.ok('operator', READ_ADVISORY, { id: h.world.advisories.published });
    await h.ok('vendorAcmeAdmin', READ_ADVISORY, { id: h.world.advisories.published });
    await h.ok('coordinatorStaff', READ_ADVISORY, { id: h.world.advisories.coordinating });
    expect(errorCode(await h.graphql('receiver', READ_ADVISORY, { id: h.world.advisories.coordinating }))).toBe('NOT_FOUND');
    expect(errorCode(await h.graphql('finder', READ_ADVISORY, { id: h.world.advisories.coordinating }))).toBe('NOT_FOUND');
    expect(await logSize(h)).toBe(before);
  });

  it('logs every grant change with the recipient organization, the sections and the terms', async () => {
    const created = await h.ok<{ grantDisclosure: { id: string } }>('coordinatorStaff', GRANT, {
      input: { advisoryId: h.world.advisories.coordinating, organizationId: h.world.organizations.operator, sections: ['IMPACT'], tlp: 'AMBER_STRICT', reason: 'Impact assessment.' },
    });
    const grantId = created.grantDisclosure.id;
    await h.ok('coordinatorStaff', 'mutation($input: ChangeDisclosureGrantInput!) { changeDisclosureGrant(input: $input) { id } }', {
      input: { grantId, sections: ['IMPACT', 'CVSS'], reason: 'Scores help.' },
    });
    await h.ok('coordinatorStaff', 'mutation($input: RevokeDisclosureGrantInput!) { revokeDisclosureGrant(input: $input) { id } }', { input: { grantId, reason: 'Done.' } });
    const logged = await entries(h, { grantId });
    expect(logged.map((entry) => [entry.action, entry.sections])).toEqual([
      ['GRANT_REVOKED', ['IMPACT', 'CVSS']],
      ['GRANT_CHANGED', ['IMPACT', 'CVSS']],
      ['GRANT_CREATED', ['IMPACT']],
    ]);
    for (const entry of logged) {
      expect(entry).toMatchObject({ actor: { id: h.world.users.coordinatorStaff }, organization: { id: h.world.organizations.coordinator }, advisory: { id: h.world.advisories.coordinating } });
      expect(entry.detail).toMatchObject({ recipientOrganizationId: h.world.organizations.operator });
    }
    expect(logged[1].detail).toMatchObject({ reason: 'Scores help.', before: { sections: ['IMPACT'], tlp: 'AMBER_STRICT' }, after: { sections: ['IMPACT', 'CVSS'] } });
  });

  it('answers "who has seen this advisory before publication" from the log', async () => {
    const readers = await h.ok<{ embargoReaders: { user: { id: string } | null; organization: { id: string }; reads: number; sections: string[]; firstReadAt: string }[] }>(
      'coordinatorStaff', READERS, { id: h.world.advisories.coordinating },
    );
    const byUser = new Map(readers.embargoReaders.map((reader) => [reader.user?.id ?? 'key', reader]));
    expect(byUser.get(h.world.users.operator)).toMatchObject({ organization: { id: h.world.organizations.operator }, reads: 1, sections: ['OVERVIEW', 'AFFECTED_PRODUCTS', 'MITIGATIONS'] });
    expect(byUser.get(h.world.users.vendorAcmeStaff)).toMatchObject({ organization: { id: h.world.organizations.acme }, reads: 1 });
    expect(byUser.has('key')).toBe(true);
    expect(byUser.has(h.world.users.coordinatorStaff)).toBe(false);
    expect(byUser.has(h.world.users.vendorAcmeAdmin)).toBe(false);

    h.clock.advanceDays(3);
    await h.ok('operator', READ_ADVISORY, { id: h.world.advisories.coordinating });
    h.clock.current = new Date(START);
    const again = await h.ok<{ embargoReaders: { user: { id: string } | null; reads: number; sections: string[]; firstReadAt: string; lastReadAt: string }[] }>(
      'coordinatorStaff', READERS, { id: h.world.advisories.coordinating },
    );
    const operator = again.embargoReaders.find((reader) => reader.user?.id === h.world.users.operator);
    expect(operator).toMatchObject({
      reads: 2,
      firstReadAt: START.toISOString(),
      lastReadAt: new Date(START.getTime() + 3 * 86_400_000).toISOString(),
      sections: ['OVERVIEW', 'AFFECTED_PRODUCTS', 'IMPACT', 'MITIGATIONS', 'TECHNICAL_DETAILS', 'CVSS'],
    });
  });

  it('keeps the log and the readers from everyone but the coordinator, whether the advisory exists or not', async () => {
    for (const persona of ['operator', 'vendorAcmeAdmin', 'receiver', 'committeeChair', 'finder'] as const) {
      const list = await h.ok<EntryList>(persona, ENTRIES, { filter: { advisoryId: h.world.advisories.coordinating } });
      expect(list.auditEntries.totalCount).toBe(0);
      for (const id of [h.world.advisories.coordinating, MADE_UP_ID]) {
        expect(await h.ok(persona, READERS, { id })).toEqual({ embargoReaders: [] });
      }
    }
    expect(errorCode(await h.graphql('anonymous', READERS, { id: h.world.advisories.coordinating }))).toBe('UNAUTHENTICATED');
    expect(errorCode(await h.graphql('anonymous', ENTRIES, {}))).toBe('UNAUTHENTICATED');
    expect(errorCode(await h.graphql('coordinatorStaff', READERS, { id: MADE_UP_ID }))).toBe('NOT_FOUND');
  });

  it('links every entry to the one before it', async () => {
    const all = (await entries(h, {})).reverse();
    expect(all.map((entry) => entry.sequence)).toEqual(all.map((_, index) => index + 1));
    all.forEach((entry, index) => {
      if (index > 0) expect(entry.previousHash).toBe(all[index - 1].hash);
    });
    expect(all[0].previousHash).toBe('0'.repeat(64));
  });

  it('stays a single unbroken chain under concurrent reads, grant changes and appends', async () => {
    const before = await logSize(h);
    const operatorReads = Array.from({ length: 15 }, () => h.graphql('operator', READ_ADVISORY, { id: h.world.advisories.coordinating }));
    const vendorReads = Array.from({ length: 10 }, () => h.graphql('vendorAcmeAdmin', VENDOR_READ_THROUGH_CASE, { id: h.world.cases.coordinating }));
    const grants = Array.from({ length: 5 }, (_, index) =>
      h.graphql('coordinatorStaff', GRANT, {
        input: { advisoryId: h.world.advisories.coordinating, organizationId: h.world.organizations.operator, sections: ['OVERVIEW'], tlp: 'AMBER', reason: `Concurrent grant ${index}` },
      }),
    );
    const direct = Array.from({ length: 5 }, (_, index) =>
      appendAuditEntries({ dataSource: h.db.dataSource }, [{
        at: START, requestId: `direct-${index}`, action: AuditAction.EMBARGOED_READ, actorUserId: null, actorApiKeyId: null, actorName: 'Direct', organizationId: null,
        advisoryId: h.world.advisories.coordinating, grantId: null, sections: 'OVERVIEW', contentFingerprint: null, detail: null,
      }]),
    );
    const results = await Promise.all([...operatorReads, ...vendorReads, ...grants]);
    await Promise.all(direct);
    expect(results.flatMap((result) => result.errors ?? [])).toEqual([]);
    expect(await logSize(h)).toBe(before + 15 + 10 + 5 + 5);
    const verification = await verifyAuditChain(h.db.dataSource);
    expect(verification.problems).toEqual([]);
    expect(verification.entries).toBe(before + 35);
    const head = await h.db.dataSource.getRepository(AuditChainHead).findOneByOrFail({ id: 'main' });
    expect(head.lastSequence).toBe(before + 35);
  });
});

describe('audit chain verification on a tampered database', () => {
  let h: Harness;
  const name = (identifier: string) => h.db.dataSource.driver.escape(identifier);
  const entryAt = async (sequence: number) => h.db.dataSource.getRepository(AuditEntry).findOneByOrFail({ sequence });

  beforeAll(async () => {
    h = await createHarness({ clock: new TestClock(new Date(START)) });
    for (let index = 0; index < 9; index++) await h.ok('operator', READ_ADVISORY, { id: h.world.advisories.coordinating });
  });
  afterAll(async () => h?.close());

  it('finds an untouched log intact', async () => {
    expect(await verifyAuditChain(h.db.dataSource, 4)).toMatchObject({ intact: true, entries: 12, lastSequence: 12, problems: [] });
  });

  it('reports an entry altered with raw SQL', async () => {
    await h.db.dataSource.query(`UPDATE ${name('audit_entry')} SET ${name('sections')} = 'OVERVIEW' WHERE ${name('sequence')} = 5`);
    const verification = await verifyAuditChain(h.db.dataSource, 4);
    expect(verification.intact).toBe(false);
    expect(verification.problems).toEqual([expect.objectContaining({ kind: 'ALTERED', sequence: 5 })]);
  });

  it('reports an altered entry whose hash was recomputed, at the link that then breaks', async () => {
    const entry = await entryAt(7);
    const forged = { ...entry, actorName: 'Someone else' };
    await h.db.dataSource.query(`UPDATE ${name('audit_entry')} SET ${name('actorName')} = 'Someone else', ${name('hash')} = '${entryHash(forged)}' WHERE ${name('sequence')} = 7`);
    const verification = await verifyAuditChain(h.db.dataSource, 4);
    expect(verification.problems).toContainEqual(expect.objectContaining({ kind: 'BROKEN_LINK', sequence: 8 }));
    expect(verification.problems).not.toContainEqual(expect.objectContaining({ sequence: 7 }));
  });

  it('reports an entry deleted from the middle', async () => {
    await h.db.dataSource.query(`DELETE FROM ${name('audit_entry')} WHERE ${name('sequence')} = 10`);
    const verification = await verifyAuditChain(h.db.dataSource, 4);
    expect(verification.problems).toContainEqual(expect.objectContaining({ kind: 'MISSING', sequence: 11 }));
  });

  it('reports entries deleted from the end', async () => {
    await h.db.dataSource.query(`DELETE FROM ${name('audit_entry')} WHERE ${name('sequence')} = 12`);
    const verification = await verifyAuditChain(h.db.dataSource, 4);
    expect(verification.problems).toContainEqual(expect.objectContaining({ kind: 'TRUNCATED', sequence: 12 }));
    expect(verification.problems.map((problem) => problem.kind).sort()).toEqual(['ALTERED', 'BROKEN_LINK', 'MISSING', 'TRUNCATED']);
  });
});
