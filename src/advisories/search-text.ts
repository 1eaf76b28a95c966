/**
 * How the words of a public text search are answered: by the search index (advisory_search_term, kept by the
 * application: src/advisories/search-index.ts) where it can answer them, by a LIKE substring test where it cannot.
 *
 * Text splits into tokens of letters, digits and `_` (InnoDB's word characters, kept from when the search used
 * InnoDB FULLTEXT), folded by foldTerm (compatibility forms, accents and case), the same way for the indexed text and
 * for the search words on both databases. A token the index can answer becomes a required prefix term: it matches at
 * the start of a word of the text, whatever the case or accents. A word the index cannot answer (shorter than
 * MIN_INDEXED_TOKEN_LENGTH, longer than MAX_INDEXED_TOKEN_LENGTH, an InnoDB stopword, or written in a script without
 * spaces between words, such as Japanese) is matched as a substring with LIKE, as before, so it still works but is
 * not index-backed. A word with punctuation inside (`JVN#00000001`, `CVE-2026-1234`, `100%_w`) needs both: its tokens
 * narrow the candidates through the index, and the word as typed must occur as a substring. The user's characters
 * never reach any query syntax: terms are bound parameters compared for equality (or as a range).
 *
 * The limits are InnoDB's defaults, so that the search answers as it did on InnoDB FULLTEXT. They are the index's own
 * now: changing them (or foldTerm, or documentTerms) needs the index rebuilt (rebuildSearchTerms, or a migration).
 */

/** innodb_ft_min_token_size (default 3): shorter tokens are not in the index. */
export const MIN_INDEXED_TOKEN_LENGTH = 3;
/** innodb_ft_max_token_size (default 84): longer tokens are not in the index. */
export const MAX_INDEXED_TOKEN_LENGTH = 84;
/** Words per search; more are ignored. */
export const MAX_SEARCH_WORDS = 8;

/** INFORMATION_SCHEMA.INNODB_FT_DEFAULT_STOPWORD (MySQL 5.6+ and MariaDB): never in the index. */
export const INNODB_DEFAULT_STOPWORDS: ReadonlySet<string> = new Set([
  'a', 'about', 'an', 'are', 'as', 'at', 'be', 'by', 'com', 'de', 'en', 'for', 'from', 'how', 'i', 'in', 'is', 'it', 'la',
  'of', 'on', 'or', 'that', 'the', 'this', 'to', 'was', 'what', 'when', 'where', 'who', 'will', 'with', 'und', 'www',
]);

/** Runs of word characters. Combining marks stay inside a token so that they never split one. */
const TOKEN = /[\p{L}\p{M}\p{N}_]+/gu;
/** Scripts written without spaces: the index holds a whole run as one token, so only a substring test is right. */
const UNSPACED_SCRIPT = /[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}\p{Script=Hangul}\p{Script=Thai}\p{Script=Lao}\p{Script=Khmer}\p{Script=Myanmar}\p{Script=Tibetan}]/u;
/** Characters the two tokenizers might treat differently: such a token is left to LIKE. */
const UNCERTAIN = /[\p{M}]/u;

export interface SearchWord {
  /** The word as typed (whitespace-separated). */
  text: string;
  /** Folded tokens (foldTerm) the index answers, each a required prefix term. */
  indexed: string[];
  /** True when the word must also (or only) be found as a substring with LIKE. */
  substring: boolean;
}

function indexable(token: string): boolean {
  const length = [...token].length;
  return (
    length >= MIN_INDEXED_TOKEN_LENGTH &&
    length <= MAX_INDEXED_TOKEN_LENGTH &&
    !INNODB_DEFAULT_STOPWORDS.has(token) &&
    !UNSPACED_SCRIPT.test(token) &&
    !UNCERTAIN.test(token)
  );
}

/** Splits the search text into at most MAX_SEARCH_WORDS words and decides how each is answered. */
export function searchWords(text: string | null | undefined): SearchWord[] {
  const words = (text ?? '').split(/\s+/).filter(Boolean).slice(0, MAX_SEARCH_WORDS);
  return words.map((word) => {
    const tokens = (word.toLowerCase().match(TOKEN) ?? []) as string[];
    const indexed = [...new Set(tokens.filter(indexable).map(foldTerm))].filter((term) => [...term].length >= MIN_INDEXED_TOKEN_LENGTH && !INNODB_DEFAULT_STOPWORDS.has(term));
    // One plain token the index answers: the index alone decides. Anything else is also checked as typed.
    const substring = !(tokens.length === 1 && indexed.length === 1 && tokens[0].length === word.length);
    return { text: word, indexed, substring };
  });
}

/**
 * The form in which terms are stored and looked up: compatibility-decomposed (NFKD), combining marks removed, lower
 * case. "Café", "CAFE" and "ｃａｆｅ" all become "cafe", on both databases alike (the database's collation plays no part).
 */
export function foldTerm(token: string): string {
  return token.normalize('NFKD').replace(/\p{M}/gu, '').toLowerCase();
}

/**
 * Terms longer than this are looked up by their first PREFIX_TERM_MAX_LENGTH characters in the posting index and
 * then checked in full against the advisory's own terms (see documentTerms).
 */
export const PREFIX_TERM_MAX_LENGTH = 20;

/**
 * The terms the search index holds for a document (src/advisories/search-index.ts): every prefix of 3 to
 * PREFIX_TERM_MAX_LENGTH characters of each token, and each token longer than that in full, so that a search word
 * (a prefix of some token) is one exact lookup. Tokens are folded (foldTerm) runs of letters, digits and `_`; like
 * InnoDB, tokens shorter than MIN_INDEXED_TOKEN_LENGTH or longer than MAX_INDEXED_TOKEN_LENGTH and stopwords are
 * left out. A prefix that reaches into a script written without spaces is never a term: a search word in such a
 * script is always matched with LIKE, never looked up.
 */
export function documentTerms(texts: Iterable<string | null | undefined>): Set<string> {
  const terms = new Set<string>();
  for (const text of texts) {
    if (!text) continue;
    for (const token of (foldTerm(text).match(TOKEN) ?? []) as string[]) {
      const chars = [...token];
      if (chars.length < MIN_INDEXED_TOKEN_LENGTH || chars.length > MAX_INDEXED_TOKEN_LENGTH || INNODB_DEFAULT_STOPWORDS.has(token)) continue;
      const unspaced = chars.findIndex((char) => UNSPACED_SCRIPT.test(char));
      const usable = unspaced === -1 ? chars.length : unspaced;
      for (let length = MIN_INDEXED_TOKEN_LENGTH; length <= Math.min(usable, PREFIX_TERM_MAX_LENGTH); length++) terms.add(chars.slice(0, length).join(''));
      if (unspaced === -1 && chars.length > PREFIX_TERM_MAX_LENGTH) terms.add(token);
    }
  }
  return terms;
}
