import 'reflect-metadata';
import { openDatabase } from '../app';
import { verifyAuditChain } from '../audit/audit-chain';
import { loadConfig } from '../config/config';

/**
 * `npm run audit:verify`: walks the audit log of the configured database (DATABASE_URL) and exits 1 when an entry was
 * removed or altered, listing each problem; 0 when the chain is intact.
 */
async function main(): Promise<void> {
  const dataSource = await openDatabase(loadConfig());
  try {
    const result = await verifyAuditChain(dataSource);
    if (result.intact) {
      console.log(`audit log intact: ${result.entries} entries, last ${result.lastSequence}, head ${result.lastHash}`);
      return;
    }
    console.error(`audit log BROKEN: ${result.problems.length} problem(s) in ${result.entries} entries`);
    for (const problem of result.problems) console.error(`  ${problem.kind} at ${problem.sequence}: ${problem.detail}`);
    process.exitCode = 1;
  } finally {
    await dataSource.destroy();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 2;
});
