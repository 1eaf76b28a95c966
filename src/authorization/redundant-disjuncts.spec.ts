import { Condition, guard, interpret } from '@ucast/mongo2js';
import fc from 'fast-check';
import { disjunctsOf, implies, withoutRedundantDisjuncts } from './sql-condition';

/**
 * `implies` judges by the shape of two condition trees, and `withoutRedundantDisjuncts` drops the disjuncts it finds
 * implied: both must hold for every object, not just the policies' own conditions. Conditions are drawn from a small
 * pool of leaves (so that one often repeats another plus a conjunct, as policy rules do) over plain fields and over
 * the rows of a to-many relation (`items: { $elemMatch }`), and evaluated by ucast's own interpreter, as CASL does.
 */
type Query = Record<string, unknown>;

const value = fc.constantFrom(0, 1, null);
// fast-check's records have no prototype, which ucast's parser refuses: leaves are built as plain objects.
const leaf = (field: string, operand: fc.Arbitrary<unknown>): fc.Arbitrary<Query> => operand.map((each) => ({ [field]: each }));
const itemLeaf: fc.Arbitrary<Query> = fc.oneof(leaf('x', value), leaf('y', value));
const rowLeaf: fc.Arbitrary<Query> = fc.oneof(
  leaf('a', value),
  leaf('b', value),
  leaf('c', value.map((each) => ({ $ne: each }))),
  // ucast takes no $and inside $elemMatch: one object of distinct fields, as the policies write it.
  fc.array(itemLeaf, { minLength: 1, maxLength: 2 }).map((leaves) => ({ items: { $elemMatch: Object.assign({}, ...leaves) as Query } })),
);
const conjunction = fc.array(rowLeaf, { minLength: 1, maxLength: 3 }).map((leaves): Query => ({ $and: leaves }));
const disjunction: fc.Arbitrary<Query> = fc
  .array(fc.oneof(conjunction, fc.array(conjunction, { minLength: 1, maxLength: 3 }).map((inner): Query => ({ $or: inner }))), { minLength: 1, maxLength: 6 })
  .map((parts) => ({ $or: parts }));

const item = fc.tuple(value, value).map(([x, y]) => ({ x, y }));
const row = fc.tuple(value, value, value, fc.array(item, { maxLength: 3 })).map(([a, b, c, items]) => ({ a, b, c, items }));

const holds = (condition: Condition, object: object) => interpret(condition, object) as boolean;

describe('redundant disjuncts', () => {
  it('dropping them never changes which objects a disjunction matches', () => {
    fc.assert(
      fc.property(disjunction, fc.array(row, { minLength: 1, maxLength: 20 }), (query, objects) => {
        const ast = guard(query).ast;
        const simplified = withoutRedundantDisjuncts(ast);
        for (const object of objects) expect(holds(simplified, object)).toBe(holds(ast, object));
      }),
      { numRuns: 2000 },
    );
  });

  it('a condition judged to imply another never holds where the other does not', () => {
    let judged = 0;
    fc.assert(
      fc.property(disjunction, disjunction, fc.array(row, { minLength: 1, maxLength: 20 }), (first, second, objects) => {
        const pool = [...disjunctsOf(guard(first).ast), ...disjunctsOf(guard(second).ast)];
        for (const a of pool) {
          for (const b of pool) {
            if (!implies(a, b)) continue;
            judged++;
            for (const object of objects) if (holds(a, object)) expect(holds(b, object)).toBe(true);
          }
        }
      }),
      { numRuns: 1000 },
    );
    expect(judged).toBeGreaterThan(1000);
  });

  it('drops a rule that repeats a broader one plus a flag, inside $elemMatch too', () => {
    const live = { organizationId: 'o', revokedAt: null };
    const broad = { grants: { $elemMatch: live } };
    const narrow = { grants: { $elemMatch: { ...live, shareImpact: true } } };
    const published = { status: 'PUBLISHED' };
    const simplified = withoutRedundantDisjuncts(guard({ $or: [narrow, { $or: [broad, published] }] }).ast);
    expect(simplified).toEqual(guard({ $or: [broad, published] }).ast);
    // Neither side implies the other: both stay.
    const other = { grants: { $elemMatch: { organizationId: 'p', shareImpact: true } } };
    expect(disjunctsOf(withoutRedundantDisjuncts(guard({ $or: [other, broad] }).ast))).toHaveLength(2);
  });

  it('keeps one of two identical disjuncts', () => {
    const simplified = withoutRedundantDisjuncts(guard({ $or: [{ a: 1 }, { a: 1 }] }).ast);
    expect(simplified).toEqual(guard({ a: 1 }).ast);
  });
});
