import { ChildProcess, spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createTestDatabase, TestDatabase, testDatabaseKind } from './support/database';

const ROOT = join(__dirname, '..');

/** src/main.ts in a child process, from the TypeScript sources. */
function startMain(env: NodeJS.ProcessEnv): ChildProcess {
  return spawn(process.execPath, ['-r', join(ROOT, 'test/support/ts-require.js'), join(ROOT, 'src/main.ts')], {
    cwd: ROOT,
    env: { PATH: process.env.PATH, NODE_ENV: 'development', LOG_LEVEL: 'info', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
}

function output(child: ChildProcess): { text: () => string; waitFor: (pattern: RegExp, ms?: number) => Promise<void> } {
  let text = '';
  child.stdout!.on('data', (chunk: Buffer) => (text += chunk.toString()));
  child.stderr!.on('data', (chunk: Buffer) => (text += chunk.toString()));
  return {
    text: () => text,
    waitFor: (pattern, ms = 45_000) =>
      new Promise((resolve, reject) => {
        const started = Date.now();
        const check = () => {
          if (pattern.test(text)) resolve();
          else if (child.exitCode !== null || Date.now() - started > ms) reject(new Error(`no ${pattern} in: ${text}`));
          else setTimeout(check, 100);
        };
        check();
      }),
  };
}

function childrenOf(pid: number): number[] {
  try {
    return readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8').split(' ').filter(Boolean).map(Number);
  } catch {
    return [];
  }
}

function exited(child: ChildProcess): Promise<number | null> {
  return child.exitCode !== null ? Promise.resolve(child.exitCode) : new Promise((resolve) => child.once('exit', (code) => resolve(code)));
}

const SEARCH = JSON.stringify({ query: '{ searchAdvisories(first: 5) { totalCount edges { node { identifier } } } }' });

async function search(port: number): Promise<{ status: number; body: { data?: { searchAdvisories: { totalCount: number } } } }> {
  const response = await fetch(`http://127.0.0.1:${port}/graphql`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: SEARCH });
  return { status: response.status, body: (await response.json()) as { data?: { searchAdvisories: { totalCount: number } } } };
}

describe('WEB_CONCURRENCY: one server process per core', () => {
  if (testDatabaseKind() === 'sqlite') {
    it('is refused on SQLite, whose writes are serialized inside one process', async () => {
      const child = startMain({ WEB_CONCURRENCY: '2', DATABASE_URL: 'sqlite::memory:', PORT: '0' });
      const out = output(child);
      expect(await exited(child)).toBe(2);
      expect(out.text()).toContain('WEB_CONCURRENCY above 1 needs MySQL/MariaDB');
    });
    return;
  }

  let database: TestDatabase;
  beforeAll(async () => {
    database = await createTestDatabase();
    // The primary migrates and seeds (again, idempotently) before it forks: the schema exists here already.
    await database.dataSource.destroy();
  });
  afterAll(async () => {
    await database.drop().catch(() => undefined);
  });

  it('serves from two workers after the primary migrated and seeded, replaces a worker that dies, and stops cleanly', async () => {
    if (database.config.type !== 'mysql') throw new Error('MariaDB only');
    const port = 47_000 + (process.pid % 2_000);
    const child = startMain({ WEB_CONCURRENCY: '2', DATABASE_URL: database.config.url, PORT: String(port) });
    const out = output(child);
    try {
      await out.waitFor(/"workers":2,.*renraku listening/);
      const workers = childrenOf(child.pid!);
      expect(workers).toHaveLength(2);
      // The demo world the primary seeded, as every worker serves it.
      for (let index = 0; index < 6; index++) {
        const { status, body } = await search(port);
        expect(status).toBe(200);
        expect(body.data?.searchAdvisories.totalCount).toBe(2);
      }

      process.kill(workers[0], 'SIGKILL');
      await out.waitFor(new RegExp(`worker ${workers[0]} exited \\(SIGKILL\\); starting another`));
      const deadline = Date.now() + 45_000;
      while (Date.now() < deadline && (childrenOf(child.pid!).length < 2 || childrenOf(child.pid!).includes(workers[0]))) await new Promise((resolve) => setTimeout(resolve, 200));
      const replaced = childrenOf(child.pid!);
      expect(replaced).toHaveLength(2);
      expect(replaced).not.toContain(workers[0]);
      for (let attempt = 0; attempt < 100; attempt++) {
        if ((await search(port).catch(() => ({ status: 0 }))).status === 200) break;
        await new Promise((resolve) => setTimeout(resolve, 200));
      }
      expect((await search(port)).status).toBe(200);

      child.kill('SIGTERM');
      expect(await exited(child)).toBe(0);
      expect(childrenOf(child.pid!)).toEqual([]);
      for (const pid of replaced) expect(() => process.kill(pid, 0)).toThrow();
    } finally {
      if (child.exitCode === null) child.kill('SIGKILL');
    }
  }, 120_000);
});
