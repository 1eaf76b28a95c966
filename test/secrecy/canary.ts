import { ORACLE_FIELDS, readable, Sight, SUBJECTS, Subject } from './oracle';
import { worldRows } from './model';
import { COMMITTEE_TOKEN_FIELDS } from './committee';
import { MARKER_PATTERN, World } from './world';

const UUID_PATTERN = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/gi;
const CURSOR_PATTERN = /"(?:cursor|startCursor|endCursor)":"([A-Za-z0-9_-]+)"/g;
/** Values that identify an object by themselves, unique in a generated world: searched for verbatim. */
const TOKEN_FIELDS: Partial<Record<Subject, string[]>> = { Case: ['reference'], Advisory: ['identifier', 'cveIds'], ApiKey: ['prefix'], UnreachableDeveloperEntry: ['caseReference'], ...COMMITTEE_TOKEN_FIELDS };

interface Place {
  subject: Subject;
  id: string;
  field: string;
}

/**
 * Searches a viewer's whole response stream for anything of the world it may not see: every canary marker (each
 * text field of a generated world carries its own), every object id and every identifying token (references,
 * advisory identifiers, CVE ids, key prefixes). Cursors are decoded first, since they carry sort values.
 * Returns one line per leak.
 */
export function canaryLeaks(world: World, sight: Sight, stream: string): string[] {
  // A row may back several subjects (a list entry: the public entry and the internal listing) and a value may be
  // copied into several rows (a member's name onto its vote): a marker or id leaks only where no place is readable.
  const places = new Map<string, Place[]>();
  const tokens: { token: string; place: Place }[] = [];
  const index = worldRows(world);
  for (const subject of SUBJECTS) {
    for (const row of index[subject].values()) {
      for (const field of ORACLE_FIELDS[subject]) {
        // Value objects (an advisory's staged edits) are searched as their JSON text.
        const values = ([] as unknown[])
          .concat(row[field])
          .map((value) => (value !== null && typeof value === 'object' && !(value instanceof Date) ? JSON.stringify(value) : value))
          .filter((value): value is string => typeof value === 'string');
        for (const value of values) {
          for (const marker of value.match(MARKER_PATTERN) ?? []) places.set(marker.toUpperCase(), [...(places.get(marker.toUpperCase()) ?? []), { subject, id: row.id, field }]);
          if (TOKEN_FIELDS[subject]?.includes(field)) tokens.push({ token: value, place: { subject, id: row.id, field } });
        }
      }
    }
  }
  const subjectsOfId = new Map<string, Subject[]>();
  for (const subject of SUBJECTS) for (const id of index[subject].keys()) subjectsOfId.set(id, [...(subjectsOfId.get(id) ?? []), subject]);

  const decodedCursors = [...stream.matchAll(CURSOR_PATTERN)].map((match) => Buffer.from(match[1], 'base64url').toString('utf8'));
  const text = [stream, ...decodedCursors].join('\n');
  const leaks = new Set<string>();
  for (const marker of text.match(MARKER_PATTERN) ?? []) {
    const placesOfMarker = places.get(marker.toUpperCase());
    if (!placesOfMarker) leaks.add(`unknown marker ${marker}`);
    else if (!placesOfMarker.some((place) => readable(sight, place.subject, place.id, place.field))) {
      leaks.add(`${marker} from ${placesOfMarker.map((place) => `${place.subject}.${place.field} of ${place.id}`).join(', ')}`);
    }
  }
  for (const id of text.match(UUID_PATTERN) ?? []) {
    const subjects = subjectsOfId.get(id.toLowerCase());
    if (subjects && !subjects.some((subject) => sight.objects[subject].has(id.toLowerCase()))) leaks.add(`id of hidden ${subjects.join('/')} ${id}`);
  }
  // A token may sit in several places (a listed case's reference is copied into its list entry): it leaks only
  // when the viewer may read it in none of them.
  const readableTokens = new Set(tokens.filter(({ place }) => readable(sight, place.subject, place.id, place.field)).map(({ token }) => token));
  for (const { token, place } of tokens) {
    if (!readableTokens.has(token) && text.includes(token)) leaks.add(`${token} from ${place.subject}.${place.field} of ${place.id}`);
  }
  return [...leaks];
}
