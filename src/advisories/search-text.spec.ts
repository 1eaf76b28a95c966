import { fts5Query, mysqlBooleanQuery, searchWords } from './search-text';

describe('search words', () => {
  it('makes plain words required prefix terms, answered by the index alone', () => {
    const words = searchWords('  Overflow   ACME ');
    expect(words).toEqual([{ text: 'Overflow', indexed: ['overflow'], substring: false }, { text: 'ACME', indexed: ['acme'], substring: false }]);
    expect(words.map(mysqlBooleanQuery)).toEqual(['+overflow*', '+acme*']);
    expect(fts5Query(words)).toBe('"overflow"* AND "acme"*');
  });

  it('leaves short words, stopwords, overlong words and Japanese to LIKE', () => {
    for (const text of ['rx', 'the', 'with', 'a'.repeat(85), '脆弱性', 'ルーター', '한국어']) {
      expect(searchWords(text)).toEqual([{ text, indexed: [], substring: true }]);
    }
    expect(fts5Query(searchWords('rx the'))).toBe('');
  });

  it('never lets operators through: only tokens of letters, digits and _ reach the index', () => {
    const words = searchWords('+acme -router "quoted" (x*) @3 ~near <a> NEAR(foo AND bar) body:x JVN#00000001 foo_bar');
    for (const word of words) {
      for (const token of word.indexed) expect(token).toMatch(/^[\p{L}\p{N}_]+$/u);
      expect(word.substring).toBe(!/^[\p{L}\p{N}_]+$/u.test(word.text) || word.indexed.length === 0);
    }
    expect(mysqlBooleanQuery(searchWords('JVN#00000001')[0])).toBe('+jvn* +00000001*');
    expect(mysqlBooleanQuery(searchWords('foo_bar')[0])).toBe('+foo_bar*');
    expect(fts5Query(searchWords('"quoted" NEAR(foo'))).toBe('"quoted"* AND "near"* AND "foo"*');
  });

  it('keeps at most eight words', () => {
    expect(searchWords('one two three four five six seven eight nine')).toHaveLength(8);
  });
});
