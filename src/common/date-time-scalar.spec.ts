import fc from 'fast-check';
import { GraphQLDateTimeISO } from 'graphql-scalars';
import { DateTimeISO, isoString } from './date-time-scalar';

describe('the DateTimeISO scalar', () => {
  it('writes every instant of the years 0000-9999 exactly as toISOString does', () => {
    const from = Date.parse('0000-01-01T00:00:00.000Z');
    const to = Date.parse('9999-12-31T23:59:59.999Z');
    fc.assert(fc.property(fc.integer({ min: from, max: to }), (epochMs) => isoString(epochMs) === new Date(epochMs).toISOString()), { numRuns: 20_000 });
    for (const edge of [from, to, 0, -1, Date.parse('2000-02-29T23:59:59.999Z'), Date.parse('1900-03-01T00:00:00.000Z'), Date.parse('1969-12-31T23:59:59.999Z')]) {
      expect(isoString(edge)).toBe(new Date(edge).toISOString());
    }
  });

  it('serializes, parses and refuses as graphql-scalars does, under the same name and description', () => {
    expect(DateTimeISO.name).toBe(GraphQLDateTimeISO.name);
    expect(DateTimeISO.description).toBe(GraphQLDateTimeISO.description);
    for (const value of [new Date('2026-11-27T18:00:00.123Z'), new Date(-62_167_219_200_001), new Date(253_402_300_800_000), '2026-11-27T18:00:00Z', 0]) {
      expect(DateTimeISO.serialize(value)).toBe(GraphQLDateTimeISO.serialize(value));
    }
    for (const invalid of [new Date(Number.NaN), 'yesterday', {}, true]) {
      expect(() => DateTimeISO.serialize(invalid)).toThrow(/DateTime cannot/);
    }
    expect(DateTimeISO.parseValue('2026-11-27T18:00:00Z')).toEqual(GraphQLDateTimeISO.parseValue('2026-11-27T18:00:00Z'));
  });
});
