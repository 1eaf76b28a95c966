import { CompoundCondition, FieldCondition } from '@ucast/mongo2js';
import type { DataSource } from 'typeorm';
import type { RequestContext } from '../context/request-context';

/**
 * Policy translations (condition trees turned into SQL) shared by the requests whose rules for a subject are the same.
 * Every request builds its own ability (rules hold the viewer's ids and, for some subjects, the request's clock), and
 * translating its rules anew cost about 5% of a dashboard request's CPU and a sixth of an operator's. A translation
 * depends on nothing but the rules it was made from (their conditions with their values, fields, inversion and
 * order), the subject's metadata, the alias and the driver, so it is keyed by exactly those: the raw rules the
 * ability holds for the action and subject, serialized so that values which JSON would merge (undefined and a missing
 * key, NaN and null) stay distinct.
 *
 * The request's clock: the policies compare with `now`, the very Date object the request's ability was built with
 * (`ctx.now`). In the key that object stands as a symbol, so requests at different instants share a translation; the
 * translator only ever passes a value through as a bound parameter, never into the SQL text or its structure. A
 * translation is shared only if every Date it holds (parameters and condition tree) is that object, and each request
 * gets a copy with its own `now` in their place. Any other Date, or any value other than JSON's own and the condition
 * tree's classes, and the rules are not shared at all. Bounded: the least recently used translation goes first.
 */
const MAX_SHARED = 5_000;

interface Shared {
  made: unknown;
  /** The clock of the request that made it: the object to put each later request's clock in place of. */
  madeAt: Date;
  /** Whether the clock occurs in it at all; when not, every request gets `made` itself, with nothing to replace. */
  holdsClock: boolean;
}

const byDataSource = new WeakMap<DataSource, Map<string, Shared>>();

/**
 * What each request's ability has already been given, so that a request asking for the same translation again (every
 * loader batch and every restricted field does) skips serializing its rules. Keyed by the ability object: a request's
 * copies of its context (inside a transaction) share it, while a context with another viewer has another ability.
 */
interface Given {
  now: Date;
  dataSource: DataSource;
  byKey: Map<string, unknown>;
  /** rulesKey for each action and subject. */
  rules: Map<string, string | null>;
}
const givenToAbility = new WeakMap<object, Given>();

class Unshareable extends Error {}

const CLOCK = { $requestClock: true };

/** The key of the raw rules `ctx.ability` holds for `action` on `subject`, or null when they cannot be keyed safely. */
function rulesKey(ctx: RequestContext, action: string, subject: string): string | null {
  return keyOfRules(ctx, ctx.ability.possibleRulesFor(action, subject).map((rule) => rule.origin));
}

const wholeRulesKeys = new WeakMap<object, { now: Date; key: string | null }>();

/**
 * The key of every raw rule `ctx.ability` holds, whatever the action and subject, with the request's clock as a
 * symbol (as rulesKey): equal keys mean abilities with the same rules but for the instant. Null when they cannot be
 * keyed safely. For what is derived from several subject types' rules at once (the public search's statement).
 */
export function wholeRulesKey(ctx: RequestContext): string | null {
  const known = wholeRulesKeys.get(ctx.ability);
  if (known && known.now === ctx.now) return known.key;
  const key = keyOfRules(ctx, ctx.ability.rules);
  wholeRulesKeys.set(ctx.ability, { now: ctx.now, key });
  return key;
}

function keyOfRules(ctx: RequestContext, origins: readonly unknown[]): string | null {
  function tagged(this: unknown, key: string, value: unknown): unknown {
    const original = (this as Record<string, unknown>)[key];
    if (original === ctx.now) return CLOCK;
    if (original === undefined) return { $undefined: true };
    if (typeof original === 'number' && !Number.isFinite(original)) return { $number: String(original) };
    if (original === null || typeof original === 'string' || typeof original === 'number' || typeof original === 'boolean') return value;
    if (Array.isArray(original)) return value;
    if (typeof original === 'object' && Object.getPrototypeOf(original) === Object.prototype) return value;
    throw new Unshareable();
  }
  try {
    return JSON.stringify(origins, tagged);
  } catch (error) {
    if (error instanceof Unshareable) return null;
    throw error;
  }
}

/** Whether `target` occurs in `value` (as withClock walks it). */
function holds(value: unknown, target: Date): boolean {
  if (value === target) return true;
  if (value === null || typeof value !== 'object') return false;
  if (Array.isArray(value)) return value.some((item) => holds(item, target));
  if (value instanceof FieldCondition) return holds(value.value, target);
  if (value instanceof CompoundCondition) return value.value.some((item) => holds(item, target));
  return Object.values(value).some((item) => holds(item, target));
}

/**
 * `value` with every occurrence of the Date object `from` replaced by `to`, through plain objects, arrays and
 * condition trees; throws Unshareable on a Date other than `from` or an object of any other class.
 */
function withClock(value: unknown, from: Date, to: Date): unknown {
  if (value === from) return to;
  if (value === null || typeof value !== 'object') return value;
  if (Array.isArray(value)) return value.map((item) => withClock(item, from, to));
  if (value instanceof FieldCondition) return new FieldCondition(value.operator, value.field, withClock(value.value, from, to));
  if (value instanceof CompoundCondition) return new CompoundCondition(value.operator, value.value.map((item) => withClock(item, from, to) as FieldCondition));
  if (Object.getPrototypeOf(value) === Object.prototype) {
    return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, withClock(item, from, to)]));
  }
  throw new Unshareable();
}

/**
 * The translation `purpose` (naming what is translated: kind, subject, alias, field) of the rules for `action` on
 * `subject`, made by `translate` the first time those exact rules are seen in this process, with this request's
 * clock in it.
 */
export function sharedTranslation<T>(ctx: RequestContext, action: string, subject: string, purpose: string, translate: () => T): T {
  let given = givenToAbility.get(ctx.ability);
  if (!given || given.now !== ctx.now || given.dataSource !== ctx.dataSource) {
    given = { now: ctx.now, dataSource: ctx.dataSource, byKey: new Map(), rules: new Map() };
    givenToAbility.set(ctx.ability, given);
  }
  const requestKey = `${purpose}\u0000${action}\u0000${subject}`;
  if (given.byKey.has(requestKey)) return given.byKey.get(requestKey) as T;
  const rulesFor = `${action}\u0000${subject}`;
  let rules = given.rules.get(rulesFor);
  if (rules === undefined) given.rules.set(rulesFor, (rules = rulesKey(ctx, action, subject)));
  const result = rules === null ? translate() : translationFor(ctx, action, subject, purpose, rules, translate);
  given.byKey.set(requestKey, result);
  return result;
}

function translationFor<T>(ctx: RequestContext, action: string, subject: string, purpose: string, rules: string, translate: () => T): T {
  let shared = byDataSource.get(ctx.dataSource);
  if (!shared) byDataSource.set(ctx.dataSource, (shared = new Map()));
  const key = `${purpose}\u0000${action}\u0000${subject}\u0000${rules}`;
  const found = shared.get(key);
  if (found) {
    shared.delete(key); // most recently used last
    shared.set(key, found);
    return (found.madeAt === ctx.now || !found.holdsClock ? found.made : withClock(found.made, found.madeAt, ctx.now)) as T;
  }
  const made = translate();
  try {
    // Made only of what withClock can copy, and holding no Date but this request's clock.
    withClock(made, ctx.now, ctx.now);
  } catch (error) {
    if (error instanceof Unshareable) return made;
    throw error;
  }
  shared.set(key, { made, madeAt: ctx.now, holdsClock: holds(made, ctx.now) });
  if (shared.size > MAX_SHARED) shared.delete(shared.keys().next().value!);
  return made;
}
