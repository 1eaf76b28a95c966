import 'reflect-metadata';
import { writeFileSync } from 'node:fs';
import { accessTable, printedSchema } from '../schema';

/** Writes schema/schema.graphql and schema/access.txt from the code. Tests fail when the checked-in files differ. */
async function main(): Promise<void> {
  writeFileSync('schema/schema.graphql', await printedSchema());
  writeFileSync('schema/access.txt', (await accessTable()).table);
  console.log('wrote schema/schema.graphql and schema/access.txt');
}

void main();
