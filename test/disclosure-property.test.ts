import fc from 'fast-check';
import { In } from 'typeorm';
import { Advisory, AdvisorySeverity, AdvisoryStatus } from '../src/advisories/advisory.entity';
import { Case, CaseState } from '../src/cases/case.entity';
import { newId } from '../src/common/columns';
import { DisclosureGrant, DisclosureGrantRecipient } from '../src/disclosure/disclosure-grant.entity';
import { Organization, OrganizationKind } from '../src/organizations/organization.entity';
import { User } from '../src/organizations/user.entity';
import { addUser, graphqlWith } from './support/disclosure-support';
import {
  expectedAdvisory, expectedGrants, ORACLE_FIELDS, ORACLE_SECTIONS, OracleAdvisory, OracleField, OracleGrant, OracleSection, OracleTlp, OracleViewer, OracleWorld,
} from './support/disclosure-oracle';
import { createHarness, errorCode, Harness, TestClock } from './support/harness';

// testTimeout inside jest's `projects` is not applied; a MariaDB harness alone can take longer than the 5 s default.
jest.setTimeout(120_000);

const BASE = new Date('2026-11-26T09:00:00.000Z');
const HOUR = 3_600_000;
const at = (hours: number) => new Date(BASE.getTime() + hours * HOUR);
const FLAG: Record<OracleSection, keyof DisclosureGrant> = {
  OVERVIEW: 'shareOverview', AFFECTED_PRODUCTS: 'shareAffectedProducts', IMPACT: 'shareImpact',
  MITIGATIONS: 'shareMitigations', TECHNICAL_DETAILS: 'shareTechnicalDetails', CVSS: 'shareCvss',
};

const maybe = <T>(value: T) => fc.option(fc.constant(value), { nil: null });
const advisoryArbitrary = fc.record({
  published: fc.boolean(),
  publishedHour: fc.integer({ min: -24, max: 72 }),
  overview: maybe('Overview.'),
  affectedProducts: maybe('Product 1.0'),
  impact: maybe('Impact.'),
  solution: maybe('Update.'),
  workarounds: maybe('Filter the port.'),
  vendorStatements: maybe('Vendor: fixed.'),
  cvssV3Vector: maybe('CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H'),
  severity: maybe(AdvisorySeverity.CRITICAL),
  cweId: maybe('CWE-798'),
  cveIds: fc.constantFrom<string[]>([], ['CVE-2026-0001']),
  coordinatorVerification: maybe('Verified in the lab.'),
  internalNotes: maybe('Internal.'),
});
const grantArbitrary = fc.record({
  advisory: fc.nat(),
  organization: fc.nat(),
  sections: fc.subarray(ORACLE_SECTIONS, { minLength: 1 }),
  tlp: fc.constantFrom<OracleTlp>('AMBER', 'AMBER_STRICT', 'RED'),
  recipients: fc.subarray([0, 1], { minLength: 1 }),
  startsHour: fc.integer({ min: -48, max: 48 }),
  hours: fc.option(fc.integer({ min: 1, max: 72 }), { nil: null }),
  revoked: fc.boolean(),
});
const worldArbitrary = fc.record({
  advisories: fc.array(advisoryArbitrary, { minLength: 1, maxLength: 3 }),
  grants: fc.array(grantArbitrary, { maxLength: 6 }),
  checkHours: fc.array(fc.integer({ min: -48, max: 96 }), { minLength: 1, maxLength: 2 }),
});
type WorldSpec = typeof worldArbitrary extends fc.Arbitrary<infer T> ? T : never;

interface Operator extends OracleViewer {
  userId: string;
  authorization: string;
}

interface BuiltWorld {
  oracle: OracleWorld;
  operators: Operator[];
  /** Instants worth checking: the generated ones and every boundary of the world. */
  instants: Date[];
  cleanup(): Promise<void>;
}

describe('what an operator sees, against an independent oracle', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await createHarness({ clock: new TestClock(new Date(BASE)) });
  });
  afterAll(async () => h?.close());

  async function build(spec: WorldSpec): Promise<BuiltWorld> {
    const manager = h.db.dataSource.manager;
    const organizations = [newId(), newId()];
    await manager.getRepository(Organization).insert(organizations.map((id, index) => ({ id, name: `Property operator ${index}`, kind: OrganizationKind.OPERATOR, createdAt: BASE })));
    const operators: Operator[] = [];
    for (const organizationId of organizations) {
      for (const name of ['first', 'second']) operators.push(await operatorOf(organizationId, name));
    }
    const advisories: OracleAdvisory[] = [];
    const caseIds: string[] = [];
    for (const [index, spec_] of spec.advisories.entries()) {
      const caseId = newId();
      caseIds.push(caseId);
      await manager.getRepository(Case).insert({
        id: caseId, reference: `PBT-${caseId.slice(0, 12)}`, title: `Property case ${index}`, description: 'Generated.', affectedProducts: 'Product 1.0',
        finderUserId: null, finderName: 'Generated', finderConsentToName: false, receivedAt: at(-100), registeredByOrgId: h.world.organizations.receiver,
        state: spec_.published ? CaseState.PUBLISHED : CaseState.COORDINATING, overseasCoordination: false, cvssV3Vector: null, cvssV4Vector: null,
        cweId: null, analysisNotes: null, coordinatorNotes: null, updatedAt: at(-100),
      });
      const id = newId();
      const publishedAt = spec_.published ? at(spec_.publishedHour) : null;
      const text = {
        title: `Property advisory ${index}`, identifier: spec_.published ? `JVN#P${id.slice(0, 8)}` : null,
        overview: spec_.overview, affectedProducts: spec_.affectedProducts, impact: spec_.impact, solution: spec_.solution, workarounds: spec_.workarounds,
        vendorStatements: spec_.vendorStatements, cvssV3Vector: spec_.cvssV3Vector, cvssV4Vector: null, severity: spec_.severity, cweId: spec_.cweId,
        cveIds: spec_.cveIds, unableToCoordinate: false, coordinatorVerification: spec_.coordinatorVerification, internalNotes: spec_.internalNotes,
      };
      await manager.getRepository(Advisory).insert({
        id, caseId, ...text, status: spec_.published ? AdvisoryStatus.PUBLISHED : AdvisoryStatus.DRAFT, publishedAt, createdAt: at(-100), updatedAt: at(-100),
      });
      advisories.push({ id, status: spec_.published ? 'PUBLISHED' : 'DRAFT', publishedAt, text });
    }
    const grants: OracleGrant[] = [];
    for (const grantSpec of spec.grants) {
      const advisory = advisories[grantSpec.advisory % advisories.length];
      const organizationId = organizations[grantSpec.organization % organizations.length];
      const people = operators.filter((operator) => operator.organizationId === organizationId);
      const recipientUserIds = grantSpec.tlp === 'RED' ? grantSpec.recipients.map((index) => people[index].userId) : [];
      const grant: OracleGrant = {
        id: newId(), advisoryId: advisory.id, organizationId, sections: grantSpec.sections, tlp: grantSpec.tlp, recipientUserIds,
        startsAt: at(grantSpec.startsHour), endsAt: grantSpec.hours === null ? null : at(grantSpec.startsHour + grantSpec.hours), revoked: grantSpec.revoked,
      };
      const flags = Object.fromEntries(ORACLE_SECTIONS.map((section) => [FLAG[section], grant.sections.includes(section)]));
      await manager.getRepository(DisclosureGrant).insert({
        id: grant.id, advisoryId: grant.advisoryId, organizationId, tlp: grant.tlp as DisclosureGrant['tlp'], ...flags, startsAt: grant.startsAt, endsAt: grant.endsAt,
        reason: 'Generated.', createdByUserId: null, createdAt: at(-100), updatedAt: at(-100), revokedAt: grant.revoked ? at(-1) : null,
        revokedByUserId: null, acknowledgedAt: null, acknowledgedByUserId: null, acknowledgedByApiKeyId: null,
      });
      for (const userId of recipientUserIds) await manager.getRepository(DisclosureGrantRecipient).insert({ id: newId(), grantId: grant.id, userId });
      grants.push(grant);
    }
    const boundaries = [
      ...advisories.flatMap((advisory) => (advisory.publishedAt ? [advisory.publishedAt] : [])),
      ...grants.flatMap((grant) => [grant.startsAt, ...(grant.endsAt ? [grant.endsAt] : [])]),
    ].slice(0, 3);
    const instants = [...spec.checkHours.map(at), ...boundaries];
    return {
      oracle: { advisories, grants },
      operators,
      instants,
      async cleanup() {
        const grantIds = grants.map((grant) => grant.id);
        if (grantIds.length > 0) {
          await manager.getRepository(DisclosureGrantRecipient).delete({ grantId: In(grantIds) });
          await manager.getRepository(DisclosureGrant).delete({ id: In(grantIds) });
        }
        await manager.getRepository(Advisory).delete({ id: In(advisories.map((advisory) => advisory.id)) });
        await manager.getRepository(Case).delete({ id: In(caseIds) });
      },
    };

    async function operatorOf(organizationId: string, name: string): Promise<Operator> {
      const user = await addUser(h, organizationId, `Operator ${name}`);
      return { organizationId, userId: user.id, authorization: user.authorization };
    }
  }

  async function check(world: BuiltWorld): Promise<void> {
    const advisoryQuery = `query($id: ID!) { advisory(id: $id) { ${ORACLE_FIELDS.join(' ')} } }`;
    const listQuery = '{ disclosureGrants(first: 100) { edges { node { id tlp sections advisory { id } } } } advisories(first: 100) { edges { node { id } } } }';
    const worldAdvisories = new Set(world.oracle.advisories.map((advisory) => advisory.id));
    for (const instant of world.instants) {
      h.clock.current = instant;
      for (const operator of world.operators) {
        const where = { at: instant.toISOString(), operator: operator.userId };
        const lists = await graphqlWith<{ disclosureGrants: { edges: { node: { id: string; tlp: string; sections: string[]; advisory: { id: string } } }[] }; advisories: { edges: { node: { id: string } }[] } }>(
          h, operator.authorization, listQuery,
        );
        expect({ ...where, errors: lists.errors }).toEqual({ ...where, errors: undefined });
        const grants = lists.data!.disclosureGrants.edges.map(({ node }) => node).sort((left, right) => left.id.localeCompare(right.id));
        const expectedGrantList = expectedGrants(world.oracle, operator, instant)
          .map((grant) => ({ id: grant.id, tlp: grant.tlp, sections: ORACLE_SECTIONS.filter((section) => grant.sections.includes(section)), advisory: { id: grant.advisoryId } }))
          .sort((left, right) => left.id.localeCompare(right.id));
        expect({ ...where, grants }).toEqual({ ...where, grants: expectedGrantList });

        const listed = lists.data!.advisories.edges.map(({ node }) => node.id).filter((id) => worldAdvisories.has(id)).sort();
        const expectedListed = world.oracle.advisories.filter((advisory) => expectedAdvisory(world.oracle, operator, instant, advisory.id)).map((advisory) => advisory.id).sort();
        expect({ ...where, listed }).toEqual({ ...where, listed: expectedListed });

        for (const advisory of world.oracle.advisories) {
          const expected = expectedAdvisory(world.oracle, operator, instant, advisory.id);
          const result = await graphqlWith<{ advisory: Record<OracleField, unknown> }>(h, operator.authorization, advisoryQuery, { id: advisory.id });
          const actual = expected === null ? errorCode(result) : result.data?.advisory;
          expect({ ...where, advisory: advisory.id, view: actual }).toEqual({ ...where, advisory: advisory.id, view: expected ?? 'NOT_FOUND' });
        }
      }
    }
  }

  it('shows every operator, at every instant, exactly what the oracle says', async () => {
    await fc.assert(
      fc.asyncProperty(worldArbitrary, async (spec) => {
        const world = await build(spec);
        try {
          await check(world);
        } finally {
          await world.cleanup();
        }
      }),
      { numRuns: 10 },
    );
  });
});
