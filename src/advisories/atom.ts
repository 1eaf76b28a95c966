/**
 * A small Atom 1.0 (RFC 4287) writer. Every text and attribute value goes through `xmlText`, which escapes markup and
 * drops the characters XML 1.0 cannot carry at all (most C0 controls, lone surrogates, U+FFFE/U+FFFF), so any
 * advisory text yields a well-formed document.
 */

// XML 1.0 Char production, minus what is allowed; the u flag makes lone surrogates match.
const NOT_XML_CHAR = /[^\t\n\r\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/gu;

export function xmlText(value: string): string {
  return value
    .replace(NOT_XML_CHAR, '')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&apos;');
}

export interface AtomLink {
  href: string;
  rel: 'self' | 'alternate' | 'related';
  type?: string;
  title?: string;
}

export interface AtomEntry {
  /** A permanent IRI: it must not change when the entry is revised. */
  id: string;
  title: string;
  updated: Date;
  published?: Date;
  links: AtomLink[];
  summary?: string;
  /** Plain text; an entry without an alternate link must have content. */
  content?: string;
  categories?: { term: string; label?: string }[];
}

export interface AtomFeed {
  id: string;
  title: string;
  subtitle?: string;
  authorName: string;
  /** When the feed last changed; defaults to the newest entry's `updated`. */
  updated?: Date;
  links: AtomLink[];
  entries: AtomEntry[];
}

function link(value: AtomLink): string {
  const attributes = [`rel="${xmlText(value.rel)}"`, `href="${xmlText(value.href)}"`];
  if (value.type) attributes.push(`type="${xmlText(value.type)}"`);
  if (value.title) attributes.push(`title="${xmlText(value.title)}"`);
  return `<link ${attributes.join(' ')}/>`;
}

function element(name: string, text: string, attributes = ''): string {
  return `<${name}${attributes}>${xmlText(text)}</${name}>`;
}

export function renderAtomFeed(feed: AtomFeed): string {
  const newest = feed.entries.reduce<Date | undefined>((latest, entry) => (!latest || entry.updated > latest ? entry.updated : latest), undefined);
  const updated = feed.updated ?? newest ?? new Date(0);
  const lines = [
    '<?xml version="1.0" encoding="utf-8"?>',
    '<feed xmlns="http://www.w3.org/2005/Atom">',
    `  ${element('id', feed.id)}`,
    `  ${element('title', feed.title, ' type="text"')}`,
    ...(feed.subtitle ? [`  ${element('subtitle', feed.subtitle, ' type="text"')}`] : []),
    `  ${element('updated', updated.toISOString())}`,
    `  <author>${element('name', feed.authorName)}</author>`,
    ...feed.links.map((value) => `  ${link(value)}`),
  ];
  for (const entry of feed.entries) {
    lines.push(
      '  <entry>',
      `    ${element('id', entry.id)}`,
      `    ${element('title', entry.title, ' type="text"')}`,
      `    ${element('updated', entry.updated.toISOString())}`,
      ...(entry.published ? [`    ${element('published', entry.published.toISOString())}`] : []),
      ...entry.links.map((value) => `    ${link(value)}`),
      ...(entry.categories ?? []).map((category) => `    <category term="${xmlText(category.term)}"${category.label ? ` label="${xmlText(category.label)}"` : ''}/>`),
      ...(entry.summary ? [`    ${element('summary', entry.summary, ' type="text"')}`] : []),
      ...(entry.content ? [`    ${element('content', entry.content, ' type="text"')}`] : []),
      '  </entry>',
    );
  }
  lines.push('</feed>', '');
  return lines.join('\n');
}
