import { DataSource, EntityManager } from 'typeorm';
import { seedAdvisoryPublicationDemo } from '../advisories/advisory-demo';
import { rebuildSearchTerms } from '../advisories/search-index';
import { Advisory, AdvisoryStatus } from '../advisories/advisory.entity';
import { advisorySeverity } from '../advisories/cvss';
import { Case, CaseState, CaseTransition, CaseVendor, CaseVendorStatus } from '../cases/case.entity';
import { VoteChoice } from '../committee/committee.entity';
import { newId } from '../common/columns';
import { ContactAttempt, ContactChannel, ContactOutcome } from '../contact/contact-attempt.entity';
import { seedDisclosureDemo } from '../disclosure/disclosure-demo';
import { Organization, OrganizationKind } from '../organizations/organization.entity';
import { User, UserRole } from '../organizations/user.entity';
import { seedUnreachableDemo } from '../unreachable/unreachable-demo';
import { ContactPoint, ContactPointKind, Product, Vendor } from '../vendors/vendor.entity';

const DAY = 24 * 60 * 60 * 1000;

/** The demo personas. Their e-mails name their role; `npm run token -- <email>` prints a token for any of them. */
export const DEMO_USERS = {
  coordinatorAdmin: 'coordinator@renraku.example',
  coordinatorStaff: 'coordinator-staff@renraku.example',
  receiver: 'receiver@renraku.example',
  receiverAdmin: 'receiver-admin@renraku.example',
  vendorAcmeAdmin: 'vendor-acme@renraku.example',
  vendorAcmeStaff: 'vendor-acme-staff@renraku.example',
  vendorGlobex: 'vendor-globex@renraku.example',
  operator: 'operator@renraku.example',
  committeeChair: 'committee-chair@renraku.example',
  committeeMember: 'committee-member@renraku.example',
  committeeMember2: 'committee-member2@renraku.example',
  finder: 'finder@renraku.example',
  finderAnonymous: 'finder-anonymous@renraku.example',
} as const;

export type DemoPersona = keyof typeof DEMO_USERS;

export interface DemoWorld {
  organizations: Record<'coordinator' | 'receiver' | 'acme' | 'globex' | 'initech' | 'operator' | 'committee', string>;
  vendors: Record<'acme' | 'globex' | 'initech', string>;
  users: Record<DemoPersona, string>;
  /** Case ids by their demo name. */
  cases: Record<string, string>;
  caseVendors: Record<string, string>;
  advisories: Record<string, string>;
  /** Early disclosures to the operator: coordinating (live now), coordinatingLater (RED, starts in 3 days), publishedExpired. */
  grants: Record<string, string>;
  /** The unreachable-vendor procedure on the silent vendor's case, by case name. */
  declarations: Record<string, string>;
  listings: Record<string, string>;
  referrals: Record<string, string>;
}

/** Seeds the demo world unless the database already has organizations. Returns whether it seeded. */
export async function seedDemoWorldIfEmpty(dataSource: DataSource, now: Date): Promise<boolean> {
  if ((await dataSource.getRepository(Organization).count()) > 0) return false;
  await seedDemoWorld(dataSource, now);
  return true;
}

export async function seedDemoWorld(dataSource: DataSource, now: Date): Promise<DemoWorld> {
  return dataSource.transaction(async (manager) => {
    const world = await new DemoWorldBuilder(manager, now).build();
    // The demo's rows are inserted directly, not through publishAdvisory: index what they publish.
    await rebuildSearchTerms(manager);
    return world;
  });
}

class DemoWorldBuilder {
  private readonly world: DemoWorld = { organizations: {} as DemoWorld['organizations'], vendors: {} as DemoWorld['vendors'], users: {} as DemoWorld['users'], cases: {}, caseVendors: {}, advisories: {}, grants: {}, declarations: {}, listings: {}, referrals: {} };

  constructor(private readonly manager: EntityManager, private readonly now: Date) {}

  private ago(days: number): Date {
    return new Date(this.now.getTime() - days * DAY);
  }

  async build(): Promise<DemoWorld> {
    const o = this.world.organizations;
    o.coordinator = await this.organization('Partnership Coordination Center', OrganizationKind.COORDINATOR);
    o.receiver = await this.organization('Vulnerability Report Intake', OrganizationKind.RECEIVER);
    o.operator = await this.organization('Kanto Water Works (ICS operator)', OrganizationKind.OPERATOR);
    o.committee = await this.organization('Publication Decision Committee', OrganizationKind.COMMITTEE);
    o.acme = await this.vendor('acme', 'Acme Networks', [['Acme Router RX', '1.0 - 2.3'], ['Acme Admin Portal', '5.x']], [[ContactPointKind.EMAIL, 'psirt@acme.example']]);
    o.globex = await this.vendor('globex', 'Globex Software', [['Globex CMS', '3.1']], [[ContactPointKind.WEB_FORM, 'https://globex.example/security']]);
    o.initech = await this.vendor('initech', 'Initech Industrial', [['Initech PLC Manager', '7.2']], [
      [ContactPointKind.EMAIL, 'info@initech.example'],
      [ContactPointKind.PHONE, '+81-3-0000-0000'],
      [ContactPointKind.POSTAL_ADDRESS, '1-2-3 Chiyoda, Tokyo'],
    ]);

    const u = this.world.users;
    u.coordinatorAdmin = await this.user(DEMO_USERS.coordinatorAdmin, 'Aiko Coordinator', o.coordinator, UserRole.ADMIN);
    u.coordinatorStaff = await this.user(DEMO_USERS.coordinatorStaff, 'Ken Coordinator', o.coordinator, UserRole.MEMBER);
    u.receiver = await this.user(DEMO_USERS.receiver, 'Rin Receiver', o.receiver, UserRole.MEMBER);
    u.receiverAdmin = await this.user(DEMO_USERS.receiverAdmin, 'Rei Receiver Admin', o.receiver, UserRole.ADMIN);
    u.vendorAcmeAdmin = await this.user(DEMO_USERS.vendorAcmeAdmin, 'Alice Acme PSIRT', o.acme, UserRole.ADMIN);
    u.vendorAcmeStaff = await this.user(DEMO_USERS.vendorAcmeStaff, 'Andy Acme Engineer', o.acme, UserRole.MEMBER);
    u.vendorGlobex = await this.user(DEMO_USERS.vendorGlobex, 'Gina Globex PSIRT', o.globex, UserRole.ADMIN);
    u.operator = await this.user(DEMO_USERS.operator, 'Oscar Operator', o.operator, UserRole.ADMIN);
    u.committeeChair = await this.user(DEMO_USERS.committeeChair, 'Chie Committee Chair', o.committee, UserRole.ADMIN);
    u.committeeMember = await this.user(DEMO_USERS.committeeMember, 'Mio Committee Member', o.committee, UserRole.MEMBER);
    u.committeeMember2 = await this.user(DEMO_USERS.committeeMember2, 'Masa Committee Member', o.committee, UserRole.MEMBER);
    u.finder = await this.user(DEMO_USERS.finder, 'Fumi Finder', null, UserRole.MEMBER);
    u.finderAnonymous = await this.user(DEMO_USERS.finderAnonymous, 'Fuyu Private Finder', null, UserRole.MEMBER);

    const v = this.world.vendors;
    await this.report('received', CaseState.RECEIVED, 'Stored XSS in Globex CMS comments', u.finder, true, 2, []);
    await this.report('analysis', CaseState.UNDER_ANALYSIS, 'Authentication bypass in Acme Admin Portal', u.finderAnonymous, false, 10, []);
    await this.report('handedOver', CaseState.HANDED_OVER, 'Path traversal in Globex CMS uploads', u.finder, true, 20, []);
    await this.report('vendorContact', CaseState.VENDOR_CONTACT, 'Command injection in Acme Router RX diagnostics', u.finder, true, 40, [
      [v.acme, CaseVendorStatus.NOTIFIED],
      [v.globex, CaseVendorStatus.UNNOTIFIED],
    ]);
    await this.report('coordinating', CaseState.COORDINATING, 'Hard-coded credentials in Acme Router RX', u.finderAnonymous, false, 80, [
      [v.acme, CaseVendorStatus.ACKNOWLEDGED],
      [v.globex, CaseVendorStatus.NOT_AFFECTED],
    ]);
    await this.report('published', CaseState.PUBLISHED, 'CSRF in Acme Admin Portal settings', u.finder, true, 200, [[v.acme, CaseVendorStatus.FIX_AVAILABLE]]);
    await this.report('closed', CaseState.CLOSED, 'Open redirect in Globex CMS login', u.finder, true, 400, [[v.globex, CaseVendorStatus.FIX_AVAILABLE]]);
    await this.report('rejected', CaseState.REJECTED, 'Not a vulnerability: verbose banner', u.finder, true, 30, []);
    await this.report('withdrawn', CaseState.WITHDRAWN, 'Duplicate report withdrawn by finder', u.finderAnonymous, false, 25, []);
    await this.report('silentVendor', CaseState.VENDOR_CONTACT, 'Unauthenticated firmware upload in Initech PLC Manager', u.finder, true, 150, [[v.initech, CaseVendorStatus.UNNOTIFIED]]);

    await this.attempts('vendorContact', v.acme, [[ContactChannel.EMAIL, 'psirt@acme.example', 30, ContactOutcome.REPLIED]]);
    await this.attempts('coordinating', v.acme, [[ContactChannel.EMAIL, 'psirt@acme.example', 70, ContactOutcome.REPLIED]]);
    await this.attempts('silentVendor', v.initech, [
      [ContactChannel.EMAIL, 'info@initech.example', 140, ContactOutcome.NO_RESPONSE],
      [ContactChannel.EMAIL, 'info@initech.example', 130, ContactOutcome.DELIVERED_NO_REPLY],
      [ContactChannel.PHONE, '+81-3-0000-0000', 120, ContactOutcome.NO_RESPONSE],
      [ContactChannel.POSTAL_MAIL, '1-2-3 Chiyoda, Tokyo', 110, ContactOutcome.NO_RESPONSE],
      [ContactChannel.FAX, '+81-3-0000-0001', 100, ContactOutcome.BOUNCED],
    ]);

    await this.advisory('coordinating', AdvisoryStatus.DRAFT, null, null);
    await this.advisory('published', AdvisoryStatus.PUBLISHED, 'JVN#00000001', this.ago(150));
    await this.advisory('closed', AdvisoryStatus.PUBLISHED, 'JVN#00000002', this.ago(350));
    await this.manager.createQueryBuilder().insert().into('advisory_sequence').values({ prefix: 'JVN#', lastValue: 2 }).execute();
    await seedAdvisoryPublicationDemo(this.manager, {
      publishedAdvisoryId: this.world.advisories.published,
      closedAdvisoryId: this.world.advisories.closed,
      draftAdvisoryId: this.world.advisories.coordinating,
      vendors: { acme: v.acme, globex: v.globex },
      users: { finder: u.finder, receiver: u.receiver, vendorAcmeStaff: u.vendorAcmeStaff },
      ago: (days) => this.ago(days),
    });
    this.world.grants = await seedDisclosureDemo(this.manager, {
      draftAdvisoryId: this.world.advisories.coordinating,
      publishedAdvisoryId: this.world.advisories.published,
      operatorOrganizationId: o.operator,
      operatorUserId: u.operator,
      coordinatorUserId: u.coordinatorStaff,
      coordinatorName: 'Ken Coordinator',
      coordinatorOrganizationId: o.coordinator,
      now: this.now,
      ago: (days) => this.ago(days),
    });
    const silent = await seedUnreachableDemo(this.manager, {
      caseId: this.world.cases.silentVendor,
      caseVendorId: this.world.caseVendors[`silentVendor:${v.initech}`],
      vendorId: v.initech,
      coordinatorUserId: u.coordinatorStaff,
      voters: [
        { userId: u.committeeChair, choice: VoteChoice.APPROVE, reasons: 'Exposure is real and the proof of concept is already public.', daysAgo: 3 },
        { userId: u.committeeMember, choice: VoteChoice.REJECT, reasons: 'One more attempt through the industry association first.', daysAgo: 2 },
      ],
      ago: (days) => this.ago(days),
    });
    this.world.declarations.silentVendor = silent.declaration;
    this.world.listings.silentVendor = silent.listing;
    this.world.referrals.silentVendor = silent.referral;
    return this.world;
  }

  private async organization(name: string, kind: OrganizationKind): Promise<string> {
    const id = newId();
    await this.manager.getRepository(Organization).insert({ id, name, kind, createdAt: this.ago(500) });
    return id;
  }

  private async vendor(key: 'acme' | 'globex' | 'initech', name: string, products: [string, string][], contacts: [ContactPointKind, string][]): Promise<string> {
    const organizationId = await this.organization(name, OrganizationKind.VENDOR);
    const id = newId();
    await this.manager.getRepository(Vendor).insert({ id, organizationId, name, website: `https://${key}.example`, createdAt: this.ago(500) });
    for (const [productName, versions] of products) await this.manager.getRepository(Product).insert({ id: newId(), vendorId: id, name: productName, versions });
    for (const [kind, value] of contacts) await this.manager.getRepository(ContactPoint).insert({ id: newId(), vendorId: id, kind, value, note: null });
    this.world.vendors[key] = id;
    return organizationId;
  }

  private async user(email: string, displayName: string, organizationId: string | null, role: UserRole): Promise<string> {
    const id = newId();
    await this.manager.getRepository(User).insert({ id, email, displayName, organizationId, role, active: true, createdAt: this.ago(400) });
    return id;
  }

  private async report(name: string, state: CaseState, title: string, finderUserId: string, consent: boolean, daysAgo: number, vendors: [string, CaseVendorStatus][]): Promise<void> {
    const id = newId();
    const finder = await this.manager.getRepository(User).findOneByOrFail({ id: finderUserId });
    await this.manager.getRepository(Case).insert({
      id,
      reference: `RNK-DEMO-${String(Object.keys(this.world.cases).length + 1).padStart(4, '0')}`,
      title,
      description: `Demo report: ${title}. Steps to reproduce are in the attached proof of concept.`,
      affectedProducts: title.split(' in ')[1] ?? 'unknown',
      finderUserId,
      finderName: finder.displayName,
      finderConsentToName: consent,
      receivedAt: this.ago(daysAgo),
      registeredByOrgId: this.world.organizations.receiver,
      state,
      overseasCoordination: false,
      cvssV3Vector: state === CaseState.RECEIVED ? null : 'CVSS:3.1/AV:N/AC:L/PR:N/UI:R/S:U/C:H/I:H/A:N',
      cvssV4Vector: null,
      cweId: state === CaseState.RECEIVED ? null : 'CWE-79',
      analysisNotes: state === CaseState.RECEIVED ? null : 'Reproduced on the latest release.',
      coordinatorNotes: 'Internal: finder prefers e-mail in English.',
      updatedAt: this.ago(Math.max(daysAgo - 1, 0)),
    });
    await this.manager.getRepository(CaseTransition).insert({ id: newId(), caseId: id, fromState: null, toState: CaseState.RECEIVED, actorUserId: finderUserId, actorName: finder.displayName, reason: 'Report received', at: this.ago(daysAgo) });
    if (state !== CaseState.RECEIVED) {
      await this.manager.getRepository(CaseTransition).insert({ id: newId(), caseId: id, fromState: CaseState.RECEIVED, toState: state, actorUserId: null, actorName: 'Demo seed', reason: 'Demo world', at: this.ago(daysAgo - 1) });
    }
    this.world.cases[name] = id;
    for (const [vendorId, status] of vendors) {
      const caseVendorId = newId();
      await this.manager.getRepository(CaseVendor).insert({
        id: caseVendorId,
        caseId: id,
        vendorId,
        status,
        statement: status === CaseVendorStatus.UNNOTIFIED ? null : `Statement of vendor on "${title}".`,
        notifiedAt: status === CaseVendorStatus.UNNOTIFIED ? null : this.ago(daysAgo - 5),
        updatedAt: this.ago(daysAgo - 5),
      });
      this.world.caseVendors[`${name}:${vendorId}`] = caseVendorId;
    }
  }

  private async attempts(caseName: string, vendorId: string, attempts: [ContactChannel, string, number, ContactOutcome][]): Promise<void> {
    const caseId = this.world.cases[caseName];
    const caseVendorId = this.world.caseVendors[`${caseName}:${vendorId}`];
    for (const [channel, address, daysAgo, outcome] of attempts) {
      await this.manager.getRepository(ContactAttempt).insert({
        id: newId(), caseVendorId, caseId, channel, address, attemptedAt: this.ago(daysAgo), recordedByUserId: this.world.users.coordinatorStaff,
        outcome, notes: 'Internal: tried the address from the product manual.', correctsAttemptId: null, createdAt: this.ago(daysAgo),
      });
    }
  }

  private async advisory(caseName: string, status: AdvisoryStatus, identifier: string | null, publishedAt: Date | null): Promise<void> {
    const owner = await this.manager.getRepository(Case).findOneByOrFail({ id: this.world.cases[caseName] });
    const id = newId();
    await this.manager.getRepository(Advisory).insert({
      id, caseId: owner.id, identifier, title: owner.title, overview: `${owner.title}.`, affectedProducts: owner.affectedProducts,
      impact: 'A remote attacker may execute arbitrary actions.', solution: 'Update to the fixed version.', vendorStatements: 'Acme: fixed in 2.4. Globex: not affected.',
      cvssV3Vector: owner.cvssV3Vector, cvssV4Vector: null, severity: advisorySeverity(owner.cvssV3Vector, null), cweId: owner.cweId, cveIds: status === AdvisoryStatus.PUBLISHED ? [`CVE-2026-${10000 + Object.keys(this.world.advisories).length}`] : [],
      status, publishedAt, unableToCoordinate: false, coordinatorVerification: null, internalNotes: 'Internal: check wording with legal.',
      createdAt: this.ago(60), updatedAt: this.ago(59),
    });
    this.world.advisories[caseName] = id;
  }
}
