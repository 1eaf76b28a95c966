import 'reflect-metadata';
import { randomUUID } from 'node:crypto';
import mysql, { Connection } from 'mysql2/promise';
import { advisorySeverity } from '../src/advisories/cvss';
import { rebuildSearchTerms, SEARCH_TERM_TABLE } from '../src/advisories/search-index';
import { openDatabase } from '../src/app';
import { loadConfig } from '../src/config/config';
import { BENCH_USERS, benchDatabaseUrl, parseFlags, splitDatabaseUrl } from './options';

/**
 * `npm run seed:scale -- --cases N`: a national-scale dataset in MySQL/MariaDB. The schema comes from the app's own
 * migrations; the rows go in as multi-row INSERTs over one connection, because the ORM's per-entity inserts would
 * take hours at a million cases. The database named by DATABASE_URL is dropped and recreated.
 */

const DAY = 86_400_000;
const HISTORY_DAYS = 15 * 365;
const INSERT_BATCH_ROWS = 2_000;

/**
 * The published figures of the partnership: of 1,788 reports, 170 vendors unreachable, 152 listed, 21 reached after
 * listing, 131 silent. The dataset keeps the unreachable and reached proportions.
 */
const REPORTS_HANDLED = 1788;
const UNREACHABLE = 170;
const LISTED = 152;
const REACHED_AFTER_LISTING = 21;

export interface ScalePlan {
  cases: number;
  vendors: number;
  contactAttempts: number;
  advisories: number;
  grants: number;
  operators: number;
  finders: number;
  unreachableVendorsOnCases: number;
}

export function planFor(cases: number): ScalePlan {
  return {
    cases,
    vendors: Math.max(20, Math.round(cases / 20)),
    contactAttempts: cases * 5,
    advisories: Math.round(cases / 5),
    grants: Math.round(cases / 20),
    operators: Math.max(5, Math.round(cases / 2_000)),
    finders: Math.max(10, Math.round(cases / 10)),
    unreachableVendorsOnCases: Math.round((cases * UNREACHABLE) / REPORTS_HANDLED),
  };
}

export interface SeedReport {
  plan: ScalePlan;
  rows: Record<string, number>;
  seconds: number;
}

const VULNERABILITIES: [string, string][] = [
  ['Cross-site scripting', 'CWE-79'],
  ['SQL injection', 'CWE-89'],
  ['OS command injection', 'CWE-78'],
  ['Path traversal', 'CWE-22'],
  ['Cross-site request forgery', 'CWE-352'],
  ['Improper authentication', 'CWE-287'],
  ['Use of hard-coded credentials', 'CWE-798'],
  ['Stack-based buffer overflow', 'CWE-121'],
  ['Missing authorization', 'CWE-862'],
  ['Use of a broken cryptographic algorithm', 'CWE-327'],
  ['Unrestricted upload of dangerous files', 'CWE-434'],
  ['XML external entity reference', 'CWE-611'],
];
const NAME_PARTS = ['Aoba', 'Kumo', 'Sakura', 'Hikari', 'Tsubasa', 'Midori', 'Kaze', 'Yama', 'Umi', 'Hoshi', 'Nami', 'Sora', 'Tani', 'Mori', 'Kawa', 'Ishi'];
const NAME_KINDS = ['Systems', 'Networks', 'Software', 'Industrial', 'Electric', 'Solutions', 'Labs', 'Devices'];
const PRODUCT_KINDS = ['Router', 'Camera', 'CMS', 'PLC Manager', 'Web Console', 'VPN Gateway', 'Mail Server', 'HMI Panel', 'NAS', 'Printer'];
const CHANNELS = ['EMAIL', 'WEB_FORM', 'PHONE', 'POSTAL_MAIL', 'FAX'];
const CVSS_V3 = [
  'CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H',
  'CVSS:3.1/AV:N/AC:L/PR:N/UI:R/S:C/C:L/I:L/A:N',
  'CVSS:3.1/AV:N/AC:L/PR:L/UI:N/S:U/C:H/I:N/A:N',
  'CVSS:3.1/AV:A/AC:H/PR:N/UI:N/S:U/C:L/I:L/A:L',
];
/** What a vendor's status on the case says on the published advisory (as the advisory-publication migration maps it). */
const VERIFICATION_BY_STATUS: Record<string, string> = {
  AFFECTED: 'VULNERABLE',
  FIX_AVAILABLE: 'VULNERABLE',
  NOT_AFFECTED: 'NOT_VULNERABLE',
  ACKNOWLEDGED: 'UNDER_INVESTIGATION',
  INVESTIGATING: 'UNDER_INVESTIGATION',
};
const REFERENCE_ALPHABET = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';
const REFERENCE_SPACE = 32 ** 8;

/** A small seeded generator, so the same N always gives the same dataset. */
function mulberry32(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Distinct references that do not follow the insertion order (an odd multiplier permutes 32^8). */
function referenceFor(index: number): string {
  let value = Number((BigInt(index + 1) * 2_654_435_761n) % BigInt(REFERENCE_SPACE));
  const chars: string[] = [];
  for (let position = 0; position < 8; position++) {
    chars.push(REFERENCE_ALPHABET[value % 32]);
    value = Math.floor(value / 32);
  }
  return `RNK-${chars.slice(0, 4).join('')}-${chars.slice(4).join('')}`;
}

class BatchInserter {
  private rows: unknown[][] = [];
  inserted = 0;

  constructor(private readonly connection: Connection, readonly table: string, private readonly columns: string[]) {}

  get pending(): number {
    return this.rows.length;
  }

  async push(row: unknown[]): Promise<void> {
    this.rows.push(row);
    if (this.rows.length >= INSERT_BATCH_ROWS) await this.flush();
  }

  async flush(): Promise<void> {
    if (this.rows.length === 0) return;
    const rows = this.rows;
    this.rows = [];
    await this.connection.query(`INSERT INTO \`${this.table}\` (${this.columns.map((column) => `\`${column}\``).join(', ')}) VALUES ?`, [rows]);
    this.inserted += rows.length;
  }
}

async function recreateDatabase(url: string): Promise<void> {
  const { serverUrl, database } = splitDatabaseUrl(url);
  const admin = await mysql.createConnection(serverUrl);
  try {
    await admin.query(`DROP DATABASE IF EXISTS \`${database}\``);
    await admin.query(`CREATE DATABASE \`${database}\` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci`);
  } finally {
    await admin.end();
  }
}

async function migrate(url: string): Promise<void> {
  const dataSource = await openDatabase(loadConfig({ NODE_ENV: 'development', DATABASE_URL: url, SEED_DEMO: 'false' }));
  await dataSource.destroy();
}

export async function seedScale(url: string, cases: number, log: (message: string) => void = console.log): Promise<SeedReport> {
  const started = Date.now();
  const plan = planFor(cases);
  const random = mulberry32(cases);
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)];
  const now = Date.now();

  await recreateDatabase(url);
  await migrate(url);
  const connection = await mysql.createConnection({ uri: url, timezone: 'Z', charset: 'utf8mb4_unicode_ci' });
  await connection.query('SET SESSION foreign_key_checks = 0, unique_checks = 0');

  const tables = {
    organization: new BatchInserter(connection, 'organization', ['id', 'name', 'kind', 'createdAt']),
    user: new BatchInserter(connection, 'user', ['id', 'email', 'displayName', 'organizationId', 'role', 'active', 'createdAt']),
    vendor: new BatchInserter(connection, 'vendor', ['id', 'organizationId', 'name', 'website', 'createdAt']),
    product: new BatchInserter(connection, 'product', ['id', 'vendorId', 'name', 'versions']),
    contactPoint: new BatchInserter(connection, 'vendor_contact_point', ['id', 'vendorId', 'kind', 'value', 'note']),
    caseFile: new BatchInserter(connection, 'case_file', [
      'id', 'reference', 'title', 'description', 'affectedProducts', 'finderUserId', 'finderName', 'finderConsentToName', 'receivedAt',
      'registeredByOrgId', 'state', 'overseasCoordination', 'cvssV3Vector', 'cvssV4Vector', 'cweId', 'analysisNotes', 'coordinatorNotes', 'updatedAt',
    ]),
    caseVendor: new BatchInserter(connection, 'case_vendor', ['id', 'caseId', 'vendorId', 'status', 'statement', 'notifiedAt', 'updatedAt']),
    attempt: new BatchInserter(connection, 'contact_attempt', [
      'id', 'caseVendorId', 'caseId', 'channel', 'address', 'attemptedAt', 'recordedByUserId', 'outcome', 'notes', 'correctsAttemptId', 'createdAt',
    ]),
    advisory: new BatchInserter(connection, 'advisory', [
      'id', 'caseId', 'identifier', 'title', 'overview', 'affectedProducts', 'impact', 'solution', 'workarounds', 'vendorStatements', 'cvssV3Vector',
      'cvssV4Vector', 'cweId', 'cveIds', 'severity', 'status', 'publishedAt', 'revision', 'revisedAt', 'unableToCoordinate', 'coordinatorVerification',
      'internalNotes', 'createdAt', 'updatedAt',
    ]),
    revision: new BatchInserter(connection, 'advisory_revision', ['id', 'advisoryId', 'number', 'releasedAt', 'summary', 'actorUserId']),
    vendorStatus: new BatchInserter(connection, 'advisory_vendor_status', [
      'id', 'advisoryId', 'vendorId', 'vendorName', 'responseStatus', 'verificationResult', 'statement', 'recordedAt',
    ]),
    advisoryProduct: new BatchInserter(connection, 'advisory_product', ['id', 'advisoryId', 'vendorId', 'vendorName', 'name', 'versions', 'position']),
    grant: new BatchInserter(connection, 'disclosure_grant', [
      'id', 'advisoryId', 'organizationId', 'tlp', 'shareOverview', 'shareAffectedProducts', 'shareImpact', 'shareMitigations', 'shareTechnicalDetails',
      'shareCvss', 'startsAt', 'endsAt', 'reason', 'createdByUserId', 'createdAt', 'updatedAt', 'revokedAt', 'revokedByUserId', 'acknowledgedAt',
      'acknowledgedByUserId', 'acknowledgedByApiKeyId',
    ]),
    grantRecipient: new BatchInserter(connection, 'disclosure_grant_recipient', ['id', 'grantId', 'userId']),
    declaration: new BatchInserter(connection, 'unreachable_declaration', [
      'id', 'caseId', 'caseVendorId', 'vendorId', 'vendorName', 'status', 'reason', 'attemptCount', 'channelCount', 'firstAttemptAt', 'lastAttemptAt',
      'declaredAt', 'declaredByUserId', 'contactEstablishedAt', 'contactAttemptId', 'updatedAt',
    ]),
    listing: new BatchInserter(connection, 'unreachable_listing', [
      'id', 'declarationId', 'caseId', 'caseReference', 'vendorName', 'stageOnePublishedAt', 'productName', 'productVersions', 'stageTwoPublishedAt',
      'contactEstablishedAt', 'withdrawn', 'createdAt', 'updatedAt',
    ]),
  };
  const longAgo = new Date(now - (HISTORY_DAYS + 30) * DAY);

  async function organization(name: string, kind: string): Promise<string> {
    const id = randomUUID();
    await tables.organization.push([id, name, kind, longAgo]);
    return id;
  }
  async function user(email: string, displayName: string, organizationId: string | null, role: 'ADMIN' | 'MEMBER'): Promise<string> {
    const id = randomUUID();
    await tables.user.push([id, email, displayName, organizationId, role, true, longAgo]);
    return id;
  }

  const coordinatorOrg = await organization('Partnership Coordination Center', 'COORDINATOR');
  const receiverOrg = await organization('Vulnerability Report Intake', 'RECEIVER');
  const committeeOrg = await organization('Publication Decision Committee', 'COMMITTEE');
  await user(BENCH_USERS.coordinator, 'Aiko Coordinator', coordinatorOrg, 'ADMIN');
  const staff: string[] = [];
  for (let index = 0; index < 20; index++) staff.push(await user(`staff-${index}@coordinator.example`, `Coordinator Staff ${index}`, coordinatorOrg, 'MEMBER'));
  await user('receiver@renraku.example', 'Rin Receiver', receiverOrg, 'MEMBER');
  for (let index = 0; index < 5; index++) await user(`member-${index}@committee.example`, `Committee Member ${index}`, committeeOrg, index === 0 ? 'ADMIN' : 'MEMBER');
  const operators: { organizationId: string; userId: string }[] = [];
  for (let index = 0; index < plan.operators; index++) {
    const organizationId = await organization(`${pick(NAME_PARTS)} Water Works ${index}`, 'OPERATOR');
    const userId = await user(index === 0 ? BENCH_USERS.operator : `operator-${index}@operators.example`, `Operator ${index}`, organizationId, 'ADMIN');
    operators.push({ organizationId, userId });
  }

  const vendors: { id: string; name: string; products: string[] }[] = [];
  for (let index = 0; index < plan.vendors; index++) {
    const number = String(index).padStart(5, '0');
    const name = `${pick(NAME_PARTS)}${pick(NAME_PARTS).toLowerCase()} ${pick(NAME_KINDS)} ${number}`;
    const organizationId = await organization(name, 'VENDOR');
    const id = randomUUID();
    await tables.vendor.push([id, organizationId, name, `https://vendor-${number}.example`, longAgo]);
    await user(`psirt@vendor-${number}.example`, `${name} PSIRT`, organizationId, 'ADMIN');
    const products: string[] = [];
    for (let product = 0, count = 1 + Math.floor(random() * 3); product < count; product++) {
      const productName = `${name.split(' ')[0]} ${pick(PRODUCT_KINDS)} ${String.fromCharCode(65 + product)}${1 + Math.floor(random() * 9)}`;
      products.push(productName);
      await tables.product.push([randomUUID(), id, productName, `${1 + Math.floor(random() * 5)}.0 - ${6 + Math.floor(random() * 4)}.2`]);
    }
    await tables.contactPoint.push([randomUUID(), id, 'EMAIL', `psirt@vendor-${number}.example`, null]);
    if (random() < 0.5) await tables.contactPoint.push([randomUUID(), id, 'PHONE', `+81-3-${number.slice(0, 4)}-${number.slice(1)}`, null]);
    vendors.push({ id, name, products });
  }
  const finders: string[] = [];
  for (let index = 0; index < plan.finders; index++) finders.push(await user(`finder-${index}@finders.example`, `Finder ${index}`, null, 'MEMBER'));
  for (const table of Object.values(tables)) await table.flush();
  log(`seed:scale: ${plan.vendors} vendors, ${plan.operators} operators, ${plan.finders} finders (${((Date.now() - started) / 1000).toFixed(1)} s)`);

  /** Popular vendors appear on many cases (index 0 most), as in any national dataset. */
  const popularVendor = () => vendors[Math.floor(plan.vendors * random() ** 2)];
  /** The unreachable ones are small vendors from the tail. */
  const obscureVendor = () => vendors[plan.vendors - 1 - Math.floor(random() * Math.max(1, Math.floor(plan.vendors / 3)))];

  const unreachableRate = plan.unreachableVendorsOnCases / cases;
  let unreachableSeen = 0;
  let linksSoFar = 0;
  /** Attempts per ordinary vendor link, recomputed as the dataset grows so the total lands near the plan. */
  const attemptsPerLink = (index: number): number => {
    const linksPerCase = index > 100 ? linksSoFar / index : 1.25;
    const remainingLinks = Math.max(1, (cases - index) * linksPerCase);
    const remainingUnreachable = Math.max(0, plan.unreachableVendorsOnCases - unreachableSeen) * 6.6;
    return Math.max(1, (plan.contactAttempts - tables.attempt.inserted - tables.attempt.pending - remainingUnreachable) / remainingLinks);
  };
  const advisoryIds = { domestic: 0, overseas: 0 };

  /** Records `count` attempts spread over up to 120 days from `from`; the last one is the reply when `replied`. */
  async function attempts(caseId: string, caseVendorId: string, vendorNumber: string, from: number, count: number, replied: boolean) {
    const span = Math.max(1, Math.min(now - from, 120 * DAY));
    const recorded: { id: string; at: Date; channel: string }[] = [];
    for (let index = 0; index < count; index++) {
      const channel = index < 2 ? CHANNELS[index] : pick(CHANNELS);
      const at = new Date(Math.min(now - 60_000, from + ((index + 1) / (count + 1)) * span));
      const outcome = replied && index === count - 1 ? 'REPLIED' : pick(['NO_RESPONSE', 'DELIVERED_NO_REPLY', 'BOUNCED']);
      const address = channel === 'EMAIL' || channel === 'WEB_FORM' ? `psirt@vendor-${vendorNumber}.example` : `+81-3-${vendorNumber}`;
      const id = randomUUID();
      await tables.attempt.push([id, caseVendorId, caseId, channel, address, at, pick(staff), outcome, 'Internal: attempt recorded by staff.', null, at]);
      recorded.push({ id, at, channel });
    }
    return recorded;
  }

  /** The declaration and, for most, the public listing of a vendor that could not be reached on a case. */
  async function declareUnreachable(caseId: string, reference: string, caseVendorId: string, vendor: { id: string; name: string; products: string[] }, tried: { id: string; at: Date; channel: string }[], reached: boolean) {
    const silent = reached ? tried.slice(0, -1) : tried;
    const declaredAt = new Date(Math.min(now - DAY, silent[silent.length - 1].at.getTime() + DAY));
    const contactAt = reached ? tried[tried.length - 1].at : null;
    const declarationId = randomUUID();
    await tables.declaration.push([
      declarationId, caseId, caseVendorId, vendor.id, vendor.name, reached ? 'CONTACT_ESTABLISHED' : 'UNREACHABLE', 'Every channel tried without a reply.',
      silent.length, new Set(silent.map((attempt) => attempt.channel)).size, silent[0].at, silent[silent.length - 1].at, declaredAt, pick(staff),
      contactAt, reached ? tried[tried.length - 1].id : null, contactAt ?? declaredAt,
    ]);
    // Of the published figures, 152 of 170 unreachable vendors were listed, and everyone reached after listing was listed.
    if (!reached && random() >= (LISTED - REACHED_AFTER_LISTING) / (UNREACHABLE - REACHED_AFTER_LISTING)) return;
    const stageOne = new Date(Math.min(now - DAY, declaredAt.getTime() + 7 * DAY));
    const stageTwo = stageOne.getTime() + 90 * DAY < now ? new Date(stageOne.getTime() + 90 * DAY) : null;
    await tables.listing.push([
      randomUUID(), declarationId, caseId, reference, vendor.name, stageOne, stageTwo ? vendor.products[0] : null, stageTwo ? '1.0 - 9.2' : null, stageTwo,
      contactAt, false, stageOne, contactAt ?? stageTwo ?? stageOne,
    ]);
  }

  /** Advisories not public yet: what the grants are drawn from. */
  const embargoed: string[] = [];
  for (let index = 0; index < cases; index++) {
    const id = randomUUID();
    const reference = referenceFor(index);
    const ageDays = HISTORY_DAYS * (1 - (index + random()) / cases);
    const receivedAt = now - ageDays * DAY;
    const roll = random();
    let state: string;
    if (ageDays < 14) state = roll < 0.5 ? 'RECEIVED' : 'UNDER_ANALYSIS';
    else if (ageDays < 30) state = roll < 0.3 ? 'HANDED_OVER' : 'VENDOR_CONTACT';
    else if (ageDays < 365) state = roll < 0.3 ? 'VENDOR_CONTACT' : roll < 0.8 ? 'COORDINATING' : 'PUBLISHED';
    else state = roll < 0.72 ? 'CLOSED' : roll < 0.92 ? 'PUBLISHED' : roll < 0.97 ? 'REJECTED' : 'WITHDRAWN';
    const [vulnerability, cweId] = pick(VULNERABILITIES);
    const vendor = popularVendor();
    const product = pick(vendor.products);
    const title = `${vulnerability} in ${product}`;
    const finderUserId = random() < 0.5 ? pick(finders) : null;
    const analysed = state !== 'RECEIVED';
    const cvss = analysed ? pick(CVSS_V3) : null;
    const overseas = random() < 0.1;
    await tables.caseFile.push([
      id, reference, title, `${title}. A remote attacker may exploit this issue; steps to reproduce and a proof of concept are attached.`,
      product, finderUserId, finderUserId ? null : `Reporter ${index}`, random() < 0.6, new Date(receivedAt), receiverOrg, state, overseas,
      cvss, null, analysed ? cweId : null, analysed ? 'Reproduced on the latest release.' : null, 'Internal: coordinator notes.', new Date(Math.min(now, receivedAt + 30 * DAY)),
    ]);

    let unableToCoordinate = false;
    const notifiedVendors: { vendor: (typeof vendors)[number]; status: string }[] = [];
    if (['VENDOR_CONTACT', 'COORDINATING', 'PUBLISHED', 'CLOSED'].includes(state)) {
      const linked = new Set<string>();
      const linkCount = roll < 0.7 ? 1 : roll < 0.9 ? 2 : 3;
      for (let link = 0; link < linkCount; link++) {
        const linkedVendor = link === 0 ? vendor : popularVendor();
        if (linked.has(linkedVendor.id)) continue;
        linked.add(linkedVendor.id);
        const status = statusFor(state, random());
        const caseVendorId = randomUUID();
        const notified = status !== 'UNNOTIFIED';
        if (notified) notifiedVendors.push({ vendor: linkedVendor, status });
        await tables.caseVendor.push([caseVendorId, id, linkedVendor.id, status, notified ? `Statement of ${linkedVendor.name}.` : null, notified ? new Date(receivedAt + 3 * DAY) : null, new Date(receivedAt + 3 * DAY)]);
        linksSoFar++;
        const rate = attemptsPerLink(index);
        const count = Math.max(1, Math.floor(rate) + (random() < rate % 1 ? 1 : 0));
        await attempts(id, caseVendorId, vendorNumberOf(linkedVendor.name), receivedAt + DAY, count, notified);
      }
      if (random() < unreachableRate * (1 / 0.93) && unreachableSeen < plan.unreachableVendorsOnCases) {
        const silent = obscureVendor();
        if (!linked.has(silent.id)) {
          unreachableSeen++;
          const reached = random() < REACHED_AFTER_LISTING / UNREACHABLE;
          const caseVendorId = randomUUID();
          await tables.caseVendor.push([caseVendorId, id, silent.id, reached ? 'NOTIFIED' : 'UNNOTIFIED', null, reached ? new Date(Math.min(now, receivedAt + 150 * DAY)) : null, new Date(receivedAt + 3 * DAY)]);
          const tried = await attempts(id, caseVendorId, vendorNumberOf(silent.name), receivedAt + DAY, 5 + Math.floor(random() * 3) + (reached ? 1 : 0), reached);
          await declareUnreachable(id, reference, caseVendorId, silent, tried, reached);
          unableToCoordinate = !reached && state === 'PUBLISHED';
        }
      }
    }

    const draft = state === 'COORDINATING' && random() < 0.5;
    if (state === 'PUBLISHED' || draft) {
      const advisoryId = randomUUID();
      const scheduled = !draft && ageDays < 365 && random() < 0.1;
      const publishedAt = draft ? null : scheduled ? new Date(now + (1 + random() * 30) * DAY) : new Date(Math.min(now - DAY, receivedAt + (60 + random() * 140) * DAY));
      const identifier = draft ? null : overseas ? `JVNVU#${String(++advisoryIds.overseas).padStart(8, '0')}` : `JVN#${String(++advisoryIds.domestic).padStart(8, '0')}`;
      const year = new Date(receivedAt).getUTCFullYear();
      await tables.advisory.push([
        advisoryId, id, identifier, title, `${title}.`, product, 'A remote attacker may execute arbitrary code or read data.', 'Update to the latest version.',
        'Restrict access to the management interface.', `${vendor.name}: fixed in the latest version.`, cvss, null, cweId,
        JSON.stringify(draft ? [] : [`CVE-${year}-${String(10000 + index).slice(-5)}`]), cvss ? advisorySeverity(cvss, null) : null, draft ? 'DRAFT' : 'PUBLISHED',
        publishedAt, draft ? 0 : 1, publishedAt, unableToCoordinate, unableToCoordinate ? 'The coordinator reproduced the issue on the product.' : null,
        'Internal: check wording.', new Date(receivedAt + 30 * DAY), new Date(receivedAt + 31 * DAY),
      ]);
      if (publishedAt) {
        await tables.revision.push([randomUUID(), advisoryId, 1, publishedAt, 'Initial release', null]);
        await tables.advisoryProduct.push([randomUUID(), advisoryId, vendor.id, vendor.name, product, '1.0 - 9.2', 0]);
        for (const { vendor: notified, status } of notifiedVendors) {
          await tables.vendorStatus.push([randomUUID(), advisoryId, notified.id, notified.name, status, VERIFICATION_BY_STATUS[status] ?? 'UNKNOWN', `Statement of ${notified.name}.`, publishedAt]);
        }
      }
      if (draft || scheduled) embargoed.push(advisoryId);
    }
    if (index % 50_000 === 49_999) log(`seed:scale: ${index + 1} cases (${((Date.now() - started) / 1000).toFixed(1)} s)`);
  }

  // Early disclosures: each to an operator, on an advisory not public yet; a few RED (named people), a few revoked.
  const granted = new Set<string>();
  for (let index = 0; index < plan.grants && embargoed.length > 0; index++) {
    const operator = operators[index % operators.length];
    const advisoryId = pick(embargoed);
    if (granted.has(`${advisoryId}:${operator.organizationId}`)) continue;
    granted.add(`${advisoryId}:${operator.organizationId}`);
    const id = randomUUID();
    const tlpRoll = random();
    const tlp = tlpRoll < 0.7 ? 'AMBER' : tlpRoll < 0.95 ? 'AMBER_STRICT' : 'RED';
    const startsAt = new Date(now - random() * 60 * DAY);
    const revoked = random() < 0.05;
    await tables.grant.push([
      id, advisoryId, operator.organizationId, tlp, true, true, random() < 0.8, random() < 0.6, random() < 0.4, random() < 0.8, startsAt, null,
      'The operator runs the affected product in its control network.', pick(staff), startsAt, startsAt, revoked ? new Date(now - DAY) : null,
      revoked ? pick(staff) : null, null, null, null,
    ]);
    if (tlp === 'RED') await tables.grantRecipient.push([randomUUID(), id, operator.userId]);
  }

  for (const table of Object.values(tables)) await table.flush();
  // A case whose advisory is scheduled for later waits in PUBLICATION_SCHEDULED (migration 1764250000000).
  await connection.query(
    `UPDATE case_file c JOIN advisory a ON a.caseId = c.id SET c.state = 'PUBLICATION_SCHEDULED', c.publicationDueAt = a.publishedAt, c.stateBeforePublication = 'COORDINATING'
     WHERE c.state = 'PUBLISHED' AND a.status = 'PUBLISHED' AND a.publishedAt > ?`,
    [new Date(now)],
  );
  for (const [prefix, lastValue] of [['JVN#', advisoryIds.domestic], ['JVNVU#', advisoryIds.overseas]] as const) {
    await connection.query('INSERT INTO advisory_sequence (prefix, lastValue) VALUES (?, ?)', [prefix, lastValue]);
  }
  // The rows went in without the application: index what they publish, as the publishing transactions would.
  // Written with the primary key alone, the secondary index then built by sorting (as the migration does).
  await connection.query(`ALTER TABLE \`${SEARCH_TERM_TABLE}\` DROP FOREIGN KEY \`FK_advisory_search_term_advisoryId\`, DROP INDEX \`IDX_advisory_search_term_advisoryId_term\``);
  const app = await openDatabase(loadConfig({ NODE_ENV: 'development', DATABASE_URL: url, SEED_DEMO: 'false' }));
  try {
    const indexStarted = Date.now();
    let logged = 0;
    const terms = await rebuildSearchTerms(app.manager, (message) => {
      if (Date.now() - logged < 30_000) return;
      logged = Date.now();
      log(`seed:scale: ${message} (${((Date.now() - started) / 1000).toFixed(1)} s)`);
    });
    log(`seed:scale: search index, ${terms} terms (${((Date.now() - indexStarted) / 1000).toFixed(1)} s)`);
  } finally {
    await app.destroy();
  }
  await connection.query(`ALTER TABLE \`${SEARCH_TERM_TABLE}\` ADD INDEX \`IDX_advisory_search_term_advisoryId_term\` (\`advisoryId\`, \`term\`)`);
  await connection.query(
    `ALTER TABLE \`${SEARCH_TERM_TABLE}\` ADD CONSTRAINT \`FK_advisory_search_term_advisoryId\` FOREIGN KEY (\`advisoryId\`) REFERENCES \`advisory\` (\`id\`)`,
  ); // foreign_key_checks is off on this connection: added without checking every row again
  await connection.query(`ANALYZE TABLE ${[...Object.values(tables).map((table) => table.table), SEARCH_TERM_TABLE].map((table) => `\`${table}\``).join(', ')}`);
  await connection.end();

  const rows = Object.fromEntries(Object.entries(tables).map(([name, table]) => [name, table.inserted]));
  rows.unreachableVendorsOnCases = unreachableSeen;
  return { plan, rows, seconds: (Date.now() - started) / 1000 };
}

function statusFor(state: string, roll: number): string {
  switch (state) {
    case 'VENDOR_CONTACT':
      return roll < 0.2 ? 'UNNOTIFIED' : roll < 0.8 ? 'NOTIFIED' : 'ACKNOWLEDGED';
    case 'COORDINATING':
      return roll < 0.3 ? 'ACKNOWLEDGED' : roll < 0.6 ? 'INVESTIGATING' : roll < 0.85 ? 'AFFECTED' : 'NOT_AFFECTED';
    default:
      return roll < 0.7 ? 'FIX_AVAILABLE' : 'NOT_AFFECTED';
  }
}

function vendorNumberOf(name: string): string {
  return name.slice(-5);
}

async function main(): Promise<void> {
  const flags = parseFlags(process.argv.slice(2), { cases: 100_000 });
  if (flags.cases < 1) throw new Error('--cases must be at least 1');
  const url = benchDatabaseUrl();
  console.log(`seed:scale: ${flags.cases} cases into ${url}`);
  const report = await seedScale(url, flags.cases);
  console.log(`seed:scale: done in ${report.seconds.toFixed(1)} s`);
  console.log(JSON.stringify(report.rows));
}

if (require.main === module) {
  main().catch((error: unknown) => {
    console.error(error instanceof Error ? error.message : error);
    process.exit(1);
  });
}
