import { randomUUID } from 'node:crypto';
import http, { IncomingMessage, ServerResponse } from 'node:http';
import { jwtVerify } from 'jose';
import mysql, { Pool, RowDataPacket } from 'mysql2/promise';
import { cvssV3BaseScore } from '../src/advisories/cvss';
import { PREFIX_TERM_MAX_LENGTH, searchWords } from '../src/advisories/search-text';
import { AUDIT_CHAIN_ID, entryHash } from '../src/audit/audit-chain';
import { AuditAction, AuditEntry } from '../src/audit/audit-entry.entity';
import { AdvisoryText, contentFingerprint, deliveredSections } from '../src/audit/embargoed-read';
import { loadConfig } from '../src/config/config';
import { runServerProcesses } from '../src/http/workers';
import { DisclosureSection, joinSections } from '../src/disclosure/disclosure-section';

/**
 * The floor: the benchmark's four reads written by hand on mysql2 and node:http, with the same authentication (the
 * same JWT check, the viewer and the address's failed-authentication counter looked up in one statement), the same
 * authorization written as plain SQL and the same audit of embargoed reads. No ORM, no GraphQL, no policy engine: what the API is compared against. Only pure
 * helpers (CVSS scores, the audit hash and fingerprint, how search words fold into index terms) are shared with the app.
 */

interface Viewer {
  userId: string;
  displayName: string;
  organizationKind: string | null;
  vendorId: string | null;
  organizationId: string | null;
}

class HttpError extends Error {
  constructor(readonly status: number, message: string) {
    super(message);
  }
}

type Row = RowDataPacket & Record<string, unknown>;

const config = loadConfig({ ...process.env, SEED_DEMO: 'false' });
if (config.database.type !== 'mysql') throw new Error('The floor server runs on MySQL/MariaDB only');
const pool: Pool = mysql.createPool({ uri: config.database.url, timezone: 'Z', charset: 'utf8mb4_unicode_ci', connectionLimit: 10 });
const secret = new TextEncoder().encode(config.jwtSecret ?? '');

const verifiedTokens = new Map<string, { subject: string; validUntil: number }>();

async function authenticate(request: IncomingMessage): Promise<Viewer | null> {
  const header = request.headers.authorization;
  if (!header) return null;
  const match = /^Bearer\s+(\S+)$/i.exec(header);
  if (!match) throw new HttpError(401, 'bad authorization header');
  // The same verified-token cache as the API's Authenticator: a token that verified is taken as verified until it
  // expires (at most five minutes).
  let subject: string | undefined;
  const cached = verifiedTokens.get(match[1]);
  if (cached && Date.now() < cached.validUntil) subject = cached.subject;
  else {
    try {
      const { payload } = await jwtVerify(match[1], secret, { issuer: config.jwtIssuer, audience: config.jwtAudience, algorithms: ['HS256'] });
      subject = payload.sub;
      if (subject) verifiedTokens.set(match[1], { subject, validUntil: Math.min((payload.exp ?? Infinity) * 1000, Date.now() + 300_000) });
    } catch {
      throw new HttpError(401, 'invalid token');
    }
  }
  // The same brake on guessing as the API's AuthenticationGuard (src/http/abuse-limits.ts): an address that used up
  // its failed authentications is refused, valid credentials or not, so the lookup also reads the address's counter
  // (the row rate-limiter-flexible keeps for the API, in the same table), as the API's does. (Counting failures is
  // left out: the benchmark sends valid tokens only.)
  const [rows] = await pool.query<Row[]>(
    `SELECT looked.*, counter.points AS counterPoints FROM (SELECT 1 AS one) anchor
       LEFT JOIN (SELECT u.id AS userId, u.displayName, u.organizationId, o.kind AS organizationKind, v.id AS vendorId
         FROM \`user\` u LEFT JOIN organization o ON o.id = u.organizationId LEFT JOIN vendor v ON v.organizationId = o.id
        WHERE u.id = ? AND u.active = 1) looked ON 1 = 1
       LEFT JOIN rate_limit counter ON counter.\`key\` = ? AND (counter.expire > ? OR counter.expire IS NULL)`,
    [subject, `failed-authentications-per-address:${request.socket.remoteAddress}`, Date.now()],
  );
  if (rows[0].counterPoints !== null && Number(rows[0].counterPoints) >= config.rateLimits.failedAuthenticationsPerAddress) throw new HttpError(429, 'too many failed authentications');
  if (!rows[0].userId) throw new HttpError(401, 'unknown user');
  return rows[0] as unknown as Viewer;
}

function pageSize(url: URL): number {
  const first = Number(url.searchParams.get('first') ?? 20);
  if (!Number.isInteger(first) || first < 1 || first > 100) throw new HttpError(400, 'first must be 1..100');
  return first;
}

function groupBy(rows: Row[], key: string): Map<unknown, Row[]> {
  const groups = new Map<unknown, Row[]>();
  for (const row of rows) {
    const group = groups.get(row[key]);
    if (group) group.push(row);
    else groups.set(row[key], [row]);
  }
  return groups;
}

function connection(nodes: Record<string, unknown>[], totalCount: number, first: number, hasMore: boolean) {
  return { totalCount, pageInfo: { hasNextPage: hasMore, endCursor: nodes.length > 0 ? String(nodes[nodes.length - 1].id) : null }, edges: nodes.map((node) => ({ node })) };
}

const ACTIVE_STATES = ['VENDOR_CONTACT', 'COORDINATING'];

/** Coordinator staff: every case in coordination, its vendors and its latest contact attempt. */
async function dashboard(viewer: Viewer | null, first: number) {
  if (viewer?.organizationKind !== 'COORDINATOR') throw new HttpError(403, 'coordinators only');
  const [[count], [cases]] = await Promise.all([
    pool.query<Row[]>('SELECT COUNT(*) AS total FROM case_file WHERE state IN (?)', [ACTIVE_STATES]),
    pool.query<Row[]>('SELECT id, reference, title, state, receivedAt FROM case_file WHERE state IN (?) ORDER BY receivedAt DESC, id DESC LIMIT ?', [ACTIVE_STATES, first + 1]),
  ]);
  const page = cases.slice(0, first);
  const ids = page.map((row) => row.id);
  if (ids.length === 0) return connection([], Number(count[0].total), first, false);
  const [[vendors], [attempts]] = await Promise.all([
    pool.query<Row[]>(
      'SELECT cv.caseId, cv.status, cv.notifiedAt, v.id AS vendorId, v.name AS vendorName FROM case_vendor cv JOIN vendor v ON v.id = cv.vendorId WHERE cv.caseId IN (?) ORDER BY cv.id',
      [ids],
    ),
    pool.query<Row[]>(
      `SELECT a.caseId, a.channel, a.outcome, a.attemptedAt FROM contact_attempt a WHERE a.caseId IN (?) AND NOT EXISTS (
         SELECT 1 FROM contact_attempt later WHERE later.caseId = a.caseId AND (later.attemptedAt > a.attemptedAt OR (later.attemptedAt = a.attemptedAt AND later.id > a.id)))`,
      [ids],
    ),
  ]);
  const vendorsByCase = groupBy(vendors, 'caseId');
  const lastAttemptByCase = new Map(attempts.map((attempt) => [attempt.caseId, attempt]));
  const nodes = page.map((row) => {
    const last = lastAttemptByCase.get(row.id);
    return {
      id: row.id, reference: row.reference, title: row.title, state: row.state, receivedAt: row.receivedAt,
      caseVendors: (vendorsByCase.get(row.id) ?? []).map((cv) => ({ status: cv.status, notifiedAt: cv.notifiedAt, vendor: { id: cv.vendorId, name: cv.vendorName } })),
      lastContactAttempt: last ? { channel: last.channel, outcome: last.outcome, attemptedAt: last.attemptedAt } : null,
    };
  });
  return connection(nodes, Number(count[0].total), first, cases.length > first);
}

const VENDOR_SEES_CASE = `EXISTS (SELECT 1 FROM case_vendor mine WHERE mine.caseId = c.id AND mine.vendorId = ? AND mine.status <> 'UNNOTIFIED')`;

/** A vendor: the cases it was notified of, only its own vendor row, and the attempts made to reach it. */
async function vendorCases(viewer: Viewer | null, first: number) {
  if (!viewer?.vendorId) throw new HttpError(403, 'vendors only');
  const vendorId = viewer.vendorId;
  const [[count], [cases]] = await Promise.all([
    pool.query<Row[]>(`SELECT COUNT(*) AS total FROM case_file c WHERE ${VENDOR_SEES_CASE}`, [vendorId]),
    pool.query<Row[]>(
      `SELECT c.id, c.reference, c.title, c.state, c.receivedAt, CASE WHEN c.finderConsentToName THEN c.finderName END AS finderName
         FROM case_file c WHERE ${VENDOR_SEES_CASE} ORDER BY c.receivedAt DESC, c.id DESC LIMIT ?`,
      [vendorId, first + 1],
    ),
  ]);
  const page = cases.slice(0, first);
  const ids = page.map((row) => row.id);
  if (ids.length === 0) return connection([], Number(count[0].total), first, false);
  const [own] = await pool.query<Row[]>(
    `SELECT cv.id, cv.caseId, cv.status, cv.statement, cv.notifiedAt, v.name AS vendorName FROM case_vendor cv JOIN vendor v ON v.id = cv.vendorId
      WHERE cv.caseId IN (?) AND cv.vendorId = ? AND cv.status <> 'UNNOTIFIED' ORDER BY cv.id`,
    [ids, vendorId],
  );
  const [attempts] = own.length
    ? await pool.query<Row[]>('SELECT caseVendorId, channel, outcome, attemptedAt FROM contact_attempt WHERE caseVendorId IN (?) ORDER BY attemptedAt, id', [own.map((row) => row.id)])
    : [[] as Row[]];
  const ownByCase = groupBy(own, 'caseId');
  const attemptsByRow = groupBy(attempts, 'caseVendorId');
  const nodes = page.map((row) => ({
    id: row.id, reference: row.reference, title: row.title, state: row.state, receivedAt: row.receivedAt, finderName: row.finderName,
    caseVendors: (ownByCase.get(row.id) ?? []).map((cv) => ({
      status: cv.status, statement: cv.statement, notifiedAt: cv.notifiedAt, vendor: { name: cv.vendorName },
      contactAttempts: (attemptsByRow.get(cv.id) ?? []).map((attempt) => ({ channel: attempt.channel, outcome: attempt.outcome, attemptedAt: attempt.attemptedAt })),
    })),
  }));
  return connection(nodes, Number(count[0].total), first, cases.length > first);
}

const SEARCHED_TEXT = ['identifier', 'title', 'overview', 'affectedProducts', 'impact', 'solution', 'workarounds', 'vendorStatements', 'coordinatorVerification'];

interface SqlPart {
  sql: string;
  params: unknown[];
}

/**
 * Anyone: released advisories (published, time come) in which every word occurs in the text, products or vendor
 * names. Like the API, the words the search index (advisory_search_term) answers go through it; the others, and words
 * with punctuation inside, are also matched as substrings. Also like the API: the longest indexed term leads, its
 * index rows read newest first and each checked against its advisory (the other terms probed by advisory), as scalar
 * subqueries (MariaDB would turn an EXISTS into a semi-join or a materialized IN); the count reads the same rows up
 * to the cap + 1 (a lone word's index rows alone, as the API), and runs beside the page.
 */
async function publicSearch(url: URL, first: number) {
  const words = searchWords(url.searchParams.get('text'));
  const cap = config.searchTotalCountCap;
  const now = new Date();
  const conditions: SqlPart[] = [{ sql: `a.status = 'PUBLISHED' AND a.publishedAt <= ?`, params: [now] }];
  for (const word of words) {
    if (!word.substring) continue;
    const pattern = `%${word.text.toLowerCase().replace(/[!%_]/g, (match) => `!${match}`)}%`;
    conditions.push({
      sql: `(${SEARCHED_TEXT.map((column) => `LOWER(a.${column}) LIKE ? ESCAPE '!'`).join(' OR ')}
      OR EXISTS (SELECT 1 FROM advisory_product p WHERE p.advisoryId = a.id AND (LOWER(p.name) LIKE ? ESCAPE '!' OR LOWER(p.vendorName) LIKE ? ESCAPE '!'))
      OR EXISTS (SELECT 1 FROM advisory_vendor_status s WHERE s.advisoryId = a.id AND LOWER(s.vendorName) LIKE ? ESCAPE '!'))`,
      params: [...SEARCHED_TEXT.map(() => pattern), pattern, pattern, pattern],
    });
  }
  const terms = [...new Set(words.flatMap((word) => word.indexed))].map((term) => [...term]);
  const leader = terms.reduce<string[] | null>((longest, term) => (longest && longest.length >= term.length ? longest : term), null);
  for (const term of terms) {
    if (term.length > PREFIX_TERM_MAX_LENGTH) {
      conditions.push({ sql: `(SELECT 1 FROM advisory_search_term x WHERE x.advisoryId = a.id AND x.term >= ? AND x.term < ? LIMIT 1) = 1`, params: [term.join(''), `${term.join('')}\u{10FFFF}`] });
    } else if (term !== leader) {
      conditions.push({ sql: `(SELECT 1 FROM advisory_search_term x WHERE x.advisoryId = a.id AND x.term = ? LIMIT 1) = 1`, params: [term.join('')] });
    }
  }
  const where = { sql: conditions.map((part) => part.sql).join(' AND '), params: conditions.flatMap((part) => part.params) };
  const columns = `a.id, a.identifier, a.title, a.publishedAt, a.severity, a.cweId, a.cvssV3Vector`;
  let counting: Promise<[Row[], unknown]>;
  let paging: Promise<[Row[], unknown]>;
  if (leader) {
    const lead = {
      // The API's join (src/advisories/advisory-search.service.ts, leaderRows): index rows first, each advisory
      // through (status, publishedAt, id).
      sql: `SELECT t.advisoryId FROM advisory_search_term t STRAIGHT_JOIN advisory a FORCE INDEX (IDX_advisory_status_publishedAt)
        ON a.status = 'PUBLISHED' AND a.publishedAt = t.publishedAt AND a.id = t.advisoryId
        WHERE t.term = ? AND t.publishedAt <= ? AND ${where.sql}`,
      params: [leader.slice(0, PREFIX_TERM_MAX_LENGTH).join(''), now, ...where.params],
    };
    // A lone word that is an index term as typed: its index rows alone are the released advisories holding it (the
    // index holds PUBLISHED advisories only, at their publication time), as the API counts it (countedByIndexAlone).
    const alone = conditions.length === 1 && terms.length === 1 && leader.length <= PREFIX_TERM_MAX_LENGTH;
    counting = alone
      ? pool.query<Row[]>(`SELECT COUNT(*) AS total FROM (SELECT t.advisoryId FROM advisory_search_term t WHERE t.term = ? AND t.publishedAt <= ? LIMIT ${cap + 1}) matching`, [leader.join(''), now])
      : pool.query<Row[]>(`SELECT COUNT(*) AS total FROM (${lead.sql} LIMIT ${cap + 1}) matching`, lead.params);
    paging = pool.query<Row[]>(
      `SELECT ${columns} FROM (${lead.sql} ORDER BY t.publishedAt DESC, t.advisoryId DESC LIMIT ?) page JOIN advisory a ON a.id = page.advisoryId ORDER BY a.publishedAt DESC, a.id DESC`,
      [...lead.params, first + 1],
    );
  } else {
    counting = pool.query<Row[]>(`SELECT COUNT(*) AS total FROM (SELECT a.id FROM advisory a WHERE ${where.sql} LIMIT ${cap + 1}) matching`, where.params);
    paging = pool.query<Row[]>(`SELECT ${columns} FROM advisory a WHERE ${where.sql} ORDER BY a.publishedAt DESC, a.id DESC LIMIT ?`, [...where.params, first + 1]);
  }
  const [[count], [rows]] = await Promise.all([counting, paging]);
  const total = Number(count[0].total);
  const nodes = rows.slice(0, first).map((row) => ({
    id: row.id, identifier: row.identifier, title: row.title, publishedAt: row.publishedAt, severity: row.severity, cweId: row.cweId,
    cvssV3BaseScore: row.cvssV3Vector ? cvssV3BaseScore(String(row.cvssV3Vector)) : null,
  }));
  return { ...connection(nodes, Math.min(total, cap), first, rows.length > first), totalCountIsLowerBound: total > cap };
}

/** The advisory columns each shared section opens, as the operator policy grants them. */
const SECTION_COLUMNS: [flag: string, section: DisclosureSection, columns: string[]][] = [
  ['shareOverview', DisclosureSection.OVERVIEW, ['overview']],
  ['shareAffectedProducts', DisclosureSection.AFFECTED_PRODUCTS, ['affectedProducts']],
  ['shareImpact', DisclosureSection.IMPACT, ['impact']],
  ['shareMitigations', DisclosureSection.MITIGATIONS, ['solution', 'workarounds']],
  ['shareTechnicalDetails', DisclosureSection.TECHNICAL_DETAILS, ['cweId', 'cveIds']],
  ['shareCvss', DisclosureSection.CVSS, ['cvssV3Vector', 'cvssV4Vector', 'severity']],
];

/**
 * An operator: its organization's live grants (not revoked, started, not ended, not RED unless naming this person,
 * advisory not public yet), each with the advisory masked to the sections shared; every read is appended to the
 * hash-chained audit log under the head row's lock, as the API does.
 */
async function operatorGrants(viewer: Viewer | null, first: number, requestId: string) {
  if (viewer?.organizationKind !== 'OPERATOR' || !viewer.organizationId) throw new HttpError(403, 'operators only');
  const now = new Date();
  const live = `g.organizationId = ? AND g.revokedAt IS NULL AND g.startsAt <= ? AND (g.endsAt IS NULL OR g.endsAt > ?)
    AND (g.tlp <> 'RED' OR EXISTS (SELECT 1 FROM disclosure_grant_recipient r WHERE r.grantId = g.id AND r.userId = ?))
    AND (a.status = 'DRAFT' OR a.publishedAt > ?)`;
  const params = [viewer.organizationId, now, now, viewer.userId, now];
  const [[count], [grants]] = await Promise.all([
    pool.query<Row[]>(`SELECT COUNT(*) AS total FROM disclosure_grant g JOIN advisory a ON a.id = g.advisoryId WHERE ${live}`, params),
    pool.query<Row[]>(
      `SELECT g.*, a.title, a.publishedAt,
         (SELECT e.contentFingerprint FROM audit_entry e WHERE e.actorUserId = ? AND e.advisoryId = a.id AND e.action = 'EMBARGOED_READ'
           AND e.requestId <> ? ORDER BY e.sequence DESC LIMIT 1) AS previousFingerprint, ${SECTION_COLUMNS.flatMap(([flag, , columns]) => columns.map((column) => `CASE WHEN g.${flag} THEN a.${column} END AS \`a_${column}\``)).join(', ')}
         FROM disclosure_grant g JOIN advisory a ON a.id = g.advisoryId WHERE ${live} ORDER BY g.createdAt DESC, g.id DESC LIMIT ?`,
      [viewer.userId, requestId, ...params, first + 1],
    ),
  ]);
  const page = grants.slice(0, first);
  const advisories = page.map((grant) => {
    // As the API answers a grantee (src/advisories/shown-status.ts): every advisory under a live grant is not public
    // yet, and a scheduled one reads DRAFT like any other.
    const advisory: Record<string, unknown> = { id: grant.advisoryId, title: grant.title, status: 'DRAFT', publishedAt: null };
    for (const [, , columns] of SECTION_COLUMNS) for (const column of columns) advisory[column] = grant[`a_${column}`] ?? null;
    if (typeof advisory.cveIds === 'string') advisory.cveIds = JSON.parse(advisory.cveIds);
    return advisory;
  });
  await appendReads(viewer, requestId, now, advisories);
  const nodes = page.map((grant, index) => {
    const advisory = advisories[index] as Record<string, unknown> & AdvisoryText;
    const last = grant.previousFingerprint ?? undefined;
    return {
      id: grant.id, tlp: grant.tlp, startsAt: grant.startsAt, endsAt: grant.endsAt, acknowledgedAt: grant.acknowledgedAt,
      sections: SECTION_COLUMNS.filter(([flag]) => Boolean(grant[flag])).map(([, section]) => section),
      advisory: {
        ...advisory,
        cvssV3BaseScore: advisory.cvssV3Vector ? cvssV3BaseScore(String(advisory.cvssV3Vector)) : null,
        changedSinceLastRead: last !== undefined && last !== contentFingerprint(advisory),
      },
    };
  });
  return connection(nodes, Number(count[0].total), first, grants.length > first);
}

/** The same log entries the API writes for embargoed reads, linked to the chain under the head row's lock. */
async function appendReads(viewer: Viewer, requestId: string, now: Date, advisories: Record<string, unknown>[]): Promise<void> {
  if (advisories.length === 0) return;
  const db = await pool.getConnection();
  try {
    await db.beginTransaction();
    const [[head]] = await db.query<Row[]>('SELECT lastSequence, lastHash FROM audit_chain_head WHERE id = ? FOR UPDATE', [AUDIT_CHAIN_ID]);
    let sequence = Number(head.lastSequence);
    let previousHash = String(head.lastHash);
    const entries = advisories.map((advisory) => {
      sequence += 1;
      const unsigned: Omit<AuditEntry, 'hash'> = {
        id: randomUUID(), sequence, at: now, requestId, action: AuditAction.EMBARGOED_READ, actorUserId: viewer.userId, actorApiKeyId: null,
        actorName: viewer.displayName, organizationId: viewer.organizationId, advisoryId: String(advisory.id), grantId: null,
        sections: joinSections(deliveredSections(advisory)), contentFingerprint: contentFingerprint(advisory as unknown as AdvisoryText), detail: null, previousHash,
      };
      const hash = entryHash(unsigned);
      previousHash = hash;
      return { ...unsigned, hash };
    });
    const columns = Object.keys(entries[0]);
    await db.query(`INSERT INTO audit_entry (${columns.map((column) => `\`${column}\``).join(', ')}) VALUES ?`, [
      entries.map((entry) => columns.map((column) => entry[column as keyof typeof entry])),
    ]);
    // The head follows the insert by trigger (migration 1764235000000), as for the API.
    await db.commit();
  } catch (error) {
    await db.rollback();
    throw error;
  } finally {
    db.release();
  }
}

async function handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
  const url = new URL(request.url ?? '/', 'http://127.0.0.1');
  let body: unknown;
  try {
    const viewer = await authenticate(request);
    const first = pageSize(url);
    switch (url.pathname) {
      case '/dashboard':
        body = await dashboard(viewer, first);
        break;
      case '/vendor-cases':
        body = await vendorCases(viewer, first);
        break;
      case '/operator-grants':
        body = await operatorGrants(viewer, first, randomUUID());
        break;
      case '/advisories':
        body = await publicSearch(url, first);
        break;
      default:
        throw new HttpError(404, 'not found');
    }
  } catch (error) {
    const status = error instanceof HttpError ? error.status : 500;
    if (status === 500) console.error(error);
    response.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify({ error: (error as Error).message }));
    return;
  }
  response.writeHead(200, { 'content-type': 'application/json', 'cache-control': 'private, no-store' }).end(JSON.stringify({ data: body }));
}

let server: http.Server | null = null;
// The same worker processes as the API (WEB_CONCURRENCY), so the two are compared on the same cores.
void runServerProcesses({
  workers: config.workers,
  log: { info: (message) => console.log(message), error: (message) => console.error(message) },
  prepare: async () => undefined,
  serve: () =>
    new Promise<void>((resolve) => {
      server = http.createServer((request, response) => void handle(request, response)).listen(config.port, '127.0.0.1', resolve);
    }),
  ready: () => console.log(`floor-server listening on 127.0.0.1:${config.port} (${config.workers} worker${config.workers === 1 ? '' : 's'})`),
});
// In a worker, or with one process; a primary with workers passes the signal on (src/http/workers.ts).
const stop = () => server?.close(() => void pool.end().then(() => process.exit(0)));
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
