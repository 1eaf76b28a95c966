import { randomUUID } from 'node:crypto';
import { openDatabase } from '../src/app';
import { testConfig } from '../src/config/config';
import { tipRateLimiter } from '../src/unreachable/unreachable.service';
import { createHarness, errorCode, Harness, Persona } from './support/harness';
import {
  createSilentCase, DECLARE, graphqlAsToken, okAsToken, PUBLIC_ENTRY_FIELDS, publicList, recordAttempt, recordUnansweredAttempts, SilentCase, STAGE_ONE, STAGE_TWO,
} from './support/unreachable-path';

const PUBLIC_ENTRY_KEYS = PUBLIC_ENTRY_FIELDS.split(' ').sort();
const DECLARATIONS = `{ unreachableDeclarations(first: 100) { totalCount edges { node { id status caseVendorId listing { id stageOnePublishedAt stageTwoPublishedAt productName withdrawn contactEstablishedAt tips { id message } } events { kind } } } } }`;
const ENTRY = `query($id: ID!) { unreachableDeveloper(id: $id) { ${PUBLIC_ENTRY_FIELDS} } }`;
const TIP = `mutation($input: SubmitTipInput!) { submitUnreachableDeveloperTip(input: $input) { received receiptCode } }`;
const CASE_STATE = `query($id: ID!) { case(id: $id) { id state caseVendors { status } unreachableDeclarations { id status } } }`;

interface DeclarationRow {
  id: string;
  status: string;
  caseVendorId: string;
  listing: { id: string; stageOnePublishedAt: string; stageTwoPublishedAt: string | null; productName: string | null; withdrawn: boolean; contactEstablishedAt: string | null; tips: { id: string; message: string }[] } | null;
  events: { kind: string }[];
}

describe('the unreachable-vendor procedure and the public list', () => {
  let h: Harness;
  let silent: SilentCase;

  async function declarations(): Promise<DeclarationRow[]> {
    const data = await h.ok<{ unreachableDeclarations: { edges: { node: DeclarationRow }[] } }>('coordinatorStaff', DECLARATIONS);
    return data.unreachableDeclarations.edges.map((edge) => edge.node);
  }
  async function declarationFor(caseVendorId: string): Promise<DeclarationRow | undefined> {
    return (await declarations()).find((row) => row.caseVendorId === caseVendorId);
  }
  /** Everything a refusal must leave untouched: the declarations with their entries, tips and history, and the public list. */
  async function snapshot(): Promise<string> {
    return JSON.stringify({ declarations: await declarations(), list: await publicList(h) });
  }

  beforeAll(async () => {
    h = await createHarness();
    silent = await createSilentCase(h, 'Quiet');
  }, 120_000);
  afterAll(async () => h?.close());

  it('refuses to declare a vendor unreachable until the rule is met, naming exactly the unmet parts, and changes nothing', async () => {
    expect((await recordAttempt(h, silent.caseVendorId, 'EMAIL', 'NO_RESPONSE')).errors).toBeUndefined();
    const before = await snapshot();
    const first = await h.graphql('coordinatorStaff', DECLARE, { input: { caseVendorId: silent.caseVendorId } });
    expect(errorCode(first)).toBe('RULE_NOT_MET');
    expect(first.errors?.[0]?.extensions?.unmet).toEqual(['minAttempts', 'minDays', 'minChannels']);

    for (let attempt = 0; attempt < 4; attempt++) {
      h.clock.advanceDays(10);
      expect((await recordAttempt(h, silent.caseVendorId, 'EMAIL', 'DELIVERED_NO_REPLY')).errors).toBeUndefined();
    }
    const oneChannel = await h.graphql('coordinatorStaff', DECLARE, { input: { caseVendorId: silent.caseVendorId } });
    expect(errorCode(oneChannel)).toBe('RULE_NOT_MET');
    expect(oneChannel.errors?.[0]?.extensions?.unmet).toEqual(['minChannels']);
    expect(oneChannel.errors?.[0]?.message).toContain('1 distinct channels used, at least 2 needed');
    expect(await snapshot()).toBe(before);
  });

  it('refuses a vendor that replied (noReply), counting a correction in place of the attempt it corrects', async () => {
    const other = await createSilentCase(h, 'Chatty');
    await recordAttempt(h, other.caseVendorId, 'EMAIL', 'NO_RESPONSE');
    h.clock.advanceDays(31);
    const replied = await recordAttempt(h, other.caseVendorId, 'PHONE', 'REPLIED');
    const before = await snapshot();
    const refused = await h.graphql('coordinatorStaff', DECLARE, { input: { caseVendorId: other.caseVendorId } });
    expect(errorCode(refused)).toBe('RULE_NOT_MET');
    expect(refused.errors?.[0]?.extensions?.unmet).toEqual(['minAttempts', 'noReply']);
    // The reply was recorded by mistake: a correction replaces it, and the rule no longer sees a reply.
    const repliedId = (replied.data as { recordContactAttempt: { id: string } }).recordContactAttempt.id;
    await h.ok('coordinatorStaff', `mutation($input: RecordContactAttemptInput!) { recordContactAttempt(input: $input) { id } }`, {
      input: { caseVendorId: other.caseVendorId, channel: 'PHONE', address: 'phone-address', attemptedAt: h.clock.now().toISOString(), outcome: 'NO_RESPONSE', correctsAttemptId: repliedId },
    });
    const corrected = await h.graphql('coordinatorStaff', DECLARE, { input: { caseVendorId: other.caseVendorId } });
    expect(corrected.errors?.[0]?.extensions?.unmet).toEqual(['minAttempts']);
    expect(await snapshot()).toBe(before);
  });

  it.each<[Persona, string]>([
    ['anonymous', 'UNAUTHENTICATED'],
    ['finder', 'FORBIDDEN'],
    ['receiver', 'FORBIDDEN'],
    ['vendorAcmeAdmin', 'FORBIDDEN'],
    ['operator', 'FORBIDDEN'],
    ['committeeChair', 'FORBIDDEN'],
  ])('lets only coordinator staff declare: %s gets %s', async (persona, code) => {
    const before = await snapshot();
    expect(errorCode(await h.graphql(persona, DECLARE, { input: { caseVendorId: silent.caseVendorId } }))).toBe(code);
    expect(await snapshot()).toBe(before);
  });

  it('declares the vendor once the rule is met, keeping the evidence, and refuses a second declaration', async () => {
    expect((await recordAttempt(h, silent.caseVendorId, 'POSTAL_MAIL', 'NO_RESPONSE')).errors).toBeUndefined();
    const declared = await h.ok<{ declareVendorUnreachable: { status: string; attemptCount: number; channelCount: number; vendorName: string } }>(
      'coordinatorStaff', DECLARE, { input: { caseVendorId: silent.caseVendorId, reason: 'Silent for 40 days.' } },
    );
    expect(declared.declareVendorUnreachable).toEqual({ id: expect.any(String), status: 'UNREACHABLE', attemptCount: 6, channelCount: 2, vendorName: silent.vendorName });
    const before = await snapshot();
    expect(errorCode(await h.graphql('coordinatorStaff', DECLARE, { input: { caseVendorId: silent.caseVendorId } }))).toBe('CONFLICT');
    expect(await snapshot()).toBe(before);
  });

  it('refuses stage 2 before stage 1 and changes nothing', async () => {
    const declaration = (await declarationFor(silent.caseVendorId))!;
    const before = await snapshot();
    const skipped = await h.graphql('coordinatorStaff', STAGE_TWO, { input: { declarationId: declaration.id, productName: 'Quiet Gateway', productVersions: '4.0 - 4.2' } });
    expect(errorCode(skipped)).toBe('RULE_NOT_MET');
    expect(skipped.errors?.[0]?.extensions?.unmet).toEqual(['stageOne']);
    expect(await snapshot()).toBe(before);
  });

  it('keeps a scheduled stage 1 invisible, answering like a made-up id, then shows only the name from its time', async () => {
    const declaration = (await declarationFor(silent.caseVendorId))!;
    const publishAt = new Date(h.clock.now().getTime() + 2 * 86_400_000);
    const listed = await h.ok<{ publishListingStageOne: { id: string } }>('coordinatorStaff', STAGE_ONE, { input: { declarationId: declaration.id, publishAt: publishAt.toISOString() } });
    const entryId = listed.publishListingStageOne.id;

    const listBefore = await publicList(h);
    expect(listBefore.entries.map((entry) => entry.id)).not.toContain(entryId);
    const scheduled = await h.graphql('anonymous', ENTRY, { id: entryId });
    const madeUp = await h.graphql('anonymous', ENTRY, { id: randomUUID() });
    expect(errorCode(scheduled)).toBe('NOT_FOUND');
    expect(scheduled.errors?.[0]?.message).toBe(madeUp.errors?.[0]?.message);
    expect(errorCode(madeUp)).toBe('NOT_FOUND');
    // The coordinator's own view does not make the entry public either.
    expect(errorCode(await h.graphql('coordinatorStaff', ENTRY, { id: entryId }))).toBe('NOT_FOUND');

    const before = await snapshot();
    const tipScheduled = await h.graphql('anonymous', TIP, { input: { entryId, message: 'Try their sales desk instead.' } });
    const tipMadeUp = await h.graphql('anonymous', TIP, { input: { entryId: randomUUID(), message: 'Try their sales desk instead.' } });
    expect(errorCode(tipScheduled)).toBe('NOT_FOUND');
    expect(tipScheduled.errors?.[0]?.message).toBe(tipMadeUp.errors?.[0]?.message);
    expect(await snapshot()).toBe(before);

    h.clock.advanceDays(2);
    const listAfter = await publicList(h);
    expect(listAfter.totalCount).toBe(listBefore.totalCount + 1);
    const entry = listAfter.entries.find((candidate) => candidate.id === entryId)!;
    expect(Object.keys(entry).sort()).toEqual(PUBLIC_ENTRY_KEYS);
    expect(entry).toEqual({
      id: entryId, caseReference: silent.reference, vendorName: silent.vendorName, listedAt: publishAt.toISOString(), stage: 1,
      productName: null, productVersions: null, productInformationListedAt: null, contactEstablished: false, contactEstablishedAt: null,
    });
  });

  it('gives the public list entry type no field beyond the listed ones', async () => {
    // Introspection is for staff; the type is the same for every viewer.
    const type = await h.ok<{ __type: { fields: { name: string }[] } }>('coordinatorStaff', '{ __type(name: "UnreachableDeveloperEntry") { fields { name } } }');
    expect(type.__type.fields.map((field) => field.name).sort()).toEqual(PUBLIC_ENTRY_KEYS);
  });

  it('refuses stage 2 before the configured interval and changes nothing', async () => {
    const declaration = (await declarationFor(silent.caseVendorId))!;
    h.clock.advanceDays(h.config.unreachable.stageTwoAfterDays - 1);
    const before = await snapshot();
    const early = await h.graphql('coordinatorStaff', STAGE_TWO, { input: { declarationId: declaration.id, productName: 'Quiet Gateway', productVersions: '4.0 - 4.2' } });
    expect(errorCode(early)).toBe('RULE_NOT_MET');
    expect(early.errors?.[0]?.extensions?.unmet).toEqual(['stageTwoAfterDays']);
    expect(await snapshot()).toBe(before);
  });

  it('adds the product information at stage 2, and the public still sees nothing else about the case', async () => {
    const declaration = (await declarationFor(silent.caseVendorId))!;
    h.clock.advanceDays(1);
    await h.ok('coordinatorStaff', STAGE_TWO, { input: { declarationId: declaration.id, productName: 'Quiet Gateway', productVersions: '4.0 - 4.2' } });
    const entry = (await publicList(h)).entries.find((candidate) => candidate.caseReference === silent.reference)!;
    expect(Object.keys(entry).sort()).toEqual(PUBLIC_ENTRY_KEYS);
    expect(entry).toMatchObject({ stage: 2, vendorName: silent.vendorName, productName: 'Quiet Gateway', productVersions: '4.0 - 4.2', contactEstablished: false });
    expect(entry.productInformationListedAt).toBe(h.clock.now().toISOString());

    const everythingPublic = JSON.stringify(await h.ok('anonymous', `query($id: ID!) { unreachableDevelopers(first: 100) { edges { node { ${PUBLIC_ENTRY_FIELDS} } } } unreachableDeveloper(id: $id) { ${PUBLIC_ENTRY_FIELDS} } }`, { id: entry.id }));
    const caseDetails = await h.ok<{ case: Record<string, string> }>('coordinatorStaff', 'query($id: ID!) { case(id: $id) { title description finderName receivedAt coordinatorNotes contactAttempts { address } } }', { id: silent.caseId });
    for (const secret of [caseDetails.case.title, caseDetails.case.description, caseDetails.case.finderName, caseDetails.case.receivedAt, 'Secret details', 'email-address', 'Silent for 40 days', 'Internal']) {
      expect(everythingPublic).not.toContain(secret);
    }
  });

  it('accepts a tip for a listed entry from anyone, answers with a receipt that reveals nothing, and shows it to coordinator staff only', async () => {
    const entry = (await publicList(h)).entries.find((candidate) => candidate.caseReference === silent.reference)!;
    const receipt = await h.ok<{ submitUnreachableDeveloperTip: Record<string, unknown> }>('anonymous', TIP, {
      input: { entryId: entry.id, message: 'Quiet Systems moved; their new PSIRT is psirt@quiet-new.example.', senderContact: 'tipster@example.net' },
    });
    expect(Object.keys(receipt.submitUnreachableDeveloperTip).sort()).toEqual(['receiptCode', 'received']);
    expect(receipt.submitUnreachableDeveloperTip.received).toBe(true);
    expect(JSON.stringify(receipt)).not.toContain(silent.vendorName);

    const listing = (await declarationFor(silent.caseVendorId))!.listing!;
    expect(listing.tips.map((tip) => tip.message)).toEqual(['Quiet Systems moved; their new PSIRT is psirt@quiet-new.example.']);
    // Nobody else has a way to the tips: the declaration (and so its entry) is not visible to them.
    for (const persona of ['anonymous', 'finder', 'receiver', 'vendorAcmeAdmin', 'operator', 'committeeChair'] as Persona[]) {
      const result = await h.graphql<{ unreachableDeclarations: { totalCount: number } }>(persona, '{ unreachableDeclarations { totalCount } }');
      if (persona === 'anonymous') expect(errorCode(result)).toBe('UNAUTHENTICATED');
      else if (persona === 'committeeChair') expect(result.data?.unreachableDeclarations.totalCount).toBe(1); // the demo's referred case only
      else expect(result.data?.unreachableDeclarations.totalCount).toBe(0);
    }
  });

  it('validates and size-limits tips and stores nothing for a refused one', async () => {
    const entry = (await publicList(h)).entries.find((candidate) => candidate.caseReference === silent.reference)!;
    const before = await snapshot();
    for (const input of [
      { entryId: entry.id, message: 'x'.repeat(2001) },
      { entryId: entry.id, message: 'short' },
      { entryId: entry.id, message: 'A tip with a control \u0007 character in it.' },
      { entryId: 'not-an-id', message: 'A perfectly fine tip message.' },
    ]) {
      expect(errorCode(await h.graphql('anonymous', TIP, { input }))).toBe('BAD_USER_INPUT');
    }
    expect(await snapshot()).toBe(before);
  });

  it('rate-limits tips per client address over HTTP, counting refused ids too, and shares the count across server instances', async () => {
    const entry = (await publicList(h)).entries.find((candidate) => candidate.caseReference === silent.reference)!;
    const url = `${await h.listen()}/graphql`;
    const send = (address: string, entryId: string) =>
      fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-forwarded-for': address },
        body: JSON.stringify({ query: TIP, variables: { input: { entryId, message: 'Reach them through the trade association.' } } }),
      }).then(async (response) => ({ status: response.status, retryAfter: response.headers.get('retry-after'), body: (await response.json()) as { errors?: { extensions: { code: string } }[] } }));

    const results = [];
    results.push(await send('203.0.113.7', randomUUID()));
    for (let index = 0; index < 4; index++) results.push(await send('203.0.113.7', entry.id));
    expect(results.map((result) => result.body.errors?.[0]?.extensions.code ?? 'OK')).toEqual(['NOT_FOUND', 'OK', 'OK', 'OK', 'OK']);
    const limited = await send('203.0.113.7', entry.id);
    expect(limited.body.errors?.[0]?.extensions.code).toBe('RATE_LIMITED');
    expect(limited.status).toBe(429);
    expect(Number(limited.retryAfter)).toBeGreaterThan(0);
    expect((await send('198.51.100.9', entry.id)).body.errors).toBeUndefined();

    // Another server instance, with its own connection to the same database, sees the same count.
    const secondDataSource = await openDatabase(testConfig({ database: h.db.config }));
    try {
      await expect(tipRateLimiter.consume(secondDataSource, '203.0.113.7')).rejects.toMatchObject({ extensions: { code: 'RATE_LIMITED' } });
      await expect(tipRateLimiter.consume(secondDataSource, '192.0.2.44')).resolves.toBeUndefined();
    } finally {
      await secondDataSource.destroy();
    }
    expect((await declarationFor(silent.caseVendorId))!.listing!.tips).toHaveLength(6);
  });

  it('shows the vendor, before it is reached, nothing of its case or the procedure beyond the public list', async () => {
    const cases = await okAsToken<{ cases: { totalCount: number } }>(h, silent.vendorToken, '{ cases { totalCount } }');
    expect(cases.cases.totalCount).toBe(0);
    expect(errorCode(await graphqlAsToken(h, silent.vendorToken, CASE_STATE, { id: silent.caseId }))).toBe('NOT_FOUND');
    const own = await okAsToken<{ unreachableDeclarations: { totalCount: number }; committeeReferrals: { totalCount: number } }>(
      h, silent.vendorToken, '{ unreachableDeclarations { totalCount } committeeReferrals { totalCount } }',
    );
    expect(own).toEqual({ unreachableDeclarations: { totalCount: 0 }, committeeReferrals: { totalCount: 0 } });
    expect(await okAsToken(h, silent.vendorToken, `{ unreachableDevelopers(first: 100) { totalCount edges { node { ${PUBLIC_ENTRY_FIELDS} } } } }`)).toEqual(
      await h.ok('anonymous', `{ unreachableDevelopers(first: 100) { totalCount edges { node { ${PUBLIC_ENTRY_FIELDS} } } } }`),
    );
  });

  it('returns the vendor to coordination when it replies: entry shows contact established, history kept, vendor sees its case', async () => {
    const declaration = (await declarationFor(silent.caseVendorId))!;
    h.clock.advanceDays(3);
    const replied = await recordAttempt(h, silent.caseVendorId, 'EMAIL', 'REPLIED');
    expect(replied.errors).toBeUndefined();
    const repliedAt = h.clock.now().toISOString();

    const after = (await declarationFor(silent.caseVendorId))!;
    expect(after.status).toBe('CONTACT_ESTABLISHED');
    expect(after.listing!.contactEstablishedAt).toBe(repliedAt);
    expect(after.listing!.productName).toBe('Quiet Gateway');
    expect(after.events.map((event) => event.kind)).toEqual(['DECLARED', 'LISTED_STAGE_ONE', 'LISTED_STAGE_TWO', 'CONTACT_ESTABLISHED']);
    expect(after.id).toBe(declaration.id);

    const entry = (await publicList(h)).entries.find((candidate) => candidate.caseReference === silent.reference)!;
    expect(entry).toMatchObject({ stage: 2, contactEstablished: true, contactEstablishedAt: repliedAt, vendorName: silent.vendorName });
    expect(Object.keys(entry).sort()).toEqual(PUBLIC_ENTRY_KEYS);

    const coordinatorView = await h.ok<{ case: { state: string; caseVendors: { status: string }[]; unreachableDeclarations: { status: string }[] } }>('coordinatorStaff', CASE_STATE, { id: silent.caseId });
    expect(coordinatorView.case.state).toBe('COORDINATING');
    expect(coordinatorView.case.caseVendors.map((row) => row.status)).toEqual(['NOTIFIED']);
    expect(coordinatorView.case.unreachableDeclarations).toEqual([{ id: declaration.id, status: 'CONTACT_ESTABLISHED' }]);

    // Now notified, the vendor sees its case, but not the declaration, its history, the tips or any committee material.
    const vendorView = await okAsToken<{ case: { id: string; state: string; caseVendors: { status: string }[]; unreachableDeclarations: unknown[]; committeeReferrals: unknown[]; finderName: string | null } }>(
      h, silent.vendorToken, 'query($id: ID!) { case(id: $id) { id state finderName caseVendors { status } unreachableDeclarations { id } committeeReferrals { id } } }', { id: silent.caseId },
    );
    expect(vendorView.case).toEqual({ id: silent.caseId, state: 'COORDINATING', finderName: 'Fumi Finder', caseVendors: [{ status: 'NOTIFIED' }], unreachableDeclarations: [], committeeReferrals: [] });
    expect(errorCode(await graphqlAsToken(h, silent.vendorToken, 'query($id: ID!) { unreachableDeclaration(id: $id) { id } }', { id: declaration.id }))).toBe('NOT_FOUND');
  });

  it('withdraws a scheduled entry that never became public when the vendor replies first', async () => {
    const early = await createSilentCase(h, 'Shy');
    await recordUnansweredAttempts(h, early.caseVendorId);
    const declared = await h.ok<{ declareVendorUnreachable: { id: string } }>('coordinatorStaff', DECLARE, { input: { caseVendorId: early.caseVendorId } });
    const declarationId = declared.declareVendorUnreachable.id;
    const publishAt = new Date(h.clock.now().getTime() + 7 * 86_400_000).toISOString();
    const listed = await h.ok<{ publishListingStageOne: { id: string } }>('coordinatorStaff', STAGE_ONE, { input: { declarationId, publishAt } });
    h.clock.advanceDays(1);
    await recordAttempt(h, early.caseVendorId, 'PHONE', 'REPLIED');
    h.clock.advanceDays(10);
    expect((await publicList(h)).entries.map((entry) => entry.caseReference)).not.toContain(early.reference);
    expect(errorCode(await h.graphql('anonymous', ENTRY, { id: listed.publishListingStageOne.id }))).toBe('NOT_FOUND');
    const row = (await declarationFor(early.caseVendorId))!;
    expect(row.listing!.withdrawn).toBe(true);
    expect(row.events.map((event) => event.kind)).toEqual(['DECLARED', 'LISTED_STAGE_ONE', 'CONTACT_ESTABLISHED', 'STAGE_ONE_WITHDRAWN']);
    // A later silence is a new episode: the rule counts only attempts after the reply.
    const again = await h.graphql('coordinatorStaff', DECLARE, { input: { caseVendorId: early.caseVendorId } });
    expect(again.errors?.[0]?.extensions?.unmet).toEqual(['minAttempts', 'minDays', 'minChannels']);
  });

  it('declares a vendor once when two declarations race', async () => {
    const raced = await createSilentCase(h, 'Racy');
    await recordUnansweredAttempts(h, raced.caseVendorId);
    const results = await Promise.all([1, 2].map(() => h.graphql('coordinatorStaff', DECLARE, { input: { caseVendorId: raced.caseVendorId } })));
    expect(results.map((result) => errorCode(result) ?? 'OK').sort()).toEqual(['CONFLICT', 'OK']);
    expect((await declarations()).filter((row) => row.caseVendorId === raced.caseVendorId)).toHaveLength(1);
  });

  it('shows the demo world: the public sees the Initech entry at stage 2, the same by id', async () => {
    const entry = (await publicList(h)).entries.find((candidate) => candidate.id === h.world.listings.silentVendor)!;
    expect(entry).toMatchObject({ vendorName: 'Initech Industrial', stage: 2, productName: 'Initech PLC Manager', contactEstablished: false });
    const byId = await h.ok<{ unreachableDeveloper: Record<string, unknown> }>('anonymous', ENTRY, { id: entry.id });
    expect(byId.unreachableDeveloper).toEqual(entry);
  });
});

