import { GraphQLScalarType } from 'graphql';
import { GraphQLDateTimeISO } from 'graphql-scalars';

const DAY_MS = 86_400_000;
/** 0000-01-01 and 10000-01-01: toISOString writes the years between with four digits, others with a sign and six. */
const FOUR_DIGIT_YEARS = { from: -62_167_219_200_000, to: 253_402_300_800_000 };

function twoDigits(value: number): string {
  return value < 10 ? `0${value}` : `${value}`;
}

/**
 * `date.toISOString()` for the years 0000–9999, by arithmetic: V8's own goes through its date cache and took about
 * a microsecond a call, 4% of a vendor portal request's CPU (some 400 dates a page); this takes a quarter of that.
 * The civil date from the day number is Howard Hinnant's `civil_from_days`. Other years, and invalid dates, are left
 * to toISOString (the caller checks).
 */
export function isoString(epochMs: number): string {
  let days = Math.floor(epochMs / DAY_MS);
  let ms = epochMs - days * DAY_MS;
  days += 719_468;
  const era = Math.floor(days / 146_097);
  const dayOfEra = days - era * 146_097;
  const yearOfEra = Math.floor((dayOfEra - Math.floor(dayOfEra / 1460) + Math.floor(dayOfEra / 36_524) - Math.floor(dayOfEra / 146_096)) / 365);
  const dayOfYear = dayOfEra - (365 * yearOfEra + Math.floor(yearOfEra / 4) - Math.floor(yearOfEra / 100));
  const shiftedMonth = Math.floor((5 * dayOfYear + 2) / 153);
  const day = dayOfYear - Math.floor((153 * shiftedMonth + 2) / 5) + 1;
  const month = shiftedMonth < 10 ? shiftedMonth + 3 : shiftedMonth - 9;
  const year = yearOfEra + era * 400 + (month <= 2 ? 1 : 0);
  const hours = Math.floor(ms / 3_600_000);
  ms -= hours * 3_600_000;
  const minutes = Math.floor(ms / 60_000);
  ms -= minutes * 60_000;
  const seconds = Math.floor(ms / 1000);
  ms -= seconds * 1000;
  const paddedYear = year < 10 ? `000${year}` : year < 100 ? `00${year}` : year < 1000 ? `0${year}` : `${year}`;
  const millis = ms < 10 ? `00${ms}` : ms < 100 ? `0${ms}` : `${ms}`;
  return `${paddedYear}-${twoDigits(month)}-${twoDigits(day)}T${twoDigits(hours)}:${twoDigits(minutes)}:${twoDigits(seconds)}.${millis}Z`;
}

const graphqlScalars = GraphQLDateTimeISO.toConfig();

/**
 * graphql-scalars' DateTimeISO (same name, description, parsing and errors, so the schema is unchanged), with a
 * faster serialization of the Date values every entity carries. Anything else (strings, numbers, invalid dates)
 * goes through graphql-scalars' own serialize.
 */
export const DateTimeISO = new GraphQLScalarType({
  ...graphqlScalars,
  serialize(value: unknown): string {
    if (value instanceof Date) {
      const epochMs = value.getTime();
      if (epochMs >= FOUR_DIGIT_YEARS.from && epochMs < FOUR_DIGIT_YEARS.to) return isoString(epochMs);
    }
    return graphqlScalars.serialize(value) as string;
  },
});
