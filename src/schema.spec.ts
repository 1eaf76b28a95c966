import { readFileSync } from 'node:fs';
import { accessTable, printedSchema } from './schema';

describe('the emitted schema', () => {
  it('matches schema/schema.graphql (run npm run schema:emit after changing the API)', async () => {
    expect(await printedSchema()).toBe(readFileSync('schema/schema.graphql', 'utf8'));
  });

  it('declares who may call every Query and Mutation field', async () => {
    const { undeclared } = await accessTable();
    expect(undeclared).toEqual([]);
  });

  it('matches the reviewed access table in schema/access.txt', async () => {
    expect((await accessTable()).table).toBe(readFileSync('schema/access.txt', 'utf8'));
  });
});
