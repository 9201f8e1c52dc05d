import { IDBIndex } from 'fake-indexeddb';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { localWriter } from '../../../src/library/export-writing';
import { exportList } from '../../../src/library/transfer-export';
import { TransferStore } from '../../../src/library/transfer-data';
import { IMPORT_BATCH } from '../../../src/storage/library';
import { idForUrl } from '../../../src/storage/ids';
import { articleFields, type ImportRecord } from '../../../src/storage/records';
import { BODY_PACK_SIZE } from '../../../src/storage/schema';
import { DB_VERSION } from '../../../src/storage/schema';
import { article, freshLibrary, NOW, rawGetAll, rawKeys, rawOpen } from './helpers';

const url = (k: number) => `https://www.ftchinese.com/story/${String(k).padStart(3, '0')}`;
const iso = (minutes: number) => new Date(NOW.getTime() + minutes * 60_000).toISOString();

/** A backup record of article `k`, with its own body text. */
function record(k: number, body = `第${k}篇的正文`, updatedAt = iso(k)): ImportRecord {
  const a = article(url(k), { contentHtml: `<p>${body}</p>`, textContent: body });
  return {
    id: idForUrl(a.url), ...articleFields(a), savedAt: iso(k), updatedAt, readAt: null, state: 'unread', tags: [], progress: 0,
    linkOnly: false, bodyBytes: 0, imageBytes: 0, missingImages: [], article: a,
  };
}

/** The raw rows of both body stores: the id lists of the packs and the keys of the single rows. */
async function stored(factory: IDBFactory): Promise<{ packs: string[][]; rows: string[] }> {
  const db = await rawOpen(factory, DB_VERSION);
  const packs = (await rawGetAll(db, 'bodyPacks')) as { ids: string[] }[];
  const rows = (await rawGetAll(db, 'bodies')) as { url: string }[];
  db.close();
  return { packs: packs.map((p) => p.ids), rows: rows.map((r) => idForUrl(r.url)) };
}

afterEach(() => {
  vi.restoreAllMocks();
});

describe('bodies an import adds are packed', () => {
  const COUNT = 2 * BODY_PACK_SIZE + 5;

  it(`an import of ${COUNT} articles writes packs of ${BODY_PACK_SIZE} and no single rows; every body reads back`, async () => {
    const { library, factory } = freshLibrary();
    const records = Array.from({ length: COUNT }, (_, k) => record(k));
    expect(await library.importRecords(records, { now: NOW })).toEqual({ added: COUNT, updated: 0, skipped: 0 });
    const { packs, rows } = await stored(factory);
    expect(packs.map((ids) => ids.length)).toEqual([BODY_PACK_SIZE, BODY_PACK_SIZE, 5]);
    expect(packs.flat()).toEqual(records.map((r) => r.id));
    expect(rows).toEqual([]);
    for (const r of [records[0], records[BODY_PACK_SIZE + 3], records[COUNT - 1]]) {
      expect((await library.get(r!.id))?.article).toEqual(r!.article);
      expect(await library.getBody(r!.id)).toEqual(r!.article);
    }
    // The exports read a chunk's bodies from rows and packs alike, in the order asked.
    const transfer = new TransferStore({ factory });
    const rowsAsked = [...(await library.list())].reverse();
    const { articles } = await transfer.articles(rowsAsked, { bodies: true, images: null });
    expect(articles.map((a) => a.article.textContent)).toEqual(records.map((r) => r.article.textContent));
    expect(await transfer.body(records[7]!.id)).toEqual(records[7]!.article);
  });

  it('re-saving a packed article moves its body to its own row; the rest of the pack stays', async () => {
    const { library, factory } = freshLibrary();
    const records = Array.from({ length: 3 }, (_, k) => record(k));
    await library.importRecords(records, { now: NOW });
    const fresh = article(url(1), { contentHtml: '<p>改过的正文</p>', textContent: '改过的正文' });
    await library.save(fresh, { now: new Date(iso(60)) });
    expect(await stored(factory)).toEqual({ packs: [[records[0]!.id, records[2]!.id]], rows: [records[1]!.id] });
    expect(await library.getBody(records[1]!.id)).toEqual(fresh);
    expect(await library.getBody(records[2]!.id)).toEqual(records[2]!.article);
    expect(await library.search('改过')).toEqual([records[1]!.id]);
    // An export chunk mixing the two stores gets each body from where it is, in the order asked.
    const asked = await library.list();
    const { articles } = await new TransferStore({ factory }).articles(asked, { bodies: true, images: null });
    expect(articles.map((a) => [a.id, a.article.textContent])).toEqual(
      asked.map((e) => [e.id, e.id === records[1]!.id ? '改过的正文' : records.find((r) => r.id === e.id)!.article.textContent]),
    );
  });

  it('removing packed articles hands back their bodies for undo, and the emptied pack goes', async () => {
    const { library, factory } = freshLibrary();
    const records = Array.from({ length: 2 }, (_, k) => record(k));
    await library.importRecords(records, { now: NOW });
    const first = await library.remove(records[0]!.id);
    expect(first?.article).toEqual(records[0]!.article);
    expect(await library.getBody(records[0]!.id)).toBeUndefined();
    expect(await library.getBody(records[1]!.id)).toEqual(records[1]!.article);
    const second = await library.remove(records[1]!.id);
    expect(await stored(factory)).toEqual({ packs: [], rows: [] });
    // Undo puts the body back, in a row of its own.
    await library.restore(second!);
    expect(await library.get(records[1]!.id)).toEqual({ ...second!, images: undefined, article: records[1]!.article });
    expect(await stored(factory)).toEqual({ packs: [], rows: [records[1]!.id] });
  });

  it('a later import with newer bodies updates packed ones; the same URL twice in one import keeps the newer body, packed', async () => {
    const { library, factory } = freshLibrary();
    await library.importRecords([record(0), record(1)], { now: NOW });
    const newer = record(0, '更新后的正文', iso(500));
    const twice = [record(2, '第一次'), record(2, '第二次', iso(600))];
    expect(await library.importRecords([newer, record(1), ...twice], { now: NOW })).toEqual({ added: 1, updated: 2, skipped: 1 });
    expect(await library.getBody(newer.id)).toEqual(newer.article);
    expect(await library.getBody(twice[1]!.id)).toEqual(twice[1]!.article);
    expect(await stored(factory)).toEqual({ packs: [[record(1).id], [twice[1]!.id]], rows: [newer.id] });
    // The row of the URL that came twice names the pack its newer body went into; the one moved to a row names none.
    const rows = new Map((await new TransferStore({ factory }).entries()).map((row) => [row.id, row.pack]));
    const db = await rawOpen(factory, DB_VERSION);
    const packOf = new Map((await rawKeys(db, 'bodyPacks')).map((key, k) => [k, key]));
    db.close();
    expect([rows.get(record(1).id), rows.get(twice[1]!.id), rows.get(newer.id)]).toEqual([packOf.get(0), packOf.get(1), undefined]);
  });

  it('storage full while packing the second batch: the import rejects with "quota", keeps the first batch and nothing of the second', async () => {
    const { library, factory } = freshLibrary();
    const records = Array.from({ length: IMPORT_BATCH + 100 }, (_, k) => record(k));
    const put = IDBObjectStore.prototype.put;
    let packs = 0;
    vi.spyOn(IDBObjectStore.prototype, 'put').mockImplementation(function (this: IDBObjectStore, ...args) {
      // The first batch fills IMPORT_BATCH / BODY_PACK_SIZE packs; the next pack is refused.
      if (this.name === 'bodyPacks' && ++packs > IMPORT_BATCH / BODY_PACK_SIZE) throw new DOMException('The quota has been exceeded.', 'QuotaExceededError');
      return put.apply(this, args);
    });
    await expect(library.importRecords(records, { now: NOW })).rejects.toMatchObject({ code: 'quota' });
    vi.restoreAllMocks();
    expect((await library.list()).length).toBe(IMPORT_BATCH);
    expect((await stored(factory)).packs.flat()).toEqual(records.slice(0, IMPORT_BATCH).map((r) => r.id));
    expect(await library.getBody(records[IMPORT_BATCH - 1]!.id)).toEqual(records[IMPORT_BATCH - 1]!.article);
    expect(await library.get(records[IMPORT_BATCH]!.id)).toBeUndefined();
  });
});

describe('an index row names the pack of its body', () => {
  /** Each pack's ids by its key. */
  async function packsByKey(factory: IDBFactory): Promise<Map<number, string[]>> {
    const db = await rawOpen(factory, DB_VERSION);
    const [keys, packs] = await Promise.all([rawKeys(db, 'bodyPacks'), rawGetAll(db, 'bodyPacks') as Promise<{ ids: string[] }[]>]);
    db.close();
    return new Map(keys.map((key, k) => [key as number, packs[k]!.ids]));
  }

  it('an import names each body\'s pack, and an export reads the packs named without looking an id up', async () => {
    const { library, factory } = freshLibrary();
    const records = Array.from({ length: 45 }, (_, k) => record(k));
    // Two imports: the second one's packs come after the first one's, none replaced.
    await library.importRecords(records.slice(0, 25), { now: NOW });
    await library.importRecords(records.slice(25), { now: NOW });
    const packs = await packsByKey(factory);
    expect([...packs.values()].flat().sort()).toEqual(records.map((r) => r.id).sort());
    const store = new TransferStore({ factory });
    const rows = await store.entries();
    for (const row of rows) expect(packs.get(row.pack as number)).toContain(row.id);

    const lookups = vi.spyOn(IDBIndex.prototype, 'getKey');
    const { articles } = await store.articles(rows, { bodies: true, images: null });
    expect(articles.map((a) => a.article)).toEqual(rows.map((row) => records.find((r) => r.id === row.id)!.article));
    expect(lookups).not.toHaveBeenCalled();
    // A row naming a pack that does not hold its body (or none) still gets its own body, through a lookup.
    const misnamed = rows.map((row, k) => ({ ...row, pack: k % 2 ? 1 : undefined }));
    const again = await store.articles(misnamed, { bodies: true, images: null });
    expect(again.articles.map((a) => a.article)).toEqual(articles.map((a) => a.article));
    expect(lookups).toHaveBeenCalled();
  });

  it('a body that leaves its pack for a row of its own leaves its index row\'s pack too', async () => {
    const { library, factory } = freshLibrary();
    const records = Array.from({ length: 3 }, (_, k) => record(k));
    await library.importRecords(records, { now: NOW });
    // A newer copy in a later import, a save, and an undone delete each store the body in a row of its own.
    await library.importRecords([record(0, '新的正文', iso(90))], { now: NOW });
    await library.save(article(url(1), { contentHtml: '<p>改过的正文</p>', textContent: '改过的正文' }), { now: new Date(iso(60)) });
    await library.restore((await library.remove(records[2]!.id))!);
    expect(await stored(factory)).toEqual({ packs: [], rows: expect.arrayContaining(records.map((r) => r.id)) as unknown as string[] });
    expect((await new TransferStore({ factory }).entries()).map((row) => row.pack)).toEqual([undefined, undefined, undefined]);
  });

  it('where a body is stored never leaves the library: not in the rows it hands out, nor in a backup', async () => {
    const { library, factory } = freshLibrary();
    const records = Array.from({ length: 3 }, (_, k) => record(k));
    await library.importRecords(records, { now: NOW });
    const id = records[0]!.id;
    const handedOut = [
      ...(await library.list()), ...(await library.firstEntries(2)), await library.getEntry(id), await library.get(id),
      await library.update(id, { tags: ['经济'] }), ...(await library.setState([id], 'read')),
    ];
    for (const row of handedOut) expect(row).not.toHaveProperty('pack');
    const store = new TransferStore({ factory });
    const file = await exportList('backup', await store.entries(), localWriter(store, 'backup', { bodies: true, images: null }));
    const text = await new Blob(file.parts).text();
    expect(text).toContain(records[2]!.article.textContent);
    expect(text).not.toContain('"pack"');
  });
});
