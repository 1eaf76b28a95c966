import { getNamedType, GraphQLField, GraphQLInputObjectType, isInputObjectType } from 'graphql';
import { CaseState } from '../../src/cases/case.entity';
import { testConfig } from '../../src/config/config';
import { getSchema } from '../../src/schema';
import { createHarness, Harness, Persona } from '../support/harness';
import type { Subject } from './oracle';
import { Way, WAYS } from './ways';
import { loadWorld, World } from './world';

/** Building a server on a fresh database with the demo world takes seconds on a busy MariaDB. */
const HOOK_TIMEOUT = 120_000;
const DAY = 86_400_000;
const HOUR = 3_600_000;

/**
 * Twin cases, built the same way through the API at the same instant: reported by the finder, analysed and handed over
 * by the receiver, a vendor notified, coordinating, an advisory with a credit for the finder, shared early with the
 * operator. Then one twin's publication is scheduled for three days later. Every mutation (and lookup) that names the
 * case, its advisory or their rows, sent as each persona that may not know of the schedule to both twins in turn,
 * must answer the same bytes once the twins' ids are swapped: code and message of every refusal included.
 */
interface Twin {
  caseId: string;
  reference: string;
  advisoryId: string;
  caseVendorId: string;
  attemptId: string;
  grantId: string;
  creditId: string;
}

/** Personas who see the case or its advisory without seeing its schedule, and some who see neither. */
const PERSONAS: Persona[] = ['finder', 'receiver', 'receiverAdmin', 'operator', 'committeeMember', 'committeeChair', 'vendorGlobex', 'finderAnonymous', 'anonymous'];

/** Which of a twin's objects a way's subject names. */
const TWIN_OBJECTS: Partial<Record<Subject, (twin: Twin) => string>> = {
  Case: (twin) => twin.caseId,
  Advisory: (twin) => twin.advisoryId,
  CaseVendor: (twin) => twin.caseVendorId,
  ContactAttempt: (twin) => twin.attemptId,
  DisclosureGrant: (twin) => twin.grantId,
  AdvisoryCredit: (twin) => twin.creditId,
};
/** Argument and input field names that name one of those objects. */
const NAMING_ARGUMENTS = ['caseId', 'reference', 'advisoryId', 'caseVendorId', 'correctsAttemptId', 'grantId', 'creditId'];

const CASE_FIELDS = 'id reference title state receivedAt updatedAt description affectedProducts finderName transitions { fromState toState at } advisory { id status }';
const ADVISORY_FIELDS = 'id identifier title status publishedAt overview impact cvssV3Vector severity unableToCoordinate revision updatedAt createdAt changedSinceLastRead revisions { number } products { name } vendorStatuses { vendorName } credits { id name status }';
const TRANSITION = 'mutation($v: ID!, $to: CaseState!) { transitionCase(input: { caseId: $v, to: $to, reason: "probe" }) { id state } }';

describe('a publication scheduled for later answers every mutation exactly like one that is not', () => {
  let h: Harness;
  let world: World;
  let coordinating: Twin;
  let scheduled: Twin;

  /** Each twin is built step by step at the same instants (a minute apart, so its history has one order). */
  async function twinCase(start: number): Promise<Twin> {
    let step = 0;
    const tick = () => {
      h.clock.current = new Date(start + ++step * 60_000);
    };
    tick();
    const submitted = await h.ok<{ submitReport: { id: string; reference: string } }>('finder', 'mutation($input: SubmitReportInput!) { submitReport(input: $input) { id reference } }', {
      input: { title: 'Twin: RCE in the Acme Router web UI', description: 'Unauthenticated RCE via the ping form.', affectedProducts: 'Acme Router RX 2.3', finderConsentToName: true },
    });
    const caseId = submitted.submitReport.id;
    const move = (persona: Persona, to: string) => {
      tick();
      return h.ok(persona, TRANSITION, { v: caseId, to });
    };
    await move('receiver', 'UNDER_ANALYSIS');
    await h.ok('receiver', 'mutation($input: UpdateCaseInput!) { updateCase(input: $input) { id } }', {
      input: { caseId, analysisNotes: 'Reproduced.', cvssV3Vector: 'CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H', cweId: 'CWE-78' },
    });
    await move('receiver', 'HANDED_OVER');
    await move('coordinatorStaff', 'VENDOR_CONTACT');
    const added = await h.ok<{ addVendorToCase: { id: string } }>('coordinatorStaff', 'mutation($input: AddVendorToCaseInput!) { addVendorToCase(input: $input) { id } }', {
      input: { caseId, vendorId: h.world.vendors.acme },
    });
    const caseVendorId = added.addVendorToCase.id;
    const attempt = await h.ok<{ recordContactAttempt: { id: string } }>('coordinatorStaff', 'mutation($input: RecordContactAttemptInput!) { recordContactAttempt(input: $input) { id } }', {
      input: { caseVendorId, channel: 'EMAIL', address: 'psirt@acme.example', attemptedAt: new Date(h.clock.now().getTime() - DAY).toISOString(), outcome: 'REPLIED' },
    });
    await h.ok('coordinatorStaff', 'mutation($id: ID!) { notifyVendor(caseVendorId: $id) { id } }', { id: caseVendorId });
    await move('coordinatorStaff', 'COORDINATING');
    const advisory = await h.ok<{ createAdvisory: { id: string } }>('coordinatorStaff', 'mutation($input: CreateAdvisoryInput!) { createAdvisory(input: $input) { id } }', {
      input: { caseId, overview: 'Remote code execution in the web UI.', impact: 'Full control of the router.', solution: 'Update to 2.4.' },
    });
    const advisoryId = advisory.createAdvisory.id;
    const credit = await h.ok<{ addAdvisoryCredit: { id: string } }>('coordinatorStaff', 'mutation($input: AddAdvisoryCreditInput!) { addAdvisoryCredit(input: $input) { id } }', {
      input: { advisoryId, type: 'FINDER', name: 'Fumi Finder', userId: h.world.users.finder },
    });
    const grant = await h.ok<{ grantDisclosure: { id: string } }>('coordinatorStaff', 'mutation($input: GrantDisclosureInput!) { grantDisclosure(input: $input) { id } }', {
      input: { advisoryId, organizationId: h.world.organizations.operator, sections: ['OVERVIEW', 'CVSS'], tlp: 'AMBER', reason: 'The operator runs these routers.' },
    });
    return { caseId, reference: submitted.submitReport.reference, advisoryId, caseVendorId, attemptId: attempt.recordContactAttempt.id, grantId: grant.grantDisclosure.id, creditId: credit.addAdvisoryCredit.id };
  }

  beforeAll(async () => {
    // Hundreds of probing mutations per persona: the mutation limits are tested in side-channels.test.ts.
    h = await createHarness({ config: { rateLimits: { ...testConfig().rateLimits, mutationsPerTokenPerMinute: 100_000, publicMutationsPerAddressPerMinute: 100_000 } } });
    const start = h.clock.now().getTime();
    coordinating = await twinCase(start);
    scheduled = await twinCase(start);
    // Scheduled an hour later, then rescheduled: nothing either twin's readers see may move.
    const created = h.clock.now().getTime();
    h.clock.current = new Date(created + HOUR);
    await h.ok('coordinatorStaff', 'mutation($input: PublishAdvisoryInput!) { publishAdvisory(input: $input) { id } }', {
      input: { advisoryId: scheduled.advisoryId, publishAt: new Date(created + 2 * DAY).toISOString() },
    });
    h.clock.current = new Date(created + 2 * HOUR);
    await h.ok('coordinatorStaff', 'mutation($input: ReschedulePublicationInput!) { rescheduleAdvisoryPublication(input: $input) { id } }', {
      input: { advisoryId: scheduled.advisoryId, publishAt: new Date(created + 3 * DAY).toISOString(), reason: 'The vendor asked for a day more.' },
    });
    world = await loadWorld(h.db.dataSource);
    // Looked at later, an hour before its time.
    h.clock.current = new Date(created + 3 * DAY - HOUR);
  }, HOOK_TIMEOUT);
  afterAll(async () => h?.close(), HOOK_TIMEOUT);

  /** The scheduled twin's answer with its ids written as the coordinating twin's. */
  function asCoordinating(text: string): string {
    return (Object.keys(coordinating) as (keyof Twin)[]).reduce((result, key) => result.split(scheduled[key]).join(coordinating[key]), text);
  }

  /** Ids of rows a probe created (feedback sent to each twin): each answer's own, so they are written alike. */
  function withNewIdsAlike(text: string): string {
    const known = new Set(Object.values(world).flatMap((rows) => (rows as { id: string }[]).map((row) => row.id)));
    return text.replace(/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/g, (id) => (known.has(id) ? id : '<created>'));
  }

  async function both(persona: Persona, query: string, variables: (twin: Twin) => Record<string, unknown>): Promise<[string, string]> {
    // One after the other, the coordinating twin first: a probe that succeeds changes both twins alike.
    const plain = JSON.stringify(await h.graphql(persona, query, variables(coordinating)));
    const ofScheduled = JSON.stringify(await h.graphql(persona, query, variables(scheduled)));
    return [withNewIdsAlike(plain), withNewIdsAlike(asCoordinating(ofScheduled))];
  }

  const twinWays = () => WAYS.filter((way) => TWIN_OBJECTS[way.subject] !== undefined && !way.filter);
  const valueOf = (way: Way, twin: Twin) => (way.by === 'reference' ? twin.reference : TWIN_OBJECTS[way.subject]!(twin));

  it('probes every mutation that names a case, an advisory or one of their rows', async () => {
    const schema = await getSchema();
    const names = (field: GraphQLField<unknown, unknown>): string[] => {
      const seen = new Set<GraphQLInputObjectType>();
      const walk = (fields: { name: string; type: Parameters<typeof getNamedType>[0] }[]): string[] =>
        fields.flatMap((field) => {
          const named = getNamedType(field.type);
          if (!isInputObjectType(named) || seen.has(named)) return [field.name];
          seen.add(named);
          return [field.name, ...walk(Object.values(named.getFields()))];
        });
      return walk(field.args as never);
    };
    const probed = new Set(twinWays().map((way) => /^mutation[^{]*\{\s*(\w+)/.exec(way.query)?.[1]).filter(Boolean));
    const naming = Object.values(schema.getMutationType()!.getFields()).filter((field) => names(field).some((name) => NAMING_ARGUMENTS.includes(name)));
    expect(naming.map((field) => field.name).filter((name) => !probed.has(name))).toEqual([]);
  });

  it.each(PERSONAS)('as %s: every way to name the case, its advisory and their rows', async (persona) => {
    for (const way of twinWays().filter((candidate) => candidate.personas?.includes(persona) ?? true)) {
      const [plain, ofScheduled] = await both(persona, way.query, (twin) => way.variables(valueOf(way, twin), world));
      expect({ way: way.name, answer: ofScheduled }).toEqual({ way: way.name, answer: plain });
    }
  });

  /** What each persona may read of the case and the advisory. */
  const READS: [string, string, (twin: Twin) => Record<string, unknown>][] = [
    ['case', `query($v: ID!) { case(id: $v) { ${CASE_FIELDS} } }`, (twin) => ({ v: twin.caseId })],
    ['caseByReference', `query($v: String!) { caseByReference(reference: $v) { ${CASE_FIELDS} } }`, (twin) => ({ v: twin.reference })],
    ['advisory', `query($v: ID!) { advisory(id: $v) { ${ADVISORY_FIELDS} } }`, (twin) => ({ v: twin.advisoryId })],
    ['disclosureGrant', 'query($v: ID!) { disclosureGrant(id: $v) { id tlp sections startsAt endsAt createdAt updatedAt acknowledgedAt advisory { id status } } }', (twin) => ({ v: twin.grantId })],
  ];
  /** Lists both twins are in (same title): each twin listed under the same filters, alike. */
  const LISTS: [string, string, Record<string, unknown>, (node: { id: string }, twin: Twin) => boolean][] = [
    ...[...Object.values(CaseState).map((state) => [state]), []].map((states): [string, string, Record<string, unknown>, (node: { id: string }, twin: Twin) => boolean] => [
      `cases in ${states.join(', ') || 'any state'}`,
      'query($states: [CaseState!]) { cases(filter: { search: "Twin:", states: $states }, orderBy: { field: UPDATED_AT, direction: DESC }) { totalCount edges { node { id state updatedAt } } } }',
      { states: states.length ? states : null }, (node, twin) => node.id === twin.caseId,
    ]),
    ...[null, 'DRAFT', 'PUBLISHED'].map((status): [string, string, Record<string, unknown>, (node: { id: string }, twin: Twin) => boolean] => [
      `advisories ${status ?? 'all'}`, 'query($status: AdvisoryStatus) { advisories(filter: { search: "Twin:", status: $status }) { totalCount edges { node { id status title } } } }',
      { status }, (node, twin) => node.id === twin.advisoryId,
    ]),
  ];

  it.each(PERSONAS)('as %s: what it reads of the case and the advisory, and the lists they are in', async (persona) => {
    for (const [name, query, variables] of READS) {
      const [plain, ofScheduled] = await both(persona, query, variables);
      expect({ name, answer: ofScheduled }).toEqual({ name, answer: plain });
    }
    for (const [name, query, variables, names] of LISTS) {
      const answer = await h.graphql<Record<string, { totalCount: number; edges: { node: { id: string } }[] }>>(persona, query, variables);
      const connection = answer.data ? Object.values(answer.data)[0] : null;
      const nodes = connection?.edges.map((edge) => edge.node) ?? [];
      const [plain, ofScheduled] = [nodes.find((node) => names(node, coordinating)), nodes.find((node) => names(node, scheduled))];
      expect({ name, listed: ofScheduled ? asCoordinating(JSON.stringify(ofScheduled)) : null, errors: answer.errors?.map((error) => error.message) ?? [] })
        .toEqual({ name, listed: plain ? JSON.stringify(plain) : null, errors: answer.errors?.map((error) => error.message) ?? [] });
      if (connection) expect({ name, totalCount: connection.totalCount % 2 }).toEqual({ name, totalCount: 0 });
    }
  });

  it.each(PERSONAS)('as %s: a step to every state', async (persona) => {
    for (const to of Object.values(CaseState)) {
      const [plain, ofScheduled] = await both(persona, TRANSITION, (twin) => ({ v: twin.caseId, to }));
      expect({ to, answer: ofScheduled }).toEqual({ to, answer: plain });
    }
  });

  it('tells the finder, who may no longer withdraw, the state it reads and nothing else', async () => {
    const [plain, ofScheduled] = await both('finder', TRANSITION, (twin) => ({ v: twin.caseId, to: 'WITHDRAWN' }));
    expect(ofScheduled).toBe(plain);
    const answer = JSON.parse(plain) as { errors: { message: string; extensions: { code: string } }[] };
    expect([answer.errors[0].extensions.code, answer.errors[0].message]).toEqual(['INVALID_TRANSITION', 'A case cannot move from COORDINATING to WITHDRAWN']);
  });

  it('is a real schedule: staff and the notified vendor read it', async () => {
    const query = 'query($id: ID!) { case(id: $id) { state } }';
    for (const persona of ['coordinatorStaff', 'vendorAcmeStaff'] as Persona[]) {
      expect(await h.ok(persona, query, { id: scheduled.caseId })).toEqual({ case: { state: 'PUBLICATION_SCHEDULED' } });
      expect(await h.ok(persona, 'query($id: ID!) { advisory(id: $id) { status } }', { id: scheduled.advisoryId })).toEqual({ advisory: { status: 'PUBLISHED' } });
    }
    expect(await h.ok('operator', 'query($id: ID!) { advisory(id: $id) { status } }', { id: scheduled.advisoryId })).toEqual({ advisory: { status: 'DRAFT' } });
  });
});
