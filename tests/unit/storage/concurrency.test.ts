import { describe, expect, it } from 'vitest';
import { IDBFactory } from 'fake-indexeddb';
import { idForUrl } from '../../../src/storage/ids';
import { Library } from '../../../src/storage/library';
import { article } from './helpers';

describe('concurrent writes', () => {
  it('200 saves from 20 tabs, some for the same URL, all land and none are mixed up', async () => {
    const factory = new IDBFactory();
    // Two connections to the same database, as when a page and the background are both open.
    const libraries = [new Library({ factory }), new Library({ factory })];
    const TABS = 20;
    const PER_TAB = 10;
    const DISTINCT = 150; // 200 saves over 150 URLs: 50 are saved twice, from different tabs
    const urlOf = (n: number) => `https://www.ftchinese.com/story/${n % DISTINCT}`;

    const tabs = Array.from({ length: TABS }, async (_, tab) => {
      const library = libraries[tab % 2] as Library;
      for (let i = 0; i < PER_TAB; i++) {
        const n = tab * PER_TAB + i;
        const url = urlOf(n);
        await library.save(
          article(url, { title: `标题 ${url}`, textContent: `正文 ${url} 来自标签页 ${tab}`, contentHtml: `<p>${url}</p>` }),
          { now: new Date(Date.UTC(2025, 0, 1, 0, 0, n)) },
        );
      }
    });
    await Promise.all(tabs);

    const library = libraries[0] as Library;
    const list = await library.list();
    expect(list).toHaveLength(DISTINCT);
    expect(new Set(list.map((e) => e.url)).size).toBe(DISTINCT);
    for (const entry of list) {
      expect(entry.id).toBe(idForUrl(entry.url));
      expect(entry.title).toBe(`标题 ${entry.url}`);
      const saved = await library.get(entry.id);
      expect(saved?.article.url).toBe(entry.url);
      expect(saved?.article.contentHtml).toBe(`<p>${entry.url}</p>`);
      expect(saved?.article.textContent.startsWith(`正文 ${entry.url} `)).toBe(true);
    }
    // Saved twice: the first save's time is kept as savedAt.
    const twice = list.find((e) => e.url === urlOf(0));
    expect(twice?.savedAt).toBe(new Date(Date.UTC(2025, 0, 1, 0, 0, 0)).toISOString());
    expect(twice?.updatedAt).toBe(new Date(Date.UTC(2025, 0, 1, 0, 0, 150)).toISOString());
    // Search agrees with the store, through either connection.
    expect(await libraries[1]?.search('story/42')).toEqual([idForUrl(urlOf(42))]);
    expect(await library.search('正文')).toHaveLength(DISTINCT);
    await Promise.all(libraries.map((l) => l.close()));
  });

  it('a tag change racing a re-save of the same article keeps both', async () => {
    const library = new Library({ factory: new IDBFactory() });
    const url = 'https://example.com/a';
    const { id } = await library.save(article(url));
    for (let round = 0; round < 10; round++) {
      await Promise.all([
        library.update(id, { tags: [`t${round}`], state: 'read' }),
        library.save(article(url, { textContent: `version ${round}` })),
      ]);
      const saved = await library.get(id);
      expect(saved?.tags).toEqual([`t${round}`]);
      expect(saved?.state).toBe('read');
      expect(saved?.article.textContent).toBe(`version ${round}`);
    }
  });

  it('an import written by the library page while the background saves: every article lands, and both see all of them', async () => {
    const factory = new IDBFactory();
    // The background's connection and the library page's own, as during an import.
    const [background, page] = [new Library({ factory }), new Library({ factory })] as const;
    const saved = (n: number) => article(`https://www.ftchinese.com/story/saved-${n}`, { textContent: `保存的正文 ${n}` });
    const imported = (n: number) => {
      const a = article(`https://www.ftchinese.com/story/imported-${n}`, { textContent: `导入的正文 ${n}` });
      const at = new Date(Date.UTC(2024, 0, 1, 0, n)).toISOString();
      return { ...a, id: 'other-device', siteName: a.siteName, savedAt: at, updatedAt: at, readAt: null, state: 'unread' as const, tags: ['导入'],
        readingMinutes: 1, length: 10, progress: 0, linkOnly: false, bodyBytes: 0, imageBytes: 0, missingImages: [], article: a };
    };
    // The background has a search index loaded, as after a search; the page imports in batches meanwhile.
    await background.save(saved(0));
    expect(await background.search('保存的正文')).toHaveLength(1);
    const batches = Array.from({ length: 6 }, (_, b) => Array.from({ length: 25 }, (_, i) => imported(b * 25 + i)));
    await Promise.all([
      (async () => {
        for (const batch of batches) await page.importRecords(batch);
      })(),
      (async () => {
        for (let n = 1; n < 40; n++) await background.save(saved(n));
      })(),
    ]);
    for (const library of [background, page]) {
      expect(await library.list()).toHaveLength(190);
      expect(await library.search('导入的正文')).toHaveLength(150);
      expect(await library.search('保存的正文')).toHaveLength(40);
    }
    expect((await page.get(idForUrl('https://www.ftchinese.com/story/imported-149')))?.tags).toEqual(['导入']);
    // The background's next save after the import still lands and is found.
    await background.save(saved(99));
    expect(await page.search('保存的正文 99')).toEqual([idForUrl('https://www.ftchinese.com/story/saved-99')]);
    await Promise.all([background.close(), page.close()]);
  });
});
