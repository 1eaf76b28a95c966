import { documentTerms, foldTerm, PREFIX_TERM_MAX_LENGTH, searchWords } from './search-text';

describe('search words', () => {
  it('makes plain words required prefix terms, answered by the index alone', () => {
    const words = searchWords('  Overflow   ACME ');
    expect(words).toEqual([{ text: 'Overflow', indexed: ['overflow'], substring: false }, { text: 'ACME', indexed: ['acme'], substring: false }]);
  });

  it('folds case, accents and compatibility forms the same way for words and documents', () => {
    expect(searchWords('CAFÉ')[0].indexed).toEqual(['cafe']);
    expect(foldTerm('ｃａｆé')).toBe('cafe');
    expect(documentTerms(['Café-Crème'])).toEqual(new Set(['caf', 'cafe', 'cre', 'crem', 'creme']));
    // A word that folds to a stopword or below three characters is left to LIKE.
    expect(searchWords('thé')).toEqual([{ text: 'thé', indexed: [], substring: true }]);
  });

  it('leaves short words, stopwords, overlong words and Japanese to LIKE', () => {
    for (const text of ['rx', 'the', 'with', 'a'.repeat(85), '脆弱性', 'ルーター', '한국어']) {
      expect(searchWords(text)).toEqual([{ text, indexed: [], substring: true }]);
    }
  });

  it('never lets operators through: only tokens of letters, digits and _ reach the index', () => {
    const words = searchWords('+acme -router "quoted" (x*) @3 ~near <a> NEAR(foo AND bar) body:x JVN#00000001 foo_bar');
    for (const word of words) {
      for (const token of word.indexed) expect(token).toMatch(/^[\p{L}\p{N}_]+$/u);
      expect(word.substring).toBe(!/^[\p{L}\p{N}_]+$/u.test(word.text) || word.indexed.length === 0);
    }
    expect(searchWords('JVN#00000001')[0].indexed).toEqual(['jvn', '00000001']);
    expect(searchWords('foo_bar')[0].indexed).toEqual(['foo_bar']);
  });

  it('keeps at most eight words', () => {
    expect(searchWords('one two three four five six seven eight nine')).toHaveLength(8);
  });
});

describe('document terms', () => {
  it('holds every prefix of three characters or more of each token, so that a search word is one exact term', () => {
    expect(documentTerms(['Cross-site scripting in JVN#00000006'])).toEqual(
      new Set(['cro', 'cros', 'cross', 'sit', 'site', 'scr', 'scri', 'scrip', 'script', 'scripti', 'scriptin', 'scripting', 'jvn', '000', '0000', '00000', '000000', '0000000', '00000006']),
    );
  });

  it('leaves out stopwords, short and overlong tokens, and prefixes reaching into unspaced scripts', () => {
    expect(documentTerms(['the rx is with ' + 'x'.repeat(85)])).toEqual(new Set());
    expect(documentTerms(['ルーター管理画面', 'abcルーター'])).toEqual(new Set(['abc']));
    expect(documentTerms([null, undefined, ''])).toEqual(new Set());
  });

  it('holds prefixes up to PREFIX_TERM_MAX_LENGTH characters and longer tokens in full', () => {
    const token = 'a'.repeat(PREFIX_TERM_MAX_LENGTH + 5);
    const terms = documentTerms([token]);
    expect(terms.size).toBe(PREFIX_TERM_MAX_LENGTH - 2 + 1);
    expect(terms.has(token)).toBe(true);
    expect(terms.has('a'.repeat(PREFIX_TERM_MAX_LENGTH + 1))).toBe(false);
  });
});
