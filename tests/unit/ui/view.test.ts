// @vitest-environment happy-dom
import { describe, expect, it } from 'vitest';
import { LocalEdits } from '../../../src/library/local-edits';
import { recalledView, rememberView } from '../../../src/library/view-memory';
import { applyView, DEFAULT_FILTERS, facets, filterFacets, reconcile, removeEntry, siteOf, upsertEntry } from '../../../src/library/view';
import { parseTags } from '../../../src/ui/tags';
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

  // FT's big5 edition names itself FT中文網: one site with its Simplified edition, as search takes them, named as most of its rows spell it.
  it('counts a site spelled in either script once, and filters by it whatever the spelling', () => {
    const ft = (id: string, siteName: string) => makeEntry(id, { siteName, savedAt: `2025-04-0${id.length}T00:00:00.000Z` });
    const rows = [ft('a', 'FT中文网'), ft('bb', 'FT中文網'), ft('ccc', 'FT中文网'), makeEntry('d', { siteName: 'BBC', savedAt: '2025-01-01T00:00:00.000Z' })];
    expect(facets(rows).sites).toEqual([['FT中文网', 3], ['BBC', 1]]);
    const big5 = [ft('a', 'FT中文網'), ft('bb', 'FT中文網'), ft('ccc', 'FT中文网')];
    expect(facets(big5).sites).toEqual([['FT中文网', 3, 'FT中文網']]);
    expect(applyView(rows, { ...DEFAULT_FILTERS, site: 'FT中文网' }, null).map((e) => e.id).sort()).toEqual(['a', 'bb', 'ccc']);
  });

  // The popup suggests tags in this order too (its handler sorts with the same compareNames).
  it('lists tags of equal count by number value, then pinyin, then Latin letters', () => {
    const rows = ['中国', '经济', 'AI', '2026', '10', 'banking', '安全'].map((tag, i) => makeEntry(`t${i}`, { tags: [tag] }));
    expect(facets(rows).tags.map(([tag]) => tag)).toEqual(['10', '2026', '安全', '经济', '中国', 'AI', 'banking']);
  });

  it('the tag and site menus count what the other filters leave, and list the rest at 0', () => {
    const archivedTag = [...entries, makeEntry('d', { savedAt: '2024-12-01T00:00:00.000Z', state: 'archived', tags: ['旧闻'] })];
    // The default view: the archived article's tag is there, at 0; the site counts only what is not archived.
    expect(filterFacets(archivedTag, DEFAULT_FILTERS)).toEqual({
      tags: [['经济', 2], ['中国', 1], ['旧闻', 0]], sites: [['example.com', 1], ['FT中文网', 1]], libraryTags: [['经济', 2], ['旧闻', 1], ['中国', 1]],
    });
    // A site chosen: the tags count its articles only; the sites still count every site (the site filter left out).
    expect(filterFacets(archivedTag, { ...DEFAULT_FILTERS, site: 'example.com' }).tags).toEqual([['经济', 1], ['中国', 1], ['旧闻', 0]]);
    expect(filterFacets(archivedTag, { ...DEFAULT_FILTERS, tag: '中国' }).sites).toEqual([['example.com', 1], ['FT中文网', 0]]);
  });

  it('parses tags typed with either comma', () => {
    expect(parseTags(' 经济， 中国,AI 、经济 ,, ')).toEqual(['经济', '中国', 'AI']);
    expect(parseTags('')).toEqual([]);
  });

  it('takes a typed tag without the # the list writes, once whatever its case, in the library\'s spelling', () => {
    expect(parseTags('ai, #经济, ＃中国, Economics, C#, #, AI')).toEqual(['ai', '经济', '中国', 'Economics', 'C#']);
    expect(parseTags('ai, economics, #Economics', ['AI', 'Economics'])).toEqual(['AI', 'Economics']);
    // Tags the library has are kept as they are spelled: an imported #todo, an Ai beside AI.
    expect(parseTags('#todo, Ai, AI, aI', ['#todo', 'AI', 'Ai'])).toEqual(['#todo', 'Ai', 'AI']);
  });

  it('upserts keep newest first and replace the old row', () => {
    const newer = makeEntry('d', { savedAt: '2025-02-15T00:00:00.000Z' });
    expect(upsertEntry(entries, newer).map((e) => e.id)).toEqual(['c', 'd', 'b', 'a']);
    const changed = upsertEntry(entries, { ...entries[0]!, state: 'read' });
    expect(changed.map((e) => e.id)).toEqual(['c', 'b', 'a']);
    expect(changed[0]!.state).toBe('read');
    expect(removeEntry(entries, 'b').map((e) => e.id)).toEqual(['c', 'a']);
  });

  // The page redraws a row whose object changed: a click landing as the row is swapped would be lost.
  it('a row read back unchanged stays the object already held', () => {
    const copy = { ...entries[1]!, tags: [...entries[1]!.tags] };
    expect(upsertEntry(entries, copy)).toBe(entries);
    const fresh = entries.map((e) => ({ ...e, tags: [...e.tags] }));
    fresh[2] = { ...fresh[2]!, state: 'read' };
    const merged = reconcile(entries, fresh, () => false);
    expect(merged[0]).toBe(entries[0]);
    expect(merged[1]).toBe(entries[1]);
    expect(merged[2]).toBe(fresh[2]);
  });

  /**
   * The reader archives `c` while a reread announced by another change is on
   * its way: the reread, begun before the archive answered, finds `c` unread
   * and must not put it back; what it finds of other rows it keeps.
   */
  it("a reread begun before the page's own write leaves that row as the write left it", () => {
    const edits = new LocalEdits();
    const since = edits.now();
    const stale = entries.map((e) => ({ ...e, tags: [...e.tags] }));
    stale[1] = { ...stale[1]!, title: '别处改过的标题' };
    // The archive answers, and the page shows it, before the reread ends.
    const archived = { ...entries[0]!, state: 'archived' as const };
    let held = upsertEntry(entries, archived);
    edits.mark(['c']);
    expect(edits.changedSince('c', since)).toBe(true);
    expect(edits.changedSince('b', since)).toBe(false);
    held = reconcile(held, stale, (id) => edits.changedSince(id, since));
    expect(held.map((e) => [e.id, e.state, e.title])).toEqual([
      ['c', 'archived', entries[0]!.title],
      ['b', 'read', '别处改过的标题'],
      ['a', 'archived', entries[2]!.title],
    ]);
    // A reread begun after the write takes what it reads.
    expect(edits.changedSince('c', edits.now())).toBe(false);
  });

  it('a reread keeps a row the page deleted out, and one it brought back in', () => {
    const edits = new LocalEdits();
    const since = edits.now();
    edits.mark(['b', 'd']);
    const restored = makeEntry('d', { savedAt: '2025-02-15T00:00:00.000Z' });
    const held = [entries[0]!, restored, entries[2]!];
    expect(reconcile(held, entries, (id) => edits.changedSince(id, since)).map((e) => e.id)).toEqual(['c', 'd', 'a']);
  });
});

describe('the view a tab keeps for the reader', () => {
  it('comes back as it was kept', () => {
    const kept = { query: '软着陆', filters: { state: 'archived' as const, tag: '经济', site: 'FT中文网' }, scrollY: 1200, current: 'abc' };
    rememberView(kept);
    expect(recalledView()).toEqual(kept);
  });

  it('is none when what the tab holds is not a view this page kept', () => {
    for (const stored of ['not json', 'null', '[]', '{"query":1}', JSON.stringify({ query: 'x', filters: { state: 'everything', tag: '', site: '' }, scrollY: 0, current: null }),
      JSON.stringify({ query: 'x', filters: { state: 'all', tag: '', site: '' }, scrollY: 'top', current: null }),
      JSON.stringify({ query: 'x'.repeat(5000), filters: { state: 'all', tag: '', site: '' }, scrollY: 0, current: null })]) {
      sessionStorage.setItem('qingdu-library-view', stored);
      expect(recalledView()).toBeNull();
    }
  });
});
