/**
 * A case-insensitive "contains" pattern for `LOWER(column) LIKE :pattern ESCAPE '!'`. The escape character is
 * explicit because SQLite has no default escape and MySQL's default (backslash) is also a string escape.
 */
export const LIKE_ESCAPE = "ESCAPE '!'";

export function containsPattern(value: string): string {
  return `%${value.toLowerCase().replace(/[!%_]/g, (character) => `!${character}`)}%`;
}
