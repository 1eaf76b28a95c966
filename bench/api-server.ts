import 'reflect-metadata';
import { writeFileSync } from 'node:fs';
import inspector from 'node:inspector';
import type { Logger, QueryRunner } from 'typeorm';
import { openDatabase } from '../src/app';
import { countSqlStatements } from '../src/common/sql-statement-counter';
import { AppConfig, loadConfig } from '../src/config/config';
import { runServerProcesses } from '../src/http/workers';
import type { Logger as PinoLogger } from 'pino';
import { createLogger } from '../src/http/logger';
import { registerRoutes } from '../src/http/routes';
import { createServer } from '../src/http/server';

const RECORDED_STATEMENTS = 100;

/** Keeps the last statements sent, so the driver can EXPLAIN exactly what an operation ran. */
class RecordingLogger implements Logger {
  readonly recent: { sql: string; parameters: unknown[] }[] = [];

  constructor(private readonly inner: Logger) {}

  logQuery(query: string, parameters?: unknown[], queryRunner?: QueryRunner): void {
    this.recent.push({ sql: query, parameters: parameters ?? [] });
    if (this.recent.length > RECORDED_STATEMENTS) this.recent.shift();
    this.inner.logQuery(query, parameters, queryRunner);
  }

  logQueryError(error: string | Error, query: string, parameters?: unknown[], queryRunner?: QueryRunner): void {
    this.inner.logQueryError(error, query, parameters, queryRunner);
  }

  logQuerySlow(time: number, query: string, parameters?: unknown[], queryRunner?: QueryRunner): void {
    this.inner.logQuerySlow(time, query, parameters, queryRunner);
  }

  logSchemaBuild(message: string, queryRunner?: QueryRunner): void {
    this.inner.logSchemaBuild(message, queryRunner);
  }

  logMigration(message: string, queryRunner?: QueryRunner): void {
    this.inner.logMigration(message, queryRunner);
  }

  log(level: 'log' | 'info' | 'warn', message: unknown, queryRunner?: QueryRunner): void {
    this.inner.log(level, message, queryRunner);
  }
}

/**
 * The real server as src/main.ts builds it (same config loader, migrations, routes, schema and Apollo setup),
 * listening on loopback only, plus one extra route that reports how many SQL statements it has sent so far and
 * the last ones sent.
 */
async function main(): Promise<void> {
  const config = loadConfig({ ...process.env, SEED_DEMO: 'false' });
  const logger = createLogger(config.logLevel);
  // With WEB_CONCURRENCY above one, as src/main.ts: the primary migrates, each worker serves (its statement count
  // is its own, so the driver asks a one-worker server for statement counts).
  await runServerProcesses({
    workers: config.workers,
    log: { info: (message) => logger.info(message), error: (message) => logger.error(message) },
    async prepare() {
      await (await openDatabase(config)).destroy();
    },
    serve: () => serve(config, logger),
    ready: () => console.log(`api-server listening on 127.0.0.1:${config.port} (${config.workers} worker${config.workers === 1 ? '' : 's'})`),
  });
}

async function serve(config: AppConfig, logger: PinoLogger): Promise<void> {
  const dataSource = await openDatabase(config, { migrate: false });
  const counter = countSqlStatements(dataSource);
  const recorder = new RecordingLogger(counter);
  dataSource.setOptions({ logger: recorder });
  const server = await createServer({
    config,
    dataSource,
    logger,
    routes: (app, deps) => {
      app.get('/bench/statements', (_request, response) => {
        response.json({ statements: counter.statements, recent: recorder.recent });
      });
      // A CPU profile of exactly the requests between start and stop (BENCH_PROFILE=1 only): startup and warm-up
      // stay out of it, unlike --cpu-prof.
      if (process.env.BENCH_PROFILE === '1') {
        const session = new inspector.Session();
        session.connect();
        const post = (method: string, params?: object) =>
          new Promise<unknown>((resolve, reject) => session.post(method, params ?? {}, (error, result) => (error ? reject(error) : resolve(result))));
        app.post('/bench/profile/start', async (_request, response) => {
          await post('Profiler.enable');
          await post('Profiler.setSamplingInterval', { interval: 200 });
          await post('Profiler.start');
          response.json({ started: true });
        });
        app.post('/bench/profile/stop', async (request, response) => {
          const { profile } = (await post('Profiler.stop')) as { profile: unknown };
          writeFileSync(String(request.query.file), JSON.stringify(profile));
          response.json({ written: request.query.file });
        });
      }
      registerRoutes(app, deps);
    },
  });
  await new Promise<void>((resolve) => server.httpServer.listen(config.port, '127.0.0.1', resolve));
  const stop = async () => {
    await server.stop();
    await dataSource.destroy();
    process.exit(0);
  };
  process.on('SIGTERM', () => void stop());
  process.on('SIGINT', () => void stop());
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
