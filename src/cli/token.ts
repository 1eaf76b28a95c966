import 'reflect-metadata';
import { openDatabase } from '../app';
import { loadConfig } from '../config/config';
import { signToken } from '../context/authentication';
import { seedDemoWorldIfEmpty } from '../demo/demo-world';
import { User } from '../organizations/user.entity';

/** `npm run token -- <email>`: prints a bearer token for a user of the configured database (the demo world by default). */
async function main(): Promise<void> {
  const email = process.argv[2];
  if (!email) {
    console.error('usage: npm run token -- <email>   (for example coordinator@renraku.example)');
    process.exit(2);
  }
  const config = loadConfig();
  const dataSource = await openDatabase(config);
  try {
    if (config.seedDemoWorld) await seedDemoWorldIfEmpty(dataSource, new Date());
    const user = await dataSource.getRepository(User).findOne({ where: { email: email.toLowerCase() } });
    if (!user) {
      console.error(`No user with e-mail ${email}`);
      process.exitCode = 1;
      return;
    }
    process.stdout.write(`${await signToken(config, user.id)}\n`);
  } finally {
    await dataSource.destroy();
  }
}

void main();
