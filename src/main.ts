import 'reflect-metadata';
import type { DataSource } from 'typeorm';
import { openDatabase } from './app';
import { AppConfig, ConfigError, loadConfig } from './config/config';
import { seedDemoWorldIfEmpty } from './demo/demo-world';
import { createLogger } from './http/logger';
import { createServer } from './http/server';
import { registerRoutes } from './http/routes';
import { runServerProcesses } from './http/workers';

async function main(): Promise<void> {
  let config: AppConfig;
  try {
    config = loadConfig();
  } catch (error) {
    if (error instanceof ConfigError) {
      console.error(error.message);
      process.exit(2);
    }
    throw error;
  }
  const logger = createLogger(config.logLevel);
  const listening = `renraku listening on http://localhost:${config.port}/graphql`;
  let preparedDataSource: DataSource | undefined;

  await runServerProcesses({
    workers: config.workers,
    log: { info: (message) => logger.info(message), error: (message) => logger.error(message) },
    async prepare() {
      const dataSource = await openDatabase(config);
      if (config.seedDemoWorld) {
        const seeded = await seedDemoWorldIfEmpty(dataSource, new Date());
        if (seeded) logger.info('seeded the demo world; get a token with: npm run token -- coordinator@renraku.example');
      }
      // With workers, each opens its own connections; with one, this process serves on the same ones.
      if (config.workers > 1) await dataSource.destroy();
      else preparedDataSource = dataSource;
    },
    async serve() {
      // A forked worker opens its own connections; the primary has migrated already.
      const dataSource = preparedDataSource ?? (await openDatabase(config, { migrate: false }));
      const server = await createServer({ config, dataSource, logger, routes: registerRoutes });
      await new Promise<void>((resolve) => server.httpServer.listen(config.port, resolve));
      let stopping = false;
      const shutdown = async (signal: string) => {
        if (stopping) return;
        stopping = true;
        logger.info({ signal }, 'shutting down: finishing in-flight requests');
        await server.stop();
        await dataSource.destroy();
        process.exit(0);
      };
      process.on('SIGTERM', () => void shutdown('SIGTERM'));
      process.on('SIGINT', () => void shutdown('SIGINT'));
    },
    ready() {
      logger.info({ port: config.port, database: config.database.type, workers: config.workers }, listening);
    },
  });
}

void main().catch((error) => {
  console.error(error);
  process.exit(1);
});
