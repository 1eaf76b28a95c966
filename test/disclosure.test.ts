import { DisclosureGrant } from '../src/disclosure/disclosure-grant.entity';
import { AuditEntry } from '../src/audit/audit-entry.entity';
import { addUser, bearer, graphqlWith, okWith } from './support/disclosure-support';
import { createHarness, errorCode, Harness, TestClock } from './support/harness';

// testTimeout inside jest's `projects` is not applied; a MariaDB harness alone can take longer than the 5 s default.
jest.setTimeout(60_000);

const ADVISORY = `id title status identifier overview affectedProducts impact solution workarounds vendorStatements cvssV3Vector cvssV4Vector
  cvssV3BaseScore severity cweId cveIds publishedAt unableToCoordinate coordinatorVerification internalNotes changedSinceLastRead case { id }`;
const READ_ADVISORY = `query($id: ID!) { advisory(id: $id) { ${ADVISORY} } }`;
const LIST_GRANTS = `{ disclosureGrants(first: 50) { totalCount edges { node { id tlp sections startsAt endsAt reason revokedAt acknowledgedAt
  recipients { id } feedback { id } history { id } advisory { id title overview } } } } }`;
const GRANT = `mutation($input: GrantDisclosureInput!) { grantDisclosure(input: $input) { id tlp sections startsAt endsAt reason } }`;
const CHANGE = `mutation($input: ChangeDisclosureGrantInput!) { changeDisclosureGrant(input: $input) { id tlp sections startsAt endsAt } }`;
const REVOKE = `mutation($input: RevokeDisclosureGrantInput!) { revokeDisclosureGrant(input: $input) { id revokedAt } }`;
const ACKNOWLEDGE = `mutation($id: ID!) { acknowledgeDisclosureGrant(grantId: $id) { id acknowledgedAt acknowledgedBy { id } } }`;
const FEEDBACK = `mutation($input: SendDisclosureFeedbackInput!) { sendDisclosureFeedback(input: $input) { id sentAt } }`;
const UPDATE_ADVISORY = `mutation($input: UpdateAdvisoryInput!) { updateAdvisory(input: $input) { id } }`;
const PUBLISH = `mutation($input: PublishAdvisoryInput!) { publishAdvisory(input: $input) { id status publishedAt } }`;
const RESCHEDULE = `mutation($input: ReschedulePublicationInput!) { rescheduleAdvisoryPublication(input: $input) { id publishedAt } }`;
const MADE_UP_ID = '00000000-0000-4000-8000-000000000000';

type AdvisoryView = Record<string, unknown>;
interface GrantNode {
  id: string;
  tlp: string;
  sections: string[];
  reason: string | null;
  revokedAt: string | null;
  acknowledgedAt: string | null;
  recipients: { id: string }[];
  feedback: { id: string }[];
  history: { id: string }[];
  advisory: { id: string; title: string; overview: string | null } | null;
}
interface GrantList {
  disclosureGrants: { totalCount: number; edges: { node: GrantNode }[] };
}

/** Every advisory field that must be null for a grantee shown only `shown` (besides id, title and status). */
function expectOnly(view: AdvisoryView, shown: string[]): void {
  const alwaysShown = ['id', 'title', 'status', 'changedSinceLastRead'];
  for (const [field, value] of Object.entries(view)) {
    if (alwaysShown.includes(field)) continue;
    if (shown.includes(field)) continue;
    expect({ field, value }).toEqual({ field, value: null });
  }
}

describe('early disclosure to operators', () => {
  let h: Harness;
  const start = new Date('2026-11-26T09:00:00.000Z');

  beforeAll(async () => {
    h = await createHarness({ clock: new TestClock(new Date(start)) });
  });
  afterAll(async () => h?.close());
  afterEach(() => {
    h.clock.current = new Date(start);
  });

  async function read(persona: Parameters<Harness['graphql']>[0], id: string) {
    return h.graphql<{ advisory: AdvisoryView }>(persona, READ_ADVISORY, { id });
  }

  /** A fresh report with a draft advisory of its own (a case has at most one advisory). */
  async function newDraft(overview: string): Promise<string> {
    const report = await h.ok<{ submitReport: { id: string } }>('finder', 'mutation($input: SubmitReportInput!) { submitReport(input: $input) { id } }', {
      input: { title: `Report: ${overview}`, description: 'A description long enough.', affectedProducts: 'Product X 1.0', finderConsentToName: true },
    });
    return draftFor(report.submitReport.id, overview);
  }

  async function draftFor(caseId: string, overview: string): Promise<string> {
    const created = await h.ok<{ createAdvisory: { id: string } }>('coordinatorStaff', 'mutation($input: CreateAdvisoryInput!) { createAdvisory(input: $input) { id } }', {
      input: { caseId, overview, impact: 'Impact text.', solution: 'Solution text.', vendorStatements: 'Statements.', internalNotes: 'Internal.' },
    });
    return created.createAdvisory.id;
  }

  async function grant(input: Record<string, unknown>): Promise<string> {
    const data = await h.ok<{ grantDisclosure: { id: string } }>('coordinatorStaff', GRANT, {
      input: { organizationId: h.world.organizations.operator, tlp: 'AMBER', reason: 'Operates the product.', ...input },
    });
    return data.grantDisclosure.id;
  }

  describe('the demo world', () => {
    it('shows the operator the coordinating draft with only the granted sections, every other field null', async () => {
      const { data, errors } = await read('operator', h.world.advisories.coordinating);
      expect(errors).toBeUndefined();
      const view = data!.advisory;
      expect(view).toMatchObject({
        id: h.world.advisories.coordinating,
        title: 'Hard-coded credentials in Acme Router RX',
        status: 'DRAFT',
        overview: 'Hard-coded credentials in Acme Router RX.',
        affectedProducts: 'Acme Router RX',
        solution: 'Update to the fixed version.',
      });
      expectOnly(view, ['overview', 'affectedProducts', 'solution', 'workarounds']);
    });

    it('lists only the live grant; the future RED grant and the expired one stay hidden', async () => {
      const data = await h.ok<GrantList>('operator', LIST_GRANTS);
      expect(data.disclosureGrants.totalCount).toBe(1);
      const [{ node }] = data.disclosureGrants.edges;
      expect(node).toMatchObject({
        id: h.world.grants.coordinating,
        tlp: 'AMBER',
        sections: ['OVERVIEW', 'AFFECTED_PRODUCTS', 'MITIGATIONS'],
        reason: null,
        revokedAt: null,
        recipients: [],
        feedback: [],
        history: [],
        advisory: { id: h.world.advisories.coordinating, overview: 'Hard-coded credentials in Acme Router RX.' },
      });
      for (const hidden of [h.world.grants.coordinatingLater, h.world.grants.publishedExpired]) {
        const result = await h.graphql('operator', 'query($id: ID!) { disclosureGrant(id: $id) { id } }', { id: hidden });
        expect(errorCode(result)).toBe('NOT_FOUND');
      }
    });

    it('shows the coordinator every grant with reasons, recipients and history', async () => {
      const data = await h.ok<GrantList>('coordinatorStaff', LIST_GRANTS);
      const byId = new Map(data.disclosureGrants.edges.map(({ node }) => [node.id, node]));
      expect(byId.get(h.world.grants.coordinatingLater)).toMatchObject({ tlp: 'RED', recipients: [{ id: h.world.users.operator }] });
      expect(byId.get(h.world.grants.coordinating)?.reason).toMatch(/pumping stations/);
      expect(byId.get(h.world.grants.coordinating)?.history).toHaveLength(1);
    });

    it('never shows grants to vendors, other organizations or the public', async () => {
      for (const persona of ['vendorAcmeAdmin', 'receiver', 'committeeChair', 'finder'] as const) {
        const data = await h.ok<GrantList>(persona, LIST_GRANTS);
        expect(data.disclosureGrants.totalCount).toBe(0);
        const advisory = await h.ok<{ advisory: { disclosureGrants: unknown[] } }>('vendorAcmeAdmin', 'query($id: ID!) { advisory(id: $id) { disclosureGrants { id } } }', { id: h.world.advisories.coordinating });
        expect(advisory.advisory.disclosureGrants).toEqual([]);
      }
      expect(errorCode(await h.graphql('anonymous', LIST_GRANTS))).toBe('UNAUTHENTICATED');
    });
  });

  describe('section scoping', () => {
    it('answers a draft that was never granted exactly as a made-up id', async () => {
      const draft = await newDraft('Hidden draft.');
      const hidden = await read('operator', draft);
      const madeUp = await read('operator', MADE_UP_ID);
      expect(errorCode(hidden)).toBe('NOT_FOUND');
      expect(hidden.errors?.[0]?.message).toBe(madeUp.errors?.[0]?.message);
      expect(hidden.errors?.[0]?.extensions).toEqual(madeUp.errors?.[0]?.extensions);
      const list = await h.ok<{ advisories: { edges: { node: { id: string } }[] } }>('operator', '{ advisories(first: 100) { edges { node { id } } } }');
      expect(list.advisories.edges.map(({ node }) => node.id)).not.toContain(draft);
    });

    it('shows technical details and CVSS only through a grant that shares them', async () => {
      const draft = await newDraft('Second draft.');
      await h.ok('coordinatorStaff', UPDATE_ADVISORY, { input: { advisoryId: draft, cweId: 'CWE-78', cvssV3Vector: 'CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H' } });
      await grant({ advisoryId: draft, sections: ['TECHNICAL_DETAILS', 'CVSS'] });
      const view = (await read('operator', draft)).data!.advisory;
      expect(view).toMatchObject({ cweId: 'CWE-78', cvssV3Vector: 'CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H', cvssV3BaseScore: 9.8, cveIds: [] });
      expectOnly(view, ['cweId', 'cveIds', 'cvssV3Vector', 'cvssV4Vector', 'cvssV3BaseScore', 'severity']);
    });

    it('gives a TLP:RED grant to the named person only, not to colleagues or API keys', async () => {
      h.clock.advanceDays(3);
      const named = await read('operator', h.world.advisories.coordinating);
      expect(named.data!.advisory).toMatchObject({ impact: 'A remote attacker may execute arbitrary actions.', cweId: 'CWE-79', overview: 'Hard-coded credentials in Acme Router RX.' });
      const colleague = await addUser(h, h.world.organizations.operator, 'Olga Operator Colleague');
      const seen = await graphqlWith<{ advisory: AdvisoryView }>(h, colleague.authorization, READ_ADVISORY, { id: h.world.advisories.coordinating });
      expect(seen.data!.advisory).toMatchObject({ overview: 'Hard-coded credentials in Acme Router RX.', impact: null, cweId: null });
      const colleagueGrants = await okWith<GrantList>(h, colleague.authorization, LIST_GRANTS);
      const colleagueGrantIds = colleagueGrants.disclosureGrants.edges.map(({ node }) => node.id);
      expect(colleagueGrantIds).toContain(h.world.grants.coordinating);
      expect(colleagueGrantIds).not.toContain(h.world.grants.coordinatingLater);
      expect(errorCode(await graphqlWith(h, colleague.authorization, 'query($id: ID!) { disclosureGrant(id: $id) { id } }', { id: h.world.grants.coordinatingLater }))).toBe('NOT_FOUND');

      const key = await h.ok<{ createApiKey: { secret: string } }>('operator', 'mutation($input: CreateApiKeyInput!) { createApiKey(input: $input) { secret } }', {
        input: { name: 'Site portal', role: 'MEMBER' },
      });
      const byKey = await graphqlWith<{ advisory: AdvisoryView }>(h, `Bearer ${key.createApiKey.secret}`, READ_ADVISORY, { id: h.world.advisories.coordinating });
      expect(byKey.data!.advisory).toMatchObject({ overview: 'Hard-coded credentials in Acme Router RX.', impact: null });
    });

    it('never shows another operator organization anything of a grant to this one', async () => {
      const other = await h.ok<{ createOrganization: { id: string } }>('coordinatorAdmin', 'mutation($input: CreateOrganizationInput!) { createOrganization(input: $input) { id } }', {
        input: { name: 'Another Operator', kind: 'OPERATOR' },
      });
      const stranger = await addUser(h, other.createOrganization.id, 'Sam Stranger');
      expect(errorCode(await graphqlWith(h, stranger.authorization, READ_ADVISORY, { id: h.world.advisories.coordinating }))).toBe('NOT_FOUND');
      expect((await okWith<GrantList>(h, stranger.authorization, LIST_GRANTS)).disclosureGrants.totalCount).toBe(0);
    });
  });

  describe('the grant window', () => {
    it('makes the advisory exist exactly from startsAt until endsAt', async () => {
      const draft = await newDraft('Window draft.');
      const startsAt = new Date(start.getTime() + 86_400_000);
      const endsAt = new Date(start.getTime() + 3 * 86_400_000);
      await grant({ advisoryId: draft, sections: ['OVERVIEW'], startsAt: startsAt.toISOString(), endsAt: endsAt.toISOString() });
      expect(errorCode(await read('operator', draft))).toBe('NOT_FOUND');
      h.clock.current = new Date(startsAt.getTime() - 1);
      expect(errorCode(await read('operator', draft))).toBe('NOT_FOUND');
      h.clock.current = startsAt;
      expect((await read('operator', draft)).data!.advisory.overview).toBe('Window draft.');
      h.clock.current = new Date(endsAt.getTime() - 1);
      expect((await read('operator', draft)).data!.advisory.overview).toBe('Window draft.');
      h.clock.current = endsAt;
      const ended = await read('operator', draft);
      expect(errorCode(ended)).toBe('NOT_FOUND');
      expect(ended.errors?.[0]?.message).toBe((await read('operator', MADE_UP_ID)).errors?.[0]?.message);
    });

    it('takes the advisory away at once when the grant is revoked, and records the revocation', async () => {
      const draft = await newDraft('Revoked draft.');
      const grantId = await grant({ advisoryId: draft, sections: ['OVERVIEW'] });
      expect((await read('operator', draft)).data!.advisory.overview).toBe('Revoked draft.');
      const revoked = await h.ok<{ revokeDisclosureGrant: { revokedAt: string } }>('coordinatorStaff', REVOKE, { input: { grantId, reason: 'The operator no longer runs it.' } });
      expect(revoked.revokeDisclosureGrant.revokedAt).toBe(start.toISOString());
      expect(errorCode(await read('operator', draft))).toBe('NOT_FOUND');
      expect(errorCode(await h.graphql('operator', 'query($id: ID!) { disclosureGrant(id: $id) { id } }', { id: grantId }))).toBe('NOT_FOUND');
      expect(errorCode(await h.graphql('operator', ACKNOWLEDGE, { id: grantId }))).toBe('NOT_FOUND');
      expect(errorCode(await h.graphql('coordinatorStaff', REVOKE, { input: { grantId, reason: 'Again.' } }))).toBe('CONFLICT');
      expect(errorCode(await h.graphql('coordinatorStaff', CHANGE, { input: { grantId, sections: ['IMPACT'], reason: 'Too late.' } }))).toBe('CONFLICT');
      const history = await h.ok<{ disclosureGrant: { history: { action: string; detail: { reason: string } }[] } }>(
        'coordinatorStaff', 'query($id: ID!) { disclosureGrant(id: $id) { history { action detail } } }', { id: grantId },
      );
      expect(history.disclosureGrant.history.map((entry) => entry.action)).toEqual(['GRANT_CREATED', 'GRANT_REVOKED']);
      expect(history.disclosureGrant.history[1].detail.reason).toBe('The operator no longer runs it.');
    });
  });

  describe('changing a grant', () => {
    it('applies new sections at once and records the terms before and after', async () => {
      const draft = await newDraft('Changing draft.');
      const grantId = await grant({ advisoryId: draft, sections: ['OVERVIEW'] });
      expect((await read('operator', draft)).data!.advisory).toMatchObject({ overview: 'Changing draft.', impact: null });
      const changed = await h.ok<{ changeDisclosureGrant: { sections: string[]; tlp: string } }>('coordinatorStaff', CHANGE, {
        input: { grantId, sections: ['IMPACT'], tlp: 'AMBER_STRICT', reason: 'Overview no longer needed; impact is.' },
      });
      expect(changed.changeDisclosureGrant).toEqual({ id: grantId, sections: ['IMPACT'], tlp: 'AMBER_STRICT', startsAt: start.toISOString(), endsAt: null });
      expect((await read('operator', draft)).data!.advisory).toMatchObject({ overview: null, impact: 'Impact text.' });
      const history = await h.ok<{ disclosureGrant: { history: { action: string; sections: string[]; detail: { before: { sections: string[] }; after: { sections: string[]; tlp: string } } }[] } }>(
        'coordinatorStaff', 'query($id: ID!) { disclosureGrant(id: $id) { history { action sections detail } } }', { id: grantId },
      );
      const [, change] = history.disclosureGrant.history;
      expect(change).toMatchObject({ action: 'GRANT_CHANGED', sections: ['IMPACT'], detail: { before: { sections: ['OVERVIEW'] }, after: { sections: ['IMPACT'], tlp: 'AMBER_STRICT' } } });
    });

    it('moves a RED grant from one named person to another', async () => {
      const draft = await newDraft('Named draft.');
      const colleague = await addUser(h, h.world.organizations.operator, 'Nao Operator');
      const grantId = await grant({ advisoryId: draft, sections: ['OVERVIEW'], tlp: 'RED', recipientUserIds: [h.world.users.operator] });
      expect((await read('operator', draft)).data!.advisory.overview).toBe('Named draft.');
      expect(errorCode(await graphqlWith(h, colleague.authorization, READ_ADVISORY, { id: draft }))).toBe('NOT_FOUND');
      await h.ok('coordinatorStaff', CHANGE, { input: { grantId, recipientUserIds: [colleague.id], reason: 'The site lead changed.' } });
      expect(errorCode(await read('operator', draft))).toBe('NOT_FOUND');
      const seen = await graphqlWith<{ advisory: AdvisoryView }>(h, colleague.authorization, READ_ADVISORY, { id: draft });
      expect(seen.data!.advisory.overview).toBe('Named draft.');
      const recipients = await h.ok<{ disclosureGrant: { recipients: { id: string }[] } }>('coordinatorStaff', 'query($id: ID!) { disclosureGrant(id: $id) { recipients { id } } }', { id: grantId });
      expect(recipients.disclosureGrant.recipients).toEqual([{ id: colleague.id }]);
    });

    it('refuses a change that changes nothing, and bad terms, without changing anything', async () => {
      const draft = await newDraft('Refusing draft.');
      const grantId = await grant({ advisoryId: draft, sections: ['OVERVIEW'] });
      const before = await h.db.dataSource.getRepository(DisclosureGrant).findOneByOrFail({ id: grantId });
      const entries = await h.db.dataSource.getRepository(AuditEntry).count();
      const refusals: [Record<string, unknown>, string][] = [
        [{ sections: ['OVERVIEW'] }, 'BAD_USER_INPUT'],
        [{ tlp: 'RED' }, 'BAD_USER_INPUT'],
        [{ recipientUserIds: [h.world.users.operator] }, 'BAD_USER_INPUT'],
        [{ endsAt: new Date(start.getTime() - 3_600_000).toISOString() }, 'BAD_USER_INPUT'],
        [{ startsAt: new Date(start.getTime() + 2 * 86_400_000).toISOString(), endsAt: new Date(start.getTime() + 86_400_000).toISOString() }, 'BAD_USER_INPUT'],
        [{ tlp: 'RED', recipientUserIds: [h.world.users.vendorAcmeAdmin] }, 'BAD_USER_INPUT'],
      ];
      for (const [change, code] of refusals) {
        expect(errorCode(await h.graphql('coordinatorStaff', CHANGE, { input: { grantId, reason: 'Trying.', ...change } }))).toBe(code);
      }
      for (const persona of ['operator', 'vendorAcmeAdmin'] as const) {
        expect(errorCode(await h.graphql(persona, CHANGE, { input: { grantId, sections: ['IMPACT'], reason: 'Not mine to change.' } }))).toBe('FORBIDDEN');
      }
      expect(await h.db.dataSource.getRepository(DisclosureGrant).findOneByOrFail({ id: grantId })).toEqual(before);
      expect(await h.db.dataSource.getRepository(AuditEntry).count()).toBe(entries);
    });
  });

  describe('granting', () => {
    it('refuses bad grants and non-coordinators without writing anything', async () => {
      const draft = await newDraft('Refused grants draft.');
      const grants = await h.db.dataSource.getRepository(DisclosureGrant).count();
      const entries = await h.db.dataSource.getRepository(AuditEntry).count();
      const base = { advisoryId: draft, organizationId: h.world.organizations.operator, sections: ['OVERVIEW'], tlp: 'AMBER', reason: 'Operates the product.' };
      const refusals: [Record<string, unknown>, string][] = [
        [{ organizationId: h.world.organizations.acme }, 'BAD_USER_INPUT'],
        [{ tlp: 'RED' }, 'BAD_USER_INPUT'],
        [{ recipientUserIds: [h.world.users.operator] }, 'BAD_USER_INPUT'],
        [{ tlp: 'RED', recipientUserIds: [h.world.users.coordinatorStaff] }, 'BAD_USER_INPUT'],
        [{ sections: [] }, 'BAD_USER_INPUT'],
        [{ startsAt: new Date(start.getTime() - 86_400_000).toISOString() }, 'BAD_USER_INPUT'],
        [{ endsAt: start.toISOString() }, 'BAD_USER_INPUT'],
        [{ advisoryId: MADE_UP_ID }, 'NOT_FOUND'],
        [{ advisoryId: h.world.advisories.published }, 'CONFLICT'],
      ];
      for (const [override, code] of refusals) {
        expect({ override, code: errorCode(await h.graphql('coordinatorStaff', GRANT, { input: { ...base, ...override } })) }).toEqual({ override, code });
      }
      for (const persona of ['operator', 'vendorAcmeAdmin', 'receiver', 'finder'] as const) {
        expect(errorCode(await h.graphql(persona, GRANT, { input: base }))).toBe('FORBIDDEN');
      }
      expect(errorCode(await h.graphql('anonymous', GRANT, { input: base }))).toBe('UNAUTHENTICATED');
      expect(await h.db.dataSource.getRepository(DisclosureGrant).count()).toBe(grants);
      expect(await h.db.dataSource.getRepository(AuditEntry).count()).toBe(entries);
    });
  });

  describe('change notice', () => {
    it('tells the operator when the text it can see changed since its last read', async () => {
      const draft = await newDraft('Notice draft.');
      await grant({ advisoryId: draft, sections: ['OVERVIEW', 'MITIGATIONS'] });
      const changed = async () => (await read('operator', draft)).data!.advisory.changedSinceLastRead;
      expect(await changed()).toBe(false);
      expect(await changed()).toBe(false);
      await h.ok('coordinatorStaff', UPDATE_ADVISORY, { input: { advisoryId: draft, overview: 'Notice draft, corrected.' } });
      expect(await changed()).toBe(true);
      expect(await changed()).toBe(false);
      await h.ok('coordinatorStaff', UPDATE_ADVISORY, { input: { advisoryId: draft, impact: 'Not shared with the operator.', internalNotes: 'Nor this.' } });
      expect(await changed()).toBe(false);
      await h.ok('coordinatorStaff', UPDATE_ADVISORY, { input: { advisoryId: draft, workarounds: 'Block port 8080.' } });
      const again = (await read('operator', draft)).data!.advisory;
      expect(again).toMatchObject({ changedSinceLastRead: true, workarounds: 'Block port 8080.', overview: 'Notice draft, corrected.' });
    });

    it('is per reader and null for readers whose reads are not audited', async () => {
      const draft = await newDraft('Per reader draft.');
      await grant({ advisoryId: draft, sections: ['OVERVIEW'] });
      const colleague = await addUser(h, h.world.organizations.operator, 'Otto Operator');
      await read('operator', draft);
      await h.ok('coordinatorStaff', UPDATE_ADVISORY, { input: { advisoryId: draft, overview: 'Per reader draft, v2.' } });
      const first = await graphqlWith<{ advisory: AdvisoryView }>(h, colleague.authorization, READ_ADVISORY, { id: draft });
      expect(first.data!.advisory.changedSinceLastRead).toBe(false);
      expect((await read('operator', draft)).data!.advisory.changedSinceLastRead).toBe(true);
      expect((await read('coordinatorStaff', draft)).data!.advisory.changedSinceLastRead).toBeNull();
      expect((await read('anonymous', h.world.advisories.published)).data!.advisory.changedSinceLastRead).toBeNull();
    });
  });

  describe('acknowledgement and feedback', () => {
    it('records the first acknowledgement of the recipient organization only', async () => {
      const draft = await newDraft('Acknowledged draft.');
      const grantId = await grant({ advisoryId: draft, sections: ['OVERVIEW'] });
      const first = await h.ok<{ acknowledgeDisclosureGrant: { acknowledgedAt: string; acknowledgedBy: { id: string } } }>('operator', ACKNOWLEDGE, { id: grantId });
      expect(first.acknowledgeDisclosureGrant).toMatchObject({ acknowledgedAt: start.toISOString(), acknowledgedBy: { id: h.world.users.operator } });
      h.clock.advanceDays(1);
      const colleague = await addUser(h, h.world.organizations.operator, 'Ada Operator');
      const second = await okWith<{ acknowledgeDisclosureGrant: { acknowledgedAt: string } }>(h, colleague.authorization, ACKNOWLEDGE, { id: grantId });
      expect(second.acknowledgeDisclosureGrant.acknowledgedAt).toBe(start.toISOString());
      expect(errorCode(await h.graphql('coordinatorStaff', ACKNOWLEDGE, { id: grantId }))).toBe('FORBIDDEN');
      expect(errorCode(await h.graphql('vendorAcmeAdmin', ACKNOWLEDGE, { id: grantId }))).toBe('NOT_FOUND');
      expect(errorCode(await h.graphql('anonymous', ACKNOWLEDGE, { id: grantId }))).toBe('UNAUTHENTICATED');
      const history = await h.ok<{ disclosureGrant: { history: { action: string }[] } }>('coordinatorStaff', 'query($id: ID!) { disclosureGrant(id: $id) { history { action } } }', { id: grantId });
      expect(history.disclosureGrant.history.map((entry) => entry.action)).toEqual(['GRANT_CREATED', 'GRANT_ACKNOWLEDGED']);
    });

    it('lets the operator send feedback that only the coordinator can read', async () => {
      const draft = await newDraft('Feedback draft.');
      const grantId = await grant({ advisoryId: draft, sections: ['OVERVIEW'] });
      const sent = await h.ok<{ sendDisclosureFeedback: { id: string; sentAt: string } }>('operator', FEEDBACK, {
        input: { grantId, status: 'AFFECTED', message: 'Affected at two pumping stations; mitigation planned for Friday.' },
      });
      expect(sent.sendDisclosureFeedback.sentAt).toBe(start.toISOString());
      const feedbackQuery = 'query($id: ID!) { disclosureGrant(id: $id) { feedback { id status message author { id } organization { id } } } }';
      const coordinator = await h.ok<{ disclosureGrant: { feedback: unknown[] } }>('coordinatorStaff', feedbackQuery, { id: grantId });
      expect(coordinator.disclosureGrant.feedback).toEqual([{
        id: sent.sendDisclosureFeedback.id, status: 'AFFECTED', message: 'Affected at two pumping stations; mitigation planned for Friday.',
        author: { id: h.world.users.operator }, organization: { id: h.world.organizations.operator },
      }]);
      const operator = await h.ok<{ disclosureGrant: { feedback: unknown[] } }>('operator', feedbackQuery, { id: grantId });
      expect(operator.disclosureGrant.feedback).toEqual([]);
      for (const persona of ['vendorAcmeAdmin', 'receiver', 'committeeChair'] as const) {
        expect(errorCode(await h.graphql(persona, feedbackQuery, { id: grantId }))).toBe('NOT_FOUND');
        expect(errorCode(await h.graphql(persona, FEEDBACK, { input: { grantId, message: 'Not mine.' } }))).toBe('NOT_FOUND');
      }
      expect(errorCode(await h.graphql('anonymous', feedbackQuery, { id: grantId }))).toBe('UNAUTHENTICATED');
      expect(errorCode(await h.graphql('coordinatorStaff', FEEDBACK, { input: { grantId, message: 'On behalf of?' } }))).toBe('FORBIDDEN');
      expect(errorCode(await h.graphql('operator', FEEDBACK, { input: { grantId, message: '' } }))).toBe('BAD_USER_INPUT');
    });
  });

  describe('publication', () => {
    it('ends every grant at publication; from then on everyone sees the public advisory', async () => {
      const draft = await draftFor(h.world.cases.handedOver, 'Publication draft.');
      await h.ok('coordinatorStaff', 'mutation($input: TransitionCaseInput!) { transitionCase(input: $input) { id } }', { input: { caseId: h.world.cases.handedOver, to: 'VENDOR_CONTACT' } });
      await h.ok('coordinatorStaff', 'mutation($input: TransitionCaseInput!) { transitionCase(input: $input) { id } }', { input: { caseId: h.world.cases.handedOver, to: 'COORDINATING' } });
      const grantId = await grant({ advisoryId: draft, sections: ['OVERVIEW'] });
      expect((await read('operator', draft)).data!.advisory.vendorStatements).toBeNull();
      await h.ok('coordinatorStaff', PUBLISH, { input: { advisoryId: draft } });
      const operatorView = (await read('operator', draft)).data!.advisory;
      expect(operatorView).toMatchObject({ overview: 'Publication draft.', impact: 'Impact text.', vendorStatements: 'Statements.', internalNotes: null, changedSinceLastRead: null });
      expect((await read('anonymous', draft)).data!.advisory).toMatchObject({ overview: 'Publication draft.', vendorStatements: 'Statements.' });
      const grants = await h.ok<GrantList>('operator', LIST_GRANTS);
      expect(grants.disclosureGrants.edges.map(({ node }) => node.id)).not.toContain(grantId);
      expect(errorCode(await h.graphql('operator', ACKNOWLEDGE, { id: grantId }))).toBe('NOT_FOUND');
      expect(errorCode(await h.graphql('coordinatorStaff', GRANT, { input: { advisoryId: draft, organizationId: h.world.organizations.operator, sections: ['OVERVIEW'], tlp: 'AMBER', reason: 'Too late.' } }))).toBe('CONFLICT');
    });

    it('keeps a scheduled advisory embargoed until its time, and moving the time moves the embargo', async () => {
      const draft = h.world.advisories.coordinating;
      const day = 86_400_000;
      const planned = new Date(start.getTime() + 2 * day);
      await h.ok('coordinatorStaff', PUBLISH, { input: { advisoryId: draft, publishAt: planned.toISOString() } });
      expect(errorCode(await read('anonymous', draft))).toBe('NOT_FOUND');
      // Scheduled, but the operator may not know of the schedule: the advisory reads as a draft until its time.
      expect((await read('operator', draft)).data!.advisory).toMatchObject({ status: 'DRAFT', identifier: null, publishedAt: null, vendorStatements: null, overview: 'Hard-coded credentials in Acme Router RX.' });

      expect(errorCode(await h.graphql('coordinatorStaff', RESCHEDULE, { input: { advisoryId: draft, publishAt: new Date(start.getTime() - 1000).toISOString(), reason: 'Backdating.' } }))).toBe('BAD_USER_INPUT');
      const afterPublication = { advisoryId: draft, organizationId: h.world.organizations.operator, sections: ['IMPACT'], tlp: 'AMBER', reason: 'Pointless.', startsAt: planned.toISOString() };
      expect(errorCode(await h.graphql('coordinatorStaff', GRANT, { input: afterPublication }))).toBe('BAD_USER_INPUT');
      expect(errorCode(await h.graphql('vendorAcmeAdmin', RESCHEDULE, { input: { advisoryId: draft, publishAt: planned.toISOString(), reason: 'Vendor wish.' } }))).toBe('FORBIDDEN');
      expect(errorCode(await h.graphql('operator', RESCHEDULE, { input: { advisoryId: draft, publishAt: planned.toISOString(), reason: 'Operator wish.' } }))).toBe('FORBIDDEN');
      const later = new Date(start.getTime() + 5 * day);
      const moved = await h.ok<{ rescheduleAdvisoryPublication: { publishedAt: string } }>('coordinatorStaff', RESCHEDULE, {
        input: { advisoryId: draft, publishAt: later.toISOString(), reason: 'The vendor needs three more days for the fix.' },
      });
      expect(moved.rescheduleAdvisoryPublication.publishedAt).toBe(later.toISOString());

      h.clock.current = planned;
      expect(errorCode(await read('anonymous', draft))).toBe('NOT_FOUND');
      expect(errorCode(await h.graphql('anonymous', '{ advisories(first: 100) { edges { node { id } } } }'))).toBeUndefined();
      const publicList = await h.ok<{ advisories: { edges: { node: { id: string } }[] } }>('anonymous', '{ advisories(first: 100) { edges { node { id } } } }');
      expect(publicList.advisories.edges.map(({ node }) => node.id)).not.toContain(draft);
      expect((await read('operator', draft)).data!.advisory).toMatchObject({ vendorStatements: null, overview: 'Hard-coded credentials in Acme Router RX.' });

      h.clock.current = new Date(later.getTime() - 1);
      expect(errorCode(await read('anonymous', draft))).toBe('NOT_FOUND');
      h.clock.current = later;
      expect((await read('anonymous', draft)).data!.advisory).toMatchObject({ publishedAt: later.toISOString(), vendorStatements: 'Acme: fixed in 2.4. Globex: not affected.' });
      const grantsOfDraft = await h.ok<GrantList>('operator', 'query($id: ID!) { disclosureGrants(filter: { advisoryId: $id }) { totalCount edges { node { id } } } }', { id: draft });
      expect(grantsOfDraft.disclosureGrants.totalCount).toBe(0);
      expect(errorCode(await h.graphql('coordinatorStaff', RESCHEDULE, { input: { advisoryId: draft, publishAt: new Date(later.getTime() + day).toISOString(), reason: 'Too late.' } }))).toBe('CONFLICT');

      const entries = await h.ok<{ auditEntries: { edges: { node: { action: string; detail: { from: string; to: string; reason: string } } }[] } }>(
        'coordinatorStaff', 'query($id: ID!) { auditEntries(filter: { advisoryId: $id, action: PUBLICATION_RESCHEDULED }) { edges { node { action detail } } } }', { id: draft },
      );
      expect(entries.auditEntries.edges.map(({ node }) => node.detail)).toEqual([{ from: planned.toISOString(), to: later.toISOString(), reason: 'The vendor needs three more days for the fix.' }]);
    });

    it('refuses to reschedule a draft', async () => {
      const draft = await newDraft('Unscheduled draft.');
      expect(errorCode(await h.graphql('coordinatorStaff', RESCHEDULE, { input: { advisoryId: draft, publishAt: new Date(start.getTime() + 86_400_000).toISOString(), reason: 'No.' } }))).toBe('CONFLICT');
    });
  });
});
