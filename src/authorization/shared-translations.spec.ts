import { newBuilder } from '../../policies/ability';
import type { RequestContext } from '../context/request-context';
import { sharedTranslation } from './shared-translations';

const dataSource = {};

function contextWith(
  define: (can: ReturnType<typeof newBuilder>['can'], cannot: ReturnType<typeof newBuilder>['cannot'], now: Date) => void,
  now = new Date('2026-11-27T00:00:00.000Z'),
): RequestContext {
  const { can, cannot, build } = newBuilder();
  define(can, cannot, now);
  return { ability: build(), dataSource, now } as unknown as RequestContext;
}

/** How many times `translate` runs for these contexts, in order. */
function translations(...contexts: RequestContext[]): number {
  let made = 0;
  for (const ctx of contexts) sharedTranslation(ctx, 'read', 'Case', `spec-${expect.getState().currentTestName}`, () => ++made);
  return made;
}

describe('sharedTranslation', () => {
  it('translates the same rules once, whoever holds them', () => {
    const rules = (can: ReturnType<typeof newBuilder>['can']) => can('read', 'Case', { finderUserId: 'u1' });
    expect(translations(contextWith(rules), contextWith(rules), contextWith(rules))).toBe(1);
  });

  it('translates again when a value, a field list, an inversion or the order differs', () => {
    expect(translations(contextWith((can) => can('read', 'Case', { finderUserId: 'u1' })), contextWith((can) => can('read', 'Case', { finderUserId: 'u2' })))).toBe(2);
    expect(translations(contextWith((can) => can('read', 'Case', ['title'], { id: 'a' })), contextWith((can) => can('read', 'Case', ['state'], { id: 'a' })))).toBe(2);
    const ordered = (first: string, second: string) => contextWith((can) => {
      can('read', 'Case', { id: first });
      can('read', 'Case', ['title'], { id: second });
    });
    expect(translations(ordered('a', 'b'), ordered('b', 'a'))).toBe(2);
    const inverted = (invert: boolean) => contextWith((can, cannot) => {
      can('read', 'Case');
      (invert ? cannot : can)('read', 'Case', { id: 'a' });
    });
    expect(translations(inverted(false), inverted(true))).toBe(2);
  });

  it('keeps apart values that JSON would merge', () => {
    expect(translations(contextWith((can) => can('read', 'Case', { finderUserId: 'u1', receivedAt: { $lte: 'x' } })), contextWith((can) => can('read', 'Case', { finderUserId: 'u1', receivedAt: { $lte: 'x' } })))).toBe(1);
    expect(translations(contextWith((can) => can('read', 'Case', { finderUserId: undefined })), contextWith((can) => can('read', 'Case', {})))).toBe(2);
    expect(translations(contextWith((can) => can('read', 'Case', { cvssScore: NaN })), contextWith((can) => can('read', 'Case', { cvssScore: null })))).toBe(2);
  });

  it('shares rules holding the request clock across instants, each request getting its own clock back', () => {
    const early = new Date('2026-11-27T00:00:00.000Z');
    const late = new Date('2026-11-28T00:00:00.000Z');
    const atClock = (now: Date) => contextWith((can, _cannot, clock) => can('read', 'Case', { receivedAt: { $lte: clock }, finderUserId: 'u1' }), now);
    let made = 0;
    const purpose = 'spec-clock';
    const translate = (ctx: RequestContext) => () => ({ sql: 'x', params: { at: ctx.now, who: 'u1', list: [ctx.now] }, made: ++made });
    const first = atClock(early);
    const second = atClock(late);
    const fromFirst = sharedTranslation(first, 'read', 'Case', purpose, translate(first));
    const fromSecond = sharedTranslation(second, 'read', 'Case', purpose, translate(second));
    expect(made).toBe(1);
    expect(fromFirst.params.at).toBe(early);
    expect(fromSecond.params.at).toBe(late);
    expect(fromSecond.params.list[0]).toBe(late);
    expect(fromSecond.params.who).toBe('u1');
    expect(sharedTranslation(first, 'read', 'Case', purpose, translate(first)).params.at).toBe(early);
  });

  it('does not share rules holding a Date other than the request clock, nor a translation holding one', () => {
    const at = new Date('2026-11-27T00:00:00.000Z');
    const dated = () => contextWith((can) => can('read', 'Case', { receivedAt: { $lte: new Date(at) } }), at);
    expect(translations(dated(), dated())).toBe(2);
    expect(translations(dated(), contextWith((can) => can('read', 'Case', { receivedAt: { $lte: at.toISOString() } })))).toBe(2);
    let made = 0;
    const clocked = () => contextWith((can, _cannot, clock) => can('read', 'Case', { receivedAt: { $lte: clock } }));
    for (const ctx of [clocked(), clocked()]) sharedTranslation(ctx, 'read', 'Case', 'spec-foreign-date', () => ({ params: { other: new Date(0) }, made: ++made }));
    expect(made).toBe(2);
  });

  it('does not share rules holding values it cannot key (a RegExp, a class instance)', () => {
    const regex = () => contextWith((can) => can('read', 'Case', { title: { $regex: /a/ } }));
    expect(translations(regex(), regex())).toBe(2);
    class Id {
      constructor(readonly value: string) {}
    }
    const instance = () => contextWith((can) => can('read', 'Case', { finderUserId: new Id('u1') as unknown as string }));
    expect(translations(instance(), instance())).toBe(2);
  });

  it('keeps translations of different data sources, purposes and subjects apart', () => {
    const rules = (can: ReturnType<typeof newBuilder>['can']) => can('read', 'all');
    const one = contextWith(rules);
    const other = { ...contextWith(rules), dataSource: {} } as RequestContext;
    let made = 0;
    sharedTranslation(one, 'read', 'Case', 'spec-sources', () => ++made);
    sharedTranslation(other, 'read', 'Case', 'spec-sources', () => ++made);
    sharedTranslation(one, 'read', 'Case', 'spec-sources-2', () => ++made);
    sharedTranslation(one, 'read', 'Vendor', 'spec-sources', () => ++made);
    sharedTranslation(one, 'read', 'Case', 'spec-sources', () => ++made);
    expect(made).toBe(4);
  });

  it('answers a request asking again with what it was given, and hands a translation without the clock out as is', () => {
    const clockless = (now: Date) => contextWith((can) => can('read', 'Case', { finderUserId: 'u9' }), now);
    const first = clockless(new Date('2026-11-27T00:00:00.000Z'));
    const later = clockless(new Date('2026-11-28T00:00:00.000Z'));
    let made = 0;
    const translate = () => ({ params: { who: 'u9' }, made: ++made });
    const given = sharedTranslation(first, 'read', 'Case', 'spec-clockless', translate);
    expect(sharedTranslation(first, 'read', 'Case', 'spec-clockless', translate)).toBe(given);
    expect(sharedTranslation(later, 'read', 'Case', 'spec-clockless', translate)).toBe(given);
    expect(made).toBe(1);
    // The same request's copy inside a transaction shares its ability, and so what it was given.
    expect(sharedTranslation({ ...first, manager: {} } as unknown as RequestContext, 'read', 'Case', 'spec-clockless', translate)).toBe(given);
    // A request whose clock holds a translation still gets its own copy at another instant.
    const clocked = (now: Date) => contextWith((can, _cannot, clock) => can('read', 'Case', { receivedAt: { $lte: clock } }), now);
    const early = clocked(new Date('2026-11-27T00:00:00.000Z'));
    const late = clocked(new Date('2026-11-28T00:00:00.000Z'));
    const withClock = (ctx: RequestContext) => () => ({ params: { at: ctx.now } });
    expect(sharedTranslation(early, 'read', 'Case', 'spec-clocked', withClock(early)).params.at).toBe(early.now);
    expect(sharedTranslation(late, 'read', 'Case', 'spec-clocked', withClock(late)).params.at).toBe(late.now);
  });
});
