import fc from 'fast-check';
import { childrenNamed, childText, parseAtom } from '../../test/advisories/support/standards';
import { renderAtomFeed, xmlText } from './atom';

const ALLOWED_IN_XML = /[\t\n\r\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/u;

/** What survives in XML: every character XML 1.0 can carry, in order. */
function keptCharacters(value: string): string {
  return Array.from(value).filter((character) => ALLOWED_IN_XML.test(character)).join('');
}

describe('the Atom writer', () => {
  it('escapes markup and drops characters XML cannot carry, keeping everything else', () => {
    expect(xmlText(`<a href="x">Tom & Jerry's</a>`)).toBe('&lt;a href=&quot;x&quot;&gt;Tom &amp; Jerry&apos;s&lt;/a&gt;');
    expect(xmlText('bell\u0007 nul\u0000 fffe\uFFFE lone\uD800 pair\uD83D\uDE00 日本語')).toBe('bell nul fffe lone pair\uD83D\uDE00 日本語');
  });

  it('writes a well-formed feed whose text reads back exactly, whatever the advisory text', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 80 }), fc.string({ unit: 'binary', maxLength: 200 }), (title, summary) => {
        const xml = renderAtomFeed({
          id: 'https://renraku.example/feeds/advisories.atom',
          title: `Feed ${title}`,
          authorName: 'renraku',
          links: [{ rel: 'self', href: `https://renraku.example/feeds/advisories.atom?q=${title}` }],
          entries: [{ id: 'urn:uuid:5d1b0b58-6a55-4e8e-a1f3-5b1b3c3c9b61', title, updated: new Date(0), links: [], summary: `s${summary}`, content: 'c' }],
        });
        const feed = parseAtom(xml);
        const [entry] = childrenNamed(feed, 'entry');
        // XML normalises line ends on parsing; compare after the same normalisation.
        const normalised = (value: string) => keptCharacters(value).replace(/\r\n?/g, '\n');
        expect(childText(entry, 'title')).toBe(normalised(title));
        expect(childText(entry, 'summary')).toBe(normalised(`s${summary}`));
      }),
      { numRuns: 300 },
    );
  });

  it('gives an empty feed the time it is told, and a full one its newest entry', () => {
    const empty = parseAtom(renderAtomFeed({ id: 'urn:x', title: 't', authorName: 'a', updated: new Date('2026-01-02T03:04:05.000Z'), links: [], entries: [] }));
    expect(childText(empty, 'updated')).toBe('2026-01-02T03:04:05.000Z');
    const entry = (updated: string) => ({ id: `urn:${updated}`, title: 't', updated: new Date(updated), links: [], content: 'c' });
    const full = parseAtom(renderAtomFeed({ id: 'urn:x', title: 't', authorName: 'a', links: [], entries: [entry('2026-01-01T00:00:00.000Z'), entry('2026-03-01T00:00:00.000Z')] }));
    expect(childText(full, 'updated')).toBe('2026-03-01T00:00:00.000Z');
  });
});
