// @vitest-environment happy-dom
import { describe, expect, it } from 'vitest';
import { applyView, DEFAULT_FILTERS, facets, parseTags, removeEntry, siteOf, upsertEntry } from '../../../src/library/view';
import { makeEntry } from './helpers';

const entries = [
  makeEntry('c', { savedAt: '2025-03-01T00:00:00.000Z', state: 'unread', tags: ['经济'] }),
  makeEntry('b', { savedAt: '2025-02-01T00:00:00.000Z', state: 'read', tags: ['经济', '中国'], siteName: null, url: 'https://www.example.com/x' }),
  makeEntry('a', { savedAt: '2025-01-01T00:00:00.000Z', state: 'archived' }),
];

describe('library view', () => {
  it('hides archived articles by default and filters by state, tag and site', () => {
    expect(applyView(entries, DEFAULT_FILTERS, null).map((e) => e.id)).toEqual(['c', 'b']);
    expect(applyView(entries, { ...DEFAULT_FILTERS, state: 'unread' }, null).map((e) => e.id)).toEqual(['c']);
    expect(applyView(entries, { ...DEFAULT_FILTERS, state: 'archived' }, null).map((e) => e.id)).toEqual(['a']);
    expect(applyView(entries, { ...DEFAULT_FILTERS, state: 'all' }, null).map((e) => e.id)).toEqual(['c', 'b', 'a']);
    expect(applyView(entries, { ...DEFAULT_FILTERS, tag: '中国' }, null).map((e) => e.id)).toEqual(['b']);
    expect(applyView(entries, { ...DEFAULT_FILTERS, site: 'example.com' }, null).map((e) => e.id)).toEqual(['b']);
  });

  it('search results keep the search order and skip ids no longer stored', () => {
    expect(applyView(entries, { ...DEFAULT_FILTERS, state: 'all' }, ['a', 'gone', 'c']).map((e) => e.id)).toEqual(['a', 'c']);
    expect(applyView(entries, DEFAULT_FILTERS, ['a', 'c']).map((e) => e.id)).toEqual(['c']);
  });

  it('facets count tags and sites, most used first', () => {
    const { tags, sites } = facets(entries);
    expect(tags).toEqual([
      ['经济', 2],
      ['中国', 1],
    ]);
    expect(sites).toEqual([
      ['FT中文网', 2],
      ['example.com', 1],
    ]);
    expect(siteOf(entries[1]!)).toBe('example.com');
  });

  it('parses tags typed with either comma', () => {
    expect(parseTags(' 经济， 中国,AI 、经济 ,, ')).toEqual(['经济', '中国', 'AI']);
    expect(parseTags('')).toEqual([]);
  });

  it('upserts keep newest first and replace the old row', () => {
    const newer = makeEntry('d', { savedAt: '2025-02-15T00:00:00.000Z' });
    expect(upsertEntry(entries, newer).map((e) => e.id)).toEqual(['c', 'd', 'b', 'a']);
    const changed = upsertEntry(entries, { ...entries[0]!, state: 'read' });
    expect(changed.map((e) => e.id)).toEqual(['c', 'b', 'a']);
    expect(changed[0]!.state).toBe('read');
    expect(removeEntry(entries, 'b').map((e) => e.id)).toEqual(['c', 'a']);
  });
});
