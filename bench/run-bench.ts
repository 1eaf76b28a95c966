import 'reflect-metadata';
import { ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import autocannon from 'autocannon';
import mysql from 'mysql2/promise';
import { loadConfig } from '../src/config/config';
import { signToken } from '../src/context/authentication';
import { BENCH_USERS, BENCH_VENDOR_CASES, benchDatabaseUrl, DASHBOARD_QUERY, parseFlags, splitDatabaseUrl } from './options';
import { seedScale } from './seed-scale';

/**
 * `npm run bench -- --cases N --duration S --connections C [--workers W] [--repeat R] [--soak S]`
 *
 * Seeds (or reuses) an N-case dataset, starts the compiled API server and the hand-written floor server on
 * loopback, and drives each operation with autocannon, bounded by time and by request count. Prints, per
 * operation: requests/s, p50, p99, SQL statements per request, peak server RSS, and the API/floor ratio; then the
 * authorization cost (the coordinator's dashboard run as a vendor) and, with --soak, the memory trend. Both servers
 * run W worker processes (default: one per core, as a production deployment would); CPU time and memory are those
 * of all of a server's processes together.
 */

const HOST = '127.0.0.1';
// BENCH_PORT moves both servers (API on it, floor on the next port) so two runs on one machine do not collide.
const API_PORT = Number(process.env.BENCH_PORT ?? 4710);
const FLOOR_PORT = API_PORT + 1;
/** A one-worker API server that only answers the sequential requests counting statements (and EXPLAIN's). */
const STATEMENTS_PORT = API_PORT + 2;
let statementsPort = API_PORT;
const PAGE = 50;
const MAX_REQUESTS_PER_SECOND = 5_000;
const RESULTS_DIRECTORY = join(__dirname, '..', '..', 'bench', 'results');

type Role = keyof typeof BENCH_USERS | 'vendor';

interface Operation {
  name: string;
  role: Role | 'anonymous';
  graphql: { query: string; variables: Record<string, unknown> };
  /** Path on the floor server, or null when the floor has no counterpart. */
  floorPath: string | null;
  /** Where the page sits in the GraphQL answer, to check it came back full. */
  root: string;
}

const OPERATIONS: Operation[] = [
  { name: 'coordinator dashboard', role: 'coordinator', root: 'cases', floorPath: `/dashboard?first=${PAGE}`, graphql: { query: DASHBOARD_QUERY, variables: { first: PAGE } } },
  {
    name: 'vendor portal',
    role: 'vendor',
    root: 'cases',
    floorPath: `/vendor-cases?first=${PAGE}`,
    graphql: {
      query: `query VendorPortal($first: Int!) {
        cases(first: $first) {
          totalCount
          pageInfo { hasNextPage endCursor }
          edges { node { id reference title state receivedAt finderName
            caseVendors { status statement notifiedAt vendor { name } contactAttempts { channel outcome attemptedAt } } } }
        }
      }`,
      variables: { first: PAGE },
    },
  },
  {
    name: 'operator grants',
    role: 'operator',
    root: 'disclosureGrants',
    floorPath: `/operator-grants?first=${PAGE}`,
    graphql: {
      query: `query OperatorGrants($first: Int!) {
        disclosureGrants(first: $first) {
          totalCount
          pageInfo { hasNextPage endCursor }
          edges { node { id tlp sections startsAt endsAt acknowledgedAt
            advisory { id title overview affectedProducts impact solution workarounds cvssV3Vector cvssV3BaseScore cweId changedSinceLastRead } } }
        }
      }`,
      variables: { first: PAGE },
    },
  },
  {
    name: 'public advisory search',
    role: 'anonymous',
    root: 'searchAdvisories',
    floorPath: `/advisories?first=${PAGE}&text=scripting`,
    graphql: {
      query: `query PublicSearch($first: Int!, $text: String) {
        searchAdvisories(first: $first, filter: { text: $text }) {
          totalCount
          pageInfo { hasNextPage endCursor }
          edges { node { id identifier title publishedAt severity cweId cvssV3BaseScore } }
        }
      }`,
      variables: { first: PAGE, text: 'scripting' },
    },
  },
];

interface LoadResult {
  completed: number;
  requestsPerSecond: number;
  /** Server CPU time per request, in milliseconds. */
  cpuMsPerRequest: number;
  /** The database server's CPU time per request, in milliseconds (null when it does not run on this machine). */
  databaseCpuMsPerRequest: number | null;
  p50: number;
  p99: number;
  errors: number;
  non2xx: number;
  peakRssMb: number;
}

interface OperationResult {
  name: string;
  statementsPerRequest: number;
  fullScans: string[];
  /** With --repeat: the median of each figure over the runs (peak RSS: the highest); else the one run. */
  api: LoadResult;
  floor: LoadResult | null;
  /** API/floor throughput of each interleaved pair of runs (one with --repeat 1). */
  ratios: number[];
}

function log(message: string): void {
  process.stdout.write(`${message}\n`);
}

const CLOCK_TICKS_PER_SECOND = 100;

/** A server and its workers (node:cluster forks them as its children). */
function processTree(pid: number): number[] {
  let children: number[] = [];
  try {
    children = readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8').split(' ').filter(Boolean).map(Number);
  } catch {
    // gone, or no such file on this kernel: the process alone
  }
  return [pid, ...children.flatMap(processTree)];
}

function readProc(pid: number, file: string): string {
  try {
    return readFileSync(`/proc/${pid}/${file}`, 'utf8');
  } catch {
    return ''; // a worker that exited between listing and reading
  }
}

/**
 * CPU time (user + system) the server and its workers have used so far, in milliseconds: unlike req/s, not skewed
 * by other load.
 */
function cpuMs(pid: number): number {
  let ticks = 0;
  for (const each of processTree(pid)) {
    const stat = readProc(each, 'stat');
    if (!stat) continue;
    const fields = stat.split(') ')[1].split(' ');
    ticks += Number(fields[11]) + Number(fields[12]);
  }
  return (ticks * 1000) / CLOCK_TICKS_PER_SECOND;
}

/**
 * The local MariaDB/MySQL server's process, found by name, so each run can report the database's CPU per request
 * beside the server's: on a small machine the two compete for the same cores, and the SQL a read sends is half its
 * cost. Null when the database runs elsewhere (or several candidates run).
 */
function databasePid(): number | null {
  const found: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const name = readProc(Number(entry), 'comm').trim();
    if (name === 'mariadbd' || name === 'mysqld') found.push(Number(entry));
  }
  return found.length === 1 ? found[0] : null;
}

/** Resident memory of the server and its workers together. */
function rssMb(pid: number): number {
  let total = 0;
  for (const each of processTree(pid)) {
    const match = /VmRSS:\s+(\d+) kB/.exec(readProc(each, 'status'));
    if (match) total += Number(match[1]) / 1024;
  }
  return total;
}

async function datasetSize(url: string): Promise<number | null> {
  const { serverUrl, database } = splitDatabaseUrl(url);
  const connection = await mysql.createConnection(serverUrl);
  try {
    const [schemas] = await connection.query<mysql.RowDataPacket[]>('SELECT 1 FROM information_schema.tables WHERE table_schema = ? AND table_name = ?', [database, 'case_file']);
    if (schemas.length === 0) return null;
    const [rows] = await connection.query<mysql.RowDataPacket[]>(`SELECT COUNT(*) AS total FROM \`${database}\`.case_file`);
    return Number(rows[0].total);
  } finally {
    await connection.end();
  }
}

/**
 * The database server's page cache against the dataset: at national scale MySQL is given most of the machine's memory
 * for InnoDB's buffer pool, and a 1M-case dataset read through the distribution default (128 MB) measures the disk
 * cache, not the queries. Printed with every run so the two sizes are compared under the same setting.
 */
async function databaseMemory(url: string): Promise<{ bufferPoolMb: number; datasetMb: number; adaptiveHashIndex: boolean }> {
  const { serverUrl, database } = splitDatabaseUrl(url);
  const connection = await mysql.createConnection(serverUrl);
  try {
    const [[pool]] = await connection.query<mysql.RowDataPacket[]>('SELECT @@innodb_buffer_pool_size AS bytes, @@innodb_adaptive_hash_index AS hashIndex');
    const [[size]] = await connection.query<mysql.RowDataPacket[]>(
      'SELECT COALESCE(SUM(data_length + index_length), 0) AS bytes FROM information_schema.tables WHERE table_schema = ?',
      [database],
    );
    return { bufferPoolMb: Number(pool.bytes) / 2 ** 20, datasetMb: Number(size.bytes) / 2 ** 20, adaptiveHashIndex: Number(pool.hashIndex) === 1 };
  } finally {
    await connection.end();
  }
}

async function userIds(url: string): Promise<{ ids: Record<Role, string | undefined>; vendor: string }> {
  const connection = await mysql.createConnection(url);
  try {
    const [rows] = await connection.query<mysql.RowDataPacket[]>('SELECT id, email FROM `user` WHERE email IN (?)', [Object.values(BENCH_USERS)]);
    const byEmail = new Map(rows.map((row) => [String(row.email), String(row.id)]));
    const [vendors] = await connection.query<mysql.RowDataPacket[]>(
      `SELECT u.id AS userId, v.name, counts.cases FROM (
         SELECT vendorId, COUNT(*) AS cases FROM case_vendor WHERE status <> 'UNNOTIFIED' GROUP BY vendorId ORDER BY ABS(COUNT(*) - ?) LIMIT 1
       ) counts JOIN vendor v ON v.id = counts.vendorId JOIN \`user\` u ON u.organizationId = v.organizationId ORDER BY u.createdAt, u.id LIMIT 1`,
      [BENCH_VENDOR_CASES],
    );
    return {
      ids: { coordinator: byEmail.get(BENCH_USERS.coordinator), operator: byEmail.get(BENCH_USERS.operator), vendor: vendors[0] ? String(vendors[0].userId) : undefined },
      vendor: vendors[0] ? `${vendors[0].name} (notified of ${vendors[0].cases} cases)` : 'none',
    };
  } finally {
    await connection.end();
  }
}

/**
 * Both servers run with the Node options `npm start` gives the API (package.json): a 64 MB semi-space, so that the
 * short-lived objects of a request in flight die young instead of being copied and promoted (the garbage collector
 * took 15% of a vendor portal request's CPU with Node's 16 MB default, 5% with 64 MB; the floor allocates little and
 * is unchanged by it).
 */
const SERVER_NODE_ARGUMENTS = ['--max-semi-space-size=64'];

async function startServer(script: string, port: number, env: NodeJS.ProcessEnv): Promise<ChildProcess> {
  // BENCH_SERVER_NODE_ARGS="--cpu-prof --cpu-prof-dir=/tmp/prof" profiles both servers (written when they stop).
  const nodeArguments = [...SERVER_NODE_ARGUMENTS, ...(process.env.BENCH_SERVER_NODE_ARGS ?? '').split(' ').filter(Boolean)];
  const child = spawn(process.execPath, [...nodeArguments, join(__dirname, script)], { env: { ...env, PORT: String(port) }, stdio: ['ignore', 'pipe', 'inherit'] });
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${script} did not start within 60 s`)), 60_000);
    child.once('exit', (code) => reject(new Error(`${script} exited with ${code}`)));
    child.stdout!.on('data', (chunk: Buffer) => {
      if (chunk.toString().includes('listening on')) {
        clearTimeout(timer);
        resolve();
      }
    });
  });
  child.stdout!.resume();
  return child;
}

async function stopServer(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill('SIGTERM');
  await Promise.race([exited, new Promise((resolve) => setTimeout(resolve, 10_000))]);
  if (child.exitCode === null) child.kill('SIGKILL');
}

interface Target {
  url: string;
  method: 'GET' | 'POST';
  headers: Record<string, string>;
  body?: string;
}

function apiTarget(operation: Operation, token: string | null, graphql = operation.graphql): Target {
  return {
    url: `http://${HOST}:${API_PORT}/graphql`,
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: JSON.stringify(graphql),
  };
}

function floorTarget(path: string, token: string | null): Target {
  return { url: `http://${HOST}:${FLOOR_PORT}${path}`, method: 'GET', headers: token ? { authorization: `Bearer ${token}` } : {} };
}

async function call(target: Target): Promise<Record<string, unknown>> {
  const response = await fetch(target.url, { method: target.method, headers: target.headers, body: target.body });
  const body = (await response.json()) as Record<string, unknown>;
  if (!response.ok || body.errors || body.error) throw new Error(`${target.url} answered ${response.status}: ${JSON.stringify(body).slice(0, 500)}`);
  return body;
}

interface RecordedStatement {
  sql: string;
  parameters: unknown[];
}

async function serverStatements(): Promise<{ statements: number; recent: RecordedStatement[] }> {
  const response = await fetch(`http://${HOST}:${statementsPort}/bench/statements`);
  return (await response.json()) as { statements: number; recent: RecordedStatement[] };
}

async function statementsSoFar(): Promise<number> {
  return (await serverStatements()).statements;
}

const FULL_SCAN_ROWS = 1_000;

interface ExplainedTable {
  table_name?: string;
  access_type?: string;
  rows?: number;
  key?: string;
}

/** Tables that EXPLAIN says are read whole (a scan of the table or of a whole index) and are not small. */
function fullScans(plan: unknown, found: string[] = []): string[] {
  if (Array.isArray(plan)) {
    for (const item of plan) fullScans(item, found);
  } else if (plan && typeof plan === 'object') {
    const table = (plan as { table?: ExplainedTable }).table;
    if (table?.table_name && !table.table_name.startsWith('<') && (table.access_type === 'ALL' || table.access_type === 'index') && (table.rows ?? 0) > FULL_SCAN_ROWS) {
      found.push(`${table.table_name} (${table.access_type}${table.key ? ` on ${table.key}` : ''}, ~${table.rows} rows)`);
    }
    for (const value of Object.values(plan)) fullScans(value, found);
  }
  return found;
}

/**
 * EXPLAINs on MariaDB the statements the API sent for one request of an operation. With `print` (the --sql flag),
 * prints each statement, its parameters and MariaDB's plan (table, access, key, estimated rows).
 */
async function explainLastRequest(url: string, statementCount: number, print = false): Promise<string[]> {
  const { recent } = await serverStatements();
  const statements = recent.slice(-statementCount).filter((statement) => /^\s*SELECT/i.test(statement.sql));
  const connection = await mysql.createConnection({ uri: url, timezone: 'Z' });
  const findings: string[] = [];
  try {
    if (print) for (const statement of recent.slice(-statementCount)) await printStatement(connection, statement);
    for (const statement of statements) {
      const [rows] = await connection.query<mysql.RowDataPacket[]>(`EXPLAIN FORMAT=JSON ${statement.sql}`, statement.parameters);
      for (const scan of fullScans(JSON.parse(String(rows[0].EXPLAIN)))) findings.push(`${scan} in: ${statement.sql.slice(0, 120)}…`);
    }
  } finally {
    await connection.end();
  }
  return findings;
}

async function printStatement(connection: mysql.Connection, statement: RecordedStatement): Promise<void> {
  log(`  SQL: ${statement.sql.replace(/\s+/g, ' ')}`);
  if (statement.parameters.length > 0) log(`    parameters: ${JSON.stringify(statement.parameters)}`);
  if (!/^\s*SELECT/i.test(statement.sql)) return;
  const [plan] = await connection.query<mysql.RowDataPacket[]>(`EXPLAIN ${statement.sql}`, statement.parameters);
  for (const row of plan) log(`    plan: ${row.select_type} ${row.table} ${row.type} key=${row.key ?? '-'} rows=${row.rows} ${row.Extra ?? ''}`);
}

/** Statements per request, from a few requests sent one at a time while nothing else runs. */
async function measureStatements(target: Target): Promise<number> {
  const samples = 5;
  const before = await statementsSoFar();
  const counted = { ...target, url: target.url.replace(`:${API_PORT}/`, `:${statementsPort}/`) };
  for (let index = 0; index < samples; index++) await call(counted);
  return (await statementsSoFar() - before) / samples;
}

async function load(target: Target, pid: number, seconds: number, connections: number): Promise<LoadResult> {
  let peak = rssMb(pid);
  const sampler = setInterval(() => {
    peak = Math.max(peak, rssMb(pid));
  }, 200);
  const cpuBefore = cpuMs(pid);
  const database = databasePid();
  const databaseCpuBefore = database === null ? 0 : cpuMs(database);
  try {
    const result = await autocannon({
      url: target.url,
      method: target.method,
      headers: target.headers,
      body: target.body,
      connections,
      duration: seconds,
      maxOverallRequests: seconds * MAX_REQUESTS_PER_SECOND,
      timeout: 30,
    });
    return {
      completed: result.requests.total,
      requestsPerSecond: result.requests.average,
      cpuMsPerRequest: (cpuMs(pid) - cpuBefore) / Math.max(1, result.requests.total),
      databaseCpuMsPerRequest: database === null ? null : (cpuMs(database) - databaseCpuBefore) / Math.max(1, result.requests.total),
      p50: result.latency.p50,
      p99: result.latency.p99,
      errors: result.errors + result.timeouts,
      non2xx: result.non2xx,
      peakRssMb: Math.max(peak, rssMb(pid)),
    };
  } finally {
    clearInterval(sampler);
  }
}

function pad(value: string | number, width: number): string {
  return String(value).padStart(width);
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}

/** Each figure's median over the runs; completed requests and failures summed; the highest peak RSS. */
function medianRun(runs: LoadResult[]): LoadResult {
  const databaseCpu = runs.map((run) => run.databaseCpuMsPerRequest).filter((value): value is number => value !== null);
  return {
    completed: runs.reduce((sum, run) => sum + run.completed, 0),
    requestsPerSecond: median(runs.map((run) => run.requestsPerSecond)),
    cpuMsPerRequest: median(runs.map((run) => run.cpuMsPerRequest)),
    databaseCpuMsPerRequest: databaseCpu.length === runs.length ? median(databaseCpu) : null,
    p50: median(runs.map((run) => run.p50)),
    p99: median(runs.map((run) => run.p99)),
    errors: runs.reduce((sum, run) => sum + run.errors, 0),
    non2xx: runs.reduce((sum, run) => sum + run.non2xx, 0),
    peakRssMb: Math.max(...runs.map((run) => run.peakRssMb)),
  };
}

function databaseCpu(run: LoadResult): string {
  return run.databaseCpuMsPerRequest === null ? '-' : run.databaseCpuMsPerRequest.toFixed(1);
}

function printTable(results: OperationResult[]): void {
  log('');
  log(
    `${'operation'.padEnd(24)} ${pad('API req/s', 10)} ${pad('p50 ms', 7)} ${pad('p99 ms', 7)} ${pad('SQL/req', 8)} ${pad('CPU ms/req', 11)} ${pad('DB CPU', 7)} ${pad('peak RSS MB', 12)} | ` +
      `${pad('floor req/s', 11)} ${pad('p50', 5)} ${pad('p99', 5)} ${pad('CPU ms/req', 11)} ${pad('DB CPU', 7)} | ${pad('API/floor', 9)}`,
  );
  for (const result of results) {
    const { api, floor } = result;
    // The median of the pairs' ratios (with one run, the ratio of that pair).
    const ratio = floor && floor.completed > 0 && api.completed > 0 && result.ratios.length > 0 ? `${(median(result.ratios) * 100).toFixed(0)}%` : 'n/a';
    for (const [side, run] of [['API', api], ['floor', floor]] as const) {
      if (run && run.completed === 0) log(`  ! ${side}: no "${result.name}" request completed within the run (each took longer than --duration)`);
    }
    log(
      `${result.name.padEnd(24)} ${pad(api.requestsPerSecond.toFixed(0), 10)} ${pad(api.p50, 7)} ${pad(api.p99, 7)} ${pad(result.statementsPerRequest.toFixed(1), 8)} ` +
        `${pad(api.cpuMsPerRequest.toFixed(1), 11)} ${pad(databaseCpu(api), 7)} ${pad(api.peakRssMb.toFixed(0), 12)} | ${pad(floor ? floor.requestsPerSecond.toFixed(0) : '-', 11)} ` +
        `${pad(floor ? floor.p50 : '-', 5)} ${pad(floor ? floor.p99 : '-', 5)} ${pad(floor ? floor.cpuMsPerRequest.toFixed(1) : '-', 11)} ${pad(floor ? databaseCpu(floor) : '-', 7)} | ${pad(ratio, 9)}`,
    );
    if (result.ratios.length > 1) log(`  API/floor of each pair: ${result.ratios.map((each) => `${(each * 100).toFixed(0)}%`).join(', ')} (figures above: medians of ${result.ratios.length} runs each)`);
    for (const scan of result.fullScans) log(`  EXPLAIN: full scan of ${scan}`);
    const failures = api.errors + api.non2xx + (floor ? floor.errors + floor.non2xx : 0);
    if (failures > 0) log(`  ! ${failures} failed requests during "${result.name}"`);
  }
}

/** The four operations in turn on every connection, for `seconds`, sampling the server's RSS every 5 s. */
async function soak(targets: Target[], pid: number, seconds: number, connections: number) {
  const samples: { at: number; rssMb: number }[] = [];
  const started = Date.now();
  const sampler = setInterval(() => samples.push({ at: (Date.now() - started) / 1000, rssMb: rssMb(pid) }), 5_000);
  let result: autocannon.Result;
  try {
    result = await autocannon({
      url: targets[0].url,
      requests: targets.map((target) => ({ method: target.method, path: new URL(target.url).pathname, headers: target.headers, body: target.body })),
      connections,
      duration: seconds,
      maxOverallRequests: seconds * MAX_REQUESTS_PER_SECOND,
      timeout: 30,
    });
  } finally {
    clearInterval(sampler);
  }
  const warm = samples.filter((sample) => sample.at >= Math.min(60, seconds / 5));
  const baseline = warm[0]?.rssMb ?? samples[0]?.rssMb ?? 0;
  const last = samples[samples.length - 1]?.rssMb ?? 0;
  const max = Math.max(...samples.map((sample) => sample.rssMb));
  // RSS follows the garbage collector's sawtooth (tens of MB within seconds), so two single samples can differ by a
  // quarter with no growth at all: the trend is the median of the first minute after warm-up against the last minute's.
  const window = Math.max(1, Math.min(12, Math.floor(warm.length / 3)));
  const firstMinuteMb = median(warm.slice(0, window).map((sample) => sample.rssMb));
  const lastMinuteMb = median(samples.slice(-window).map((sample) => sample.rssMb));
  return {
    seconds, samples, requests: result.requests.total, errors: result.errors + result.timeouts + result.non2xx,
    baselineMb: baseline, lastMb: last, maxMb: max, growthPercent: baseline ? ((last - baseline) / baseline) * 100 : 0,
    firstMinuteMedianMb: firstMinuteMb, lastMinuteMedianMb: lastMinuteMb,
    medianGrowthPercent: firstMinuteMb ? ((lastMinuteMb - firstMinuteMb) / firstMinuteMb) * 100 : 0,
  };
}

async function main(): Promise<void> {
  const flags = parseFlags(process.argv.slice(2), { cases: 100_000, duration: 10, connections: 8, warmup: 20, soak: 0, reseed: false, sql: false, only: 0, workers: cpus().length, repeat: 1 });
  if (flags.workers < 1 || flags.workers > 64) throw new Error('--workers must be 1..64');
  if (flags.duration < 1 || flags.duration > 600) throw new Error('--duration must be 1..600 seconds');
  if (flags.repeat < 1 || flags.repeat > 20) throw new Error('--repeat must be 1..20');
  if (flags.connections < 1 || flags.connections > 64) throw new Error('--connections must be 1..64');
  if (flags.soak > 1800) throw new Error('--soak is at most 1800 seconds');
  const url = benchDatabaseUrl();
  const started = new Date();

  const existing = await datasetSize(url);
  if (flags.reseed || existing !== flags.cases) {
    log(`bench: seeding ${flags.cases} cases into ${url} (found ${existing ?? 'no dataset'})`);
    const report = await seedScale(url, flags.cases, log);
    log(`bench: seeded in ${report.seconds.toFixed(1)} s: ${JSON.stringify(report.rows)}`);
  } else {
    log(`bench: reusing the ${existing}-case dataset in ${url}`);
  }

  const memory = await databaseMemory(url);
  log(`bench: InnoDB buffer pool ${memory.bufferPoolMb.toFixed(0)} MB, dataset ${memory.datasetMb.toFixed(0)} MB (data and indexes), adaptive hash index ${memory.adaptiveHashIndex ? 'on' : 'off'}`);
  if (memory.datasetMb > memory.bufferPoolMb) {
    log(`bench: warning: the dataset does not fit in the buffer pool; p99 then measures the disk cache. A production server gives the pool most of its memory ` +
      `(SET GLOBAL innodb_buffer_pool_size = ...; see bench/README.md)`);
  }

  const secret = randomBytes(32).toString('hex');
  const env: NodeJS.ProcessEnv = { ...process.env, NODE_ENV: 'production', DATABASE_URL: url, AUTH_JWT_SECRET: secret, LOG_LEVEL: 'warn', WEB_CONCURRENCY: String(flags.workers) };
  const config = loadConfig(env);
  const { ids, vendor: vendorDescription } = await userIds(url);
  const tokens = {} as Record<Role, string | null>;
  for (const role of Object.keys(ids) as Role[]) tokens[role] = ids[role] ? await signToken(config, ids[role]!, { expiresIn: '2h' }) : null;
  log(`bench: the vendor is ${vendorDescription}`);
  log(`bench: servers run with ${SERVER_NODE_ARGUMENTS.join(' ')}; ${flags.warmup} s of warm-up per server and operation`);
  const tokenFor = (role: Role | 'anonymous') => (role === 'anonymous' ? null : tokens[role]);

  const results: OperationResult[] = [];
  let authorization: { coordinator: LoadResult; vendor: LoadResult; statementsAsVendor: number; ratios: number[] } | null = null;
  let soakResult: Awaited<ReturnType<typeof soak>> | null = null;
  const api = await startServer('api-server.js', API_PORT, env);
  let floor: ChildProcess | null = null;
  let statementsServer: ChildProcess | null = null;
  try {
    floor = await startServer('floor-server.js', FLOOR_PORT, env);
    if (flags.workers > 1) {
      statementsServer = await startServer('api-server.js', STATEMENTS_PORT, { ...env, WEB_CONCURRENCY: '1' });
      statementsPort = STATEMENTS_PORT;
    }
    // --only N: just the Nth operation (1-based), for profiling one read; 5 is the dashboard as the vendor.
    for (const operation of OPERATIONS.filter((_operation, index) => flags.only === 0 || flags.only === index + 1)) {
      if (operation.role !== 'anonymous' && !tokens[operation.role]) {
        log(`bench: skipping "${operation.name}": the dataset has no ${operation.role} user`);
        continue;
      }
      const apiCall = apiTarget(operation, tokenFor(operation.role));
      const answer = (await call(apiCall)).data as Record<string, { edges: unknown[] }>;
      if (answer[operation.root].edges.length !== PAGE) log(`  note: "${operation.name}" returned ${answer[operation.root].edges.length} rows, not a full page of ${PAGE}`);
      const statementsPerRequest = await measureStatements(apiCall);
      if (flags.sql) log(`bench: ${operation.name}: the statements of one request`);
      const scans = await explainLastRequest(url, Math.round(statementsPerRequest), flags.sql);
      await load(apiCall, api.pid!, flags.warmup, flags.connections);
      const floorCall = operation.floorPath ? floorTarget(operation.floorPath, tokenFor(operation.role)) : null;
      if (floorCall) {
        await call(floorCall);
        await load(floorCall, floor.pid!, flags.warmup, flags.connections);
      }
      // --repeat N: API and floor alternate N times, so a drift of the machine's speed hits both alike; the table
      // shows the medians and the ratio of each pair.
      const apiRuns: LoadResult[] = [];
      const floorRuns: LoadResult[] = [];
      for (let run = 0; run < flags.repeat; run++) {
        apiRuns.push(await load(apiCall, api.pid!, flags.duration, flags.connections));
        if (floorCall) floorRuns.push(await load(floorCall, floor.pid!, flags.duration, flags.connections));
      }
      const apiResult = medianRun(apiRuns);
      const floorResult = floorCall ? medianRun(floorRuns) : null;
      const ratios = floorRuns.map((floorRun, index) => apiRuns[index].requestsPerSecond / Math.max(floorRun.requestsPerSecond, Number.EPSILON));
      results.push({ name: operation.name, statementsPerRequest, fullScans: scans, api: apiResult, floor: floorResult, ratios });
      log(`bench: ${operation.name}: ${apiResult.requestsPerSecond.toFixed(0)} req/s (floor ${floorResult?.requestsPerSecond.toFixed(0) ?? '-'})`);
    }

    if (tokens.coordinator && tokens.vendor && (flags.only === 0 || flags.only === 5)) {
      // The same dashboard query, once unrestricted (coordinator) and once under the vendor's policy.
      const dashboard = OPERATIONS[0];
      const asVendor = apiTarget(dashboard, tokens.vendor);
      await call(asVendor);
      const statementsAsVendor = await measureStatements(asVendor);
      if (flags.sql) {
        log('bench: the dashboard as the vendor: the statements of one request');
        await explainLastRequest(url, Math.round(statementsAsVendor), true);
      }
      await load(asVendor, api.pid!, flags.warmup, flags.connections);
      // As the coordinator again, alternating with the vendor's runs: compared with the coordinator's runs of minutes
      // before, a drift of the machine's speed showed as authorization cost (76% and 88% in two runs of one session).
      const asCoordinator = apiTarget(dashboard, tokens.coordinator);
      const vendorRuns: LoadResult[] = [];
      const coordinatorRuns: LoadResult[] = [];
      for (let run = 0; run < flags.repeat; run++) {
        coordinatorRuns.push(await load(asCoordinator, api.pid!, flags.duration, flags.connections));
        vendorRuns.push(await load(asVendor, api.pid!, flags.duration, flags.connections));
      }
      const ratios = vendorRuns.map((vendorRun, index) => vendorRun.requestsPerSecond / Math.max(coordinatorRuns[index].requestsPerSecond, Number.EPSILON));
      authorization = { coordinator: medianRun(coordinatorRuns), vendor: medianRun(vendorRuns), statementsAsVendor, ratios };
    }

    if (flags.soak > 0) {
      log(`bench: soak: the four operations in turn for ${flags.soak} s, sampling the server's RSS every 5 s`);
      const targets = OPERATIONS.filter((operation) => operation.role === 'anonymous' || tokens[operation.role]).map((operation) => apiTarget(operation, tokenFor(operation.role)));
      soakResult = await soak(targets, api.pid!, flags.soak, flags.connections);
    }
  } finally {
    await stopServer(api);
    if (floor) await stopServer(floor);
    if (statementsServer) await stopServer(statementsServer);
  }

  log('');
  log(`renraku bench, ${started.toISOString()}: ${flags.cases} cases, ${flags.workers} worker process${flags.workers === 1 ? '' : 'es'} per server, ${flags.connections} connections, ${flags.duration} s per run${flags.repeat > 1 ? ` (API and floor alternating, ${flags.repeat} runs each)` : ''}, ` +
    `${cpus().length} cores (${cpus()[0]?.model ?? 'unknown'}), load average at start ${loadavg()[0].toFixed(2)}, Node ${process.version}, ` +
    `InnoDB buffer pool ${memory.bufferPoolMb.toFixed(0)} MB for a ${memory.datasetMb.toFixed(0)} MB dataset, adaptive hash index ${memory.adaptiveHashIndex ? 'on' : 'off'}`);
  printTable(results);
  if (authorization) {
    const ratio = median(authorization.ratios);
    log('');
    log(`authorization cost, the dashboard query as coordinator vs as vendor (alternating): ${authorization.coordinator.requestsPerSecond.toFixed(0)} vs ` +
      `${authorization.vendor.requestsPerSecond.toFixed(0)} req/s (vendor/coordinator ${(ratio * 100).toFixed(0)}%` +
      `${authorization.ratios.length > 1 ? `, pairs ${authorization.ratios.map((each) => `${(each * 100).toFixed(0)}%`).join(', ')}` : ''}, ` +
      `p99 ${authorization.coordinator.p99} vs ${authorization.vendor.p99} ms, ${authorization.statementsAsVendor.toFixed(1)} statements/request as vendor)`);
  }
  if (soakResult) {
    log('');
    log(`soak ${soakResult.seconds} s, ${soakResult.requests} requests (${soakResult.errors} failed): RSS after warm-up ${soakResult.baselineMb.toFixed(0)} MB, ` +
      `at the end ${soakResult.lastMb.toFixed(0)} MB, max ${soakResult.maxMb.toFixed(0)} MB: growth ${soakResult.growthPercent.toFixed(1)}%; ` +
      `median of the first minute after warm-up ${soakResult.firstMinuteMedianMb.toFixed(0)} MB, of the last minute ${soakResult.lastMinuteMedianMb.toFixed(0)} MB: ` +
      `growth ${soakResult.medianGrowthPercent.toFixed(1)}%`);
  }

  // A run of one operation (--only) is a diagnosis, not a record: it goes to the temporary directory, so bench/results
  // (which comparePercentiles reads) holds full runs only.
  const directory = flags.only === 0 ? RESULTS_DIRECTORY : join(tmpdir(), 'renraku-bench');
  mkdirSync(directory, { recursive: true });
  const record = { date: started.toISOString(), cases: flags.cases, workers: flags.workers, connections: flags.connections, duration: flags.duration, warmup: flags.warmup, repeat: flags.repeat, serverNodeArguments: SERVER_NODE_ARGUMENTS, cores: cpus().length, ...memory, results, authorization, soak: soakResult };
  const file = join(directory, `${started.toISOString().replace(/[:.]/g, '-')}-${flags.cases}.json`);
  writeFileSync(file, `${JSON.stringify(record, null, 2)}\n`);
  log(`\nbench: results written to ${file}`);
  comparePercentiles(record.cases, record.workers, results);
}

/** p99 against the most recent run on a different dataset size, to show how latency grows with the data. */
function comparePercentiles(cases: number, workers: number, results: OperationResult[]): void {
  let files: string[];
  try {
    files = readdirSync(RESULTS_DIRECTORY).filter((name) => name.endsWith('.json')).sort();
  } catch {
    return;
  }
  for (const file of files.reverse()) {
    const other = JSON.parse(readFileSync(join(RESULTS_DIRECTORY, file), 'utf8')) as { cases: number; workers?: number; date: string; results: OperationResult[] };
    if (other.cases === cases || (other.workers ?? 1) !== workers) continue;
    log(`\np99 at ${cases} cases vs ${other.cases} cases (${other.date}):`);
    for (const result of results) {
      const previous = other.results.find((candidate) => candidate.name === result.name);
      if (previous && previous.api.p99 > 0 && result.api.p99 > 0) log(`  ${result.name.padEnd(24)} ${result.api.p99} ms vs ${previous.api.p99} ms (${(result.api.p99 / previous.api.p99).toFixed(2)}x)`);
      else if (previous) log(`  ${result.name.padEnd(24)} not comparable: a run completed no request`);
    }
    return;
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
