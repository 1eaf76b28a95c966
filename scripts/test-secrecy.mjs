// Longer secrecy runs: `npm run test:secrecy -- --runs 200 [--seed 42] [--db sqlite|mariadb]`.
// Runs the oracle property suite, the canary, the existence matrix and the CASL/SQL agreement property with N
// random worlds each (npm test runs a handful). A failure prints fast-check's seed and path: keep them in
// test/secrecy/regressions.ts (see docs/security.md).
import { spawnSync } from 'node:child_process';

const args = process.argv.slice(2);
const option = (name) => {
  const index = args.indexOf(`--${name}`);
  return index >= 0 ? args[index + 1] : undefined;
};
const runs = Number(option('runs') ?? 50);
if (!Number.isInteger(runs) || runs < 1) {
  console.error('--runs must be a positive integer');
  process.exit(2);
}
const seed = option('seed');
const db = option('db');
const env = {
  ...process.env,
  SECRECY_RUNS: String(runs),
  // Room for every run plus shrinking a counterexample.
  SECRECY_TIME_LIMIT_MS: process.env.SECRECY_TIME_LIMIT_MS ?? String(runs * 60_000 + 600_000),
  ...(seed ? { SECRECY_SEED: seed } : {}),
};
const jestArgs = ['jest', 'test/secrecy', 'policies/sql-agreement.spec.ts', '--testTimeout', String(runs * 120_000 + 600_000), ...(db ? ['--selectProjects', db] : [])];
const result = spawnSync('npx', jestArgs, { stdio: 'inherit', env });
process.exit(result.status ?? 1);
