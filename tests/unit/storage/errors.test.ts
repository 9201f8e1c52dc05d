import { afterEach, describe, expect, it, vi } from 'vitest';
import { StorageError, toStorageError } from '../../../src/storage/errors';
import { article, freshLibrary, NOW } from './helpers';

const URL_A = 'https://www.ftchinese.com/story/001';
const later = new Date(NOW.getTime() + 60_000);

/** Makes `put` on one store fail the way `fail` says; every other store works normally. */
function failPutsOn(storeName: string, fail: (store: IDBObjectStore) => never): void {
  const original = IDBObjectStore.prototype.put;
  vi.spyOn(IDBObjectStore.prototype, 'put').mockImplementation(function (this: IDBObjectStore, ...args) {
    if (this.name === storeName) fail(this);
    return original.apply(this, args);
  });
}

afterEach(() => {
  vi.restoreAllMocks();
});

describe('failed writes', () => {
  it('quota exceeded mid-transaction rejects with code "quota" and keeps the previous version', async () => {
    const { library } = freshLibrary();
    const first = await library.save(article(URL_A, { title: '旧标题', textContent: '旧的正文内容' }), { now: NOW });
    await library.update(first.id, { tags: ['keep'] });
    const before = await library.get(first.id);
    expect(await library.search('旧的')).toEqual([first.id]);

    // The body put fails; the segments written after it must not land either.
    failPutsOn('bodies', () => {
      throw new DOMException('The quota has been exceeded.', 'QuotaExceededError');
    });
    const attempt = library.save(article(URL_A, { title: '新标题', textContent: '新的正文内容' }), { now: later });
    await expect(attempt).rejects.toBeInstanceOf(StorageError);
    await expect(attempt).rejects.toMatchObject({ code: 'quota', message: expect.stringMatching(/space/) });
    vi.restoreAllMocks();

    expect(await library.get(first.id)).toEqual(before);
    expect((await library.list()).map((e) => e.title)).toEqual(['旧标题']);
    expect(await library.search('新的')).toEqual([]);
    expect(await library.search('旧的')).toEqual([first.id]);
  });

  it('a first save that fails leaves nothing behind', async () => {
    const { library } = freshLibrary();
    await library.search('任何'); // load the search index first: a failed save must not reach it
    failPutsOn('searchSegments', () => {
      throw new DOMException('quota', 'QuotaExceededError');
    });
    await expect(library.save(article(URL_A, { textContent: '任何内容' }), { now: NOW })).rejects.toMatchObject({ code: 'quota' });
    vi.restoreAllMocks();
    expect(await library.list()).toEqual([]);
    expect(await library.usage()).toEqual({ articles: 0, bodyBytes: 0, imageBytes: 0 });
    expect(await library.search('任何')).toEqual([]);
  });

  it('a save that fails between two others leaves its text out of what the next one writes', async () => {
    const { library, factory } = freshLibrary();
    await library.save(article(URL_A, { textContent: '第一篇' }), { now: NOW });
    // The failure comes after this save's text was added to the segment in memory.
    failPutsOn('searchSegments', () => {
      throw new DOMException('quota', 'QuotaExceededError');
    });
    await expect(library.save(article(`${URL_A}-2`, { textContent: '失败的一篇' }), { now: NOW })).rejects.toMatchObject({ code: 'quota' });
    vi.restoreAllMocks();
    await library.save(article(`${URL_A}-3`, { textContent: '第三篇' }), { now: later });
    // A reader of its own loads the search text as stored.
    const { library: reader } = freshLibrary(factory);
    expect(await reader.search('失败')).toEqual([]);
    expect(await reader.search('第一篇')).toHaveLength(1);
    expect(await reader.search('第三篇')).toHaveLength(1);
  });

  it('a transaction aborted under the write rejects with code "aborted"', async () => {
    const { library } = freshLibrary();
    const first = await library.save(article(URL_A), { now: NOW });
    failPutsOn('entrySegments', (store) => {
      store.transaction.abort();
      throw new DOMException('The transaction was aborted.', 'AbortError');
    });
    await expect(library.update(first.id, { state: 'archived' })).rejects.toMatchObject({ code: 'aborted' });
    vi.restoreAllMocks();
    expect((await library.get(first.id))?.state).toBe('unread');
  });

  it('a body that cannot be stored (clone failure) rejects with code "unknown" and changes nothing', async () => {
    const { library } = freshLibrary();
    const first = await library.save(article(URL_A), { now: NOW });
    const broken = { ...article(URL_A, { title: 'broken' }), extra: () => 0 };
    await expect(library.save(broken, { now: later })).rejects.toMatchObject({ code: 'unknown' });
    expect(await library.get(first.id)).toEqual(first);
  });

  it('a write that fails after other requests were sent is reported as itself, not as the abort it causes', async () => {
    const { library } = freshLibrary();
    const kept = await library.save(article(URL_A), { now: NOW });
    // \`add\` of a key that exists fails asynchronously, as a full disk does, with requests still outstanding.
    const add = IDBObjectStore.prototype.add;
    vi.spyOn(IDBObjectStore.prototype, 'put').mockImplementation(function (this: IDBObjectStore, ...args) {
      return add.apply(this, args);
    });
    const attempt = library.save(article(URL_A, { title: 'again' }), { now: later });
    await expect(attempt).rejects.toMatchObject({ code: 'unknown', cause: { name: 'ConstraintError' } });
    vi.restoreAllMocks();
    expect(await library.get(kept.id)).toEqual(kept);
  });

  // A browser logs such a rejection as an uncaught error in the background's console, for a failure already reported.
  it('a failed re-save of an imported article leaves no promise rejected with nothing to hear it', async () => {
    const { library } = freshLibrary();
    const removed = (await library.remove((await library.save(article(URL_A), { now: NOW })).id))!;
    // Imported, its body is kept in a pack, which a save makes it leave.
    await library.importRecords([removed]);
    const unheard: unknown[] = [];
    const listen = (reason: unknown) => void unheard.push(reason);
    process.on('unhandledRejection', listen);
    try {
      // The revision's put fails once sent, as a full disk fails it (an \`add\` of a key that exists), while the
      // body is leaving its pack and the old images are read.
      const add = IDBObjectStore.prototype.add;
      const put = IDBObjectStore.prototype.put;
      vi.spyOn(IDBObjectStore.prototype, 'put').mockImplementation(function (this: IDBObjectStore, ...args) {
        return (this.name === 'meta' ? add : put).apply(this, args);
      });
      const images = [{ articleId: '', url: 'https://img/1', type: 'image/png', bytes: new Uint8Array([1]) }];
      await expect(library.save(article(URL_A, { textContent: '新的' }), { now: later, images })).rejects.toBeInstanceOf(StorageError);
      await new Promise((resolve) => setTimeout(resolve, 50));
    } finally {
      process.off('unhandledRejection', listen);
    }
    expect(unheard).toEqual([]);
  });

  it('maps IndexedDB errors to codes with readable messages', () => {
    expect(toStorageError(new DOMException('x', 'QuotaExceededError')).code).toBe('quota');
    expect(toStorageError(new DOMException('x', 'AbortError')).code).toBe('aborted');
    expect(toStorageError(new Error('x')).code).toBe('unknown');
    const error = toStorageError(new DOMException('x', 'QuotaExceededError'));
    expect(error).toBeInstanceOf(Error);
    expect(error.message).not.toMatch(/DOMException|Quota/);
  });
});
