import { describe, expect, it } from 'vitest';
import { LineTagger, tagLine } from './tag-lines.js';

describe('tagLine', () => {
  it('adds the part to JSON log lines and keeps one that names its part', () => {
    expect(tagLine('devnet', '{"level":30,"msg":"devnet started"}')).toBe(
      '{"part":"devnet","level":30,"msg":"devnet started"}',
    );
    expect(tagLine('devnet', '{"part":"indexer","msg":"x"}')).toBe('{"part":"indexer","msg":"x"}');
  });

  it('prefixes anything else', () => {
    expect(tagLine('indexer', 'TypeError: boom')).toBe('[indexer] TypeError: boom');
    expect(tagLine('indexer', '{not json}')).toBe('[indexer] {not json}');
    expect(tagLine('indexer', '[1,2]')).toBe('[indexer] [1,2]');
  });
});

describe('LineTagger', () => {
  it('splits chunks into lines across boundaries and flushes the last one at the end', () => {
    const out: string[] = [];
    const tagger = new LineTagger('devnet', (l) => out.push(l));
    tagger.push('{"msg":"a"}\npartial ');
    tagger.push('line\n\n');
    tagger.push('tail');
    expect(out).toEqual(['{"part":"devnet","msg":"a"}\n', '[devnet] partial line\n']);
    tagger.end();
    expect(out.at(-1)).toBe('[devnet] tail\n');
  });
});
