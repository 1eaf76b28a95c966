import { AbilityBuilder, buildMongoQueryMatcher, createMongoAbility, MongoAbility } from '@casl/ability';
import { $and, $or, and, or } from '@ucast/mongo2js';

export type Action = 'manage' | 'read' | 'create' | 'update' | 'transition' | 'publish' | 'vote' | 'respond';
export type AppAbility = MongoAbility<[string, string | object]>;
export type Builder = AbilityBuilder<AppAbility>;

type Comparable = number | string | boolean | Date | null | undefined;

/**
 * CASL's default comparison treats null as smaller than every date and compares Date objects by identity for
 * equality. SQL does neither: NULL compares as unknown and dates compare by value. This comparison makes the
 * in-memory `can()` agree with the SQL the same rules are translated to (checked by a property test).
 */
function compareLikeSql(a: Comparable, b: Comparable): 0 | 1 | -1 {
  if (a === null || a === undefined || b === null || b === undefined) return Number.NaN as unknown as 0;
  const left = a instanceof Date ? a.getTime() : a;
  const right = b instanceof Date ? b.getTime() : b;
  if (left === right) return 0;
  return left > right ? 1 : -1;
}

/** `$or`/`$and` are enabled for window conditions such as "no end, or an end still ahead" (sql-condition.ts translates both). */
export const conditionsMatcher = buildMongoQueryMatcher({ $or, $and }, { or, and }, { compare: compareLikeSql as never });

export function newBuilder(): Builder {
  return new AbilityBuilder<AppAbility>((rules) => createMongoAbility(rules, { conditionsMatcher }));
}
