import type { DataSource } from 'typeorm';
import type { RequestContext } from '../context/request-context';

/**
 * Policy translations (condition trees turned into SQL) shared by the requests whose rules for a subject are the same.
 * Every request builds its own ability (rules hold the viewer's ids and, for some subjects, the request's clock), and
 * translating its rules anew cost about 5% of a dashboard request's CPU. A translation depends on nothing but the
 * rules it was made from (their conditions with their values, fields, inversion and order), the subject's metadata,
 * the alias and the driver, so it is keyed by exactly those: the raw rules the ability holds for the action and
 * subject, serialized so that values which JSON would merge (undefined and a missing key, NaN and null) stay
 * distinct. Rules holding a Date are not shared: in the policies a Date is the request's clock, which differs on every
 * request, so such a translation could never be found again and would only push others out. Neither is a rule holding
 * any value other than JSON's own. Bounded: the least recently used translation goes first.
 */
const MAX_SHARED = 5_000;

const byDataSource = new WeakMap<DataSource, Map<string, unknown>>();

class Unshareable extends Error {}

function tagged(this: unknown, key: string, value: unknown): unknown {
  const original = (this as Record<string, unknown>)[key];
  if (original === undefined) return { $undefined: true };
  if (typeof original === 'number' && !Number.isFinite(original)) return { $number: String(original) };
  if (original === null || typeof original === 'string' || typeof original === 'number' || typeof original === 'boolean') return value;
  if (Array.isArray(original)) return value;
  if (typeof original === 'object' && Object.getPrototypeOf(original) === Object.prototype) return value;
  throw new Unshareable();
}

/** The key of the raw rules `ctx.ability` holds for `action` on `subject`, or null when they cannot be keyed safely. */
function rulesKey(ctx: RequestContext, action: string, subject: string): string | null {
  const origins = ctx.ability.possibleRulesFor(action, subject).map((rule) => rule.origin);
  try {
    return JSON.stringify(origins, tagged);
  } catch (error) {
    if (error instanceof Unshareable) return null;
    throw error;
  }
}

/**
 * The translation `purpose` (naming what is translated: kind, subject, alias, field) of the rules for `action` on
 * `subject`, made by `translate` the first time those exact rules are seen in this process.
 */
export function sharedTranslation<T>(ctx: RequestContext, action: string, subject: string, purpose: string, translate: () => T): T {
  const rules = rulesKey(ctx, action, subject);
  if (rules === null) return translate();
  let shared = byDataSource.get(ctx.dataSource);
  if (!shared) byDataSource.set(ctx.dataSource, (shared = new Map()));
  const key = `${purpose}\u0000${action}\u0000${subject}\u0000${rules}`;
  if (shared.has(key)) {
    const found = shared.get(key) as T;
    shared.delete(key); // most recently used last
    shared.set(key, found);
    return found;
  }
  const made = translate();
  shared.set(key, made);
  if (shared.size > MAX_SHARED) shared.delete(shared.keys().next().value!);
  return made;
}
