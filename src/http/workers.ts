import cluster from 'node:cluster';

export interface WorkerLog {
  info(message: string): void;
  error(message: string): void;
}

export interface ServerProcesses {
  /** Processes serving requests; above one, node:cluster forks them and they share the listening port. */
  workers: number;
  /** Runs once, in the process started first, before any worker serves: migrations, demo data. */
  prepare(): Promise<void>;
  /** Starts serving and resolves once listening; in every worker (or in this process, with one worker). */
  serve(): Promise<void>;
  /** Said once every worker listens. */
  ready(): void;
  log: WorkerLog;
}

const RESTART_DELAY_MS = 1_000;
const STOP_GRACE_MS = 15_000;

/**
 * One Node.js process runs JavaScript on one core, so a server with several cores runs one worker per core. With
 * `workers` above one the primary prepares the database, forks the workers, restarts one that dies, and passes
 * SIGTERM/SIGINT on so each finishes its in-flight requests. Nothing a worker holds in memory is shared state: the
 * rate limits and the audit chain's head live in the database, and the caches (verified tokens, query-cost
 * verdicts) are per process by design.
 */
export async function runServerProcesses(options: ServerProcesses): Promise<void> {
  if (options.workers <= 1) {
    await options.prepare();
    await options.serve();
    options.ready();
    return;
  }
  if (cluster.isWorker) {
    await options.serve();
    return;
  }
  await options.prepare();
  let stopping = false;
  let listening = 0;
  // Counted here: cluster.workers may still list a worker when its 'exit' event fires.
  const live = new Set<number>();
  const fork = () => live.add(cluster.fork().id);
  cluster.on('listening', () => {
    listening += 1;
    if (listening === options.workers) options.ready();
  });
  cluster.on('exit', (worker, code, signal) => {
    live.delete(worker.id);
    if (stopping) {
      if (live.size === 0) process.exit(0);
      return;
    }
    options.log.error(`worker ${worker.process.pid} exited (${signal ?? code}); starting another`);
    setTimeout(() => {
      if (!stopping) fork();
    }, RESTART_DELAY_MS);
  });
  const stop = (signal: NodeJS.Signals) => {
    if (stopping) return;
    stopping = true;
    for (const worker of Object.values(cluster.workers ?? {})) worker?.process.kill(signal);
    setTimeout(() => process.exit(1), STOP_GRACE_MS).unref();
  };
  process.on('SIGTERM', () => stop('SIGTERM'));
  process.on('SIGINT', () => stop('SIGINT'));
  for (let index = 0; index < options.workers; index++) fork();
  options.log.info(`started ${options.workers} workers`);
}
