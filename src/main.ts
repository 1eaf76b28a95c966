import 'reflect-metadata';
import { openDatabase } from './app';
import { ConfigError, loadConfig } from './config/config';
import { seedDemoWorldIfEmpty } from './demo/demo-world';
import { createLogger } from './http/logger';
import { createServer } from './http/server';
import { registerRoutes } from './http/routes';

async function main(): Promise<void> {
  let config;
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
  const dataSource = await openDatabase(config);
  if (config.seedDemoWorld) {
    const seeded = await seedDemoWorldIfEmpty(dataSource, new Date());
    if (seeded) logger.info('seeded the demo world; get a token with: npm run token -- coordinator@renraku.example');
  }
  const server = await createServer({ config, dataSource, logger, routes: registerRoutes });
  await new Promise<void>((resolve) => server.httpServer.listen(config.port, resolve));
  logger.info({ port: config.port, database: config.database.type }, `renraku listening on http://localhost:${config.port}/graphql`);

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
}

void main().catch((error) => {
  console.error(error);
  process.exit(1);
});
