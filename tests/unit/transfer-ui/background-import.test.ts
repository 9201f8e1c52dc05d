// @vitest-environment happy-dom
import 'fake-indexeddb/auto';
import { IDBFactory } from 'fake-indexeddb';
import { describe, expect, it } from 'vitest';
import { checkImportBatch, decodeWireImage, importBatch, MAX_RECORDS_PER_MESSAGE, type ImportTarget } from '../../../src/background/import';
import { TransferStore } from '../../../src/library/transfer-data';
import { batchRecords, linkRecord, recordsFromPlan, toWireImage } from '../../../src/library/transfer-plan';
import { idForUrl } from '../../../src/storage/ids';
import { Library } from '../../../src/storage/library';
import type { ImportRecord } from '../../../src/storage/records';
import type { StoredImage } from '../../../src/storage/types';
import { exportBackup, importFile } from '../../../src/transfer/index';
import { makeArticle, PNG_1x1 } from '../transfer/helpers';

/** What `chrome.runtime.sendMessage` does to a payload. */
const overTheWire = <T>(value: T): unknown => JSON.parse(JSON.stringify(value));
const png = (articleId: string, url: string): StoredImage => ({ articleId, url, type: 'image/png', bytes: PNG_1x1 });

class FakeTarget implements ImportTarget {
  imported: ImportRecord[] = [];
  putCalls: [string, StoredImage[]][] = [];
  constructor(private readonly known: Set<string> = new Set()) {}
  async importRecords(records: readonly ImportRecord[]) {
    this.imported.push(...records);
    return { added: records.length, updated: 0, skipped: 0 };
  }
  async putImages(articleId: string, images: StoredImage[]) {
    this.putCalls.push([articleId, images]);
    return this.known.has(articleId) ? {} : undefined;
  }
}

describe('background check of library.import', () => {
  it('accepts records as pages send them and attaches decoded images to their record', () => {
    const a = makeArticle(0);
    const data = overTheWire({ records: [a], images: [toWireImage(png(a.id, 'https://img.example.com/0.png'))] });
    const batch = checkImportBatch(data);
    expect(batch.rejected).toEqual([]);
    expect(batch.records).toHaveLength(1);
    expect(batch.records[0]?.images?.[0]?.bytes).toEqual(PNG_1x1);
    expect(batch.records[0]?.images?.[0]?.bytes).toBeInstanceOf(Uint8Array);
  });

  it.each([
    ['a javascript: URL', { url: 'javascript:alert(1)' }, /url .*javascript/],
    ['a data: lead image', { leadImage: 'data:image/png;base64,AAAA' }, /leadImage .*data/],
    ['an unknown state', { state: 'deleted' }, /state/],
    ['tags that are not strings', { tags: [1, 2] }, /tags/],
    ['a missing id', { id: undefined }, /id/],
    ['progress above 1', { progress: 7 }, /progress/],
  ])('refuses a record with %s and names the field', (_name, patch, reason) => {
    const bad = { ...makeArticle(1), ...patch };
    const batch = checkImportBatch(overTheWire({ records: [makeArticle(2), bad] }));
    expect(batch.records.map((r) => r.id)).toEqual(['id-2']);
    expect(batch.rejected).toHaveLength(1);
    expect(batch.rejected[0]).toMatch(/^record 2/);
    expect(batch.rejected[0]).toMatch(reason);
  });

  it('refuses an article body URL with another scheme', () => {
    const a = makeArticle(3);
    const batch = checkImportBatch(overTheWire({ records: [{ ...a, article: { ...a.article, url: 'file:///etc/passwd' } }] }));
    expect(batch.records).toEqual([]);
    expect(batch.rejected[0]).toMatch(/article\.url .*file/);
  });

  it('refuses images that are not http(s), not images, not base64 or empty', () => {
    const a = makeArticle(4);
    const good = toWireImage(png(a.id, 'https://img.example.com/4.png'));
    const batch = checkImportBatch(
      overTheWire({
        records: [a],
        images: [
          { ...good, url: 'javascript:alert(1)' },
          { ...good, type: 'text/html' },
          { ...good, data: 'not base64!' },
          { ...good, data: '' },
          { ...good, articleId: 7 },
          'nonsense',
          good,
        ],
      }),
    );
    expect(batch.rejected).toHaveLength(6);
    expect(batch.records[0]?.images).toHaveLength(1);
  });

  it('accepts an image URL relative to its article, as the article wrote it', () => {
    expect(decodeWireImage(toWireImage(png('x', '/img/a.png')), 'https://www.ftchinese.com/story/1')).toMatchObject({ url: '/img/a.png' });
    expect(decodeWireImage(toWireImage(png('x', '/img/a.png')), undefined)).toMatch(/not an http/);
  });

  it('refuses malformed payloads and oversized batches as a whole', () => {
    expect(checkImportBatch(null).rejected).toHaveLength(1);
    expect(checkImportBatch({ records: 'x' }).rejected).toHaveLength(1);
    expect(checkImportBatch({ records: [], images: {} }).rejected).toHaveLength(1);
    const many = Array.from({ length: MAX_RECORDS_PER_MESSAGE + 1 }, () => ({}));
    const batch = checkImportBatch({ records: many });
    expect(batch.records).toEqual([]);
    expect(batch.rejected[0]).toMatch(/too many/);
  });

  it('refuses a second record with the same id in one message', () => {
    const a = makeArticle(5);
    const batch = checkImportBatch(overTheWire({ records: [a, a] }));
    expect(batch.records).toHaveLength(1);
    expect(batch.rejected[0]).toMatch(/duplicate id/);
  });

  it('stores images of articles outside the batch with putImages, and reports those with no article', async () => {
    const target = new FakeTarget(new Set(['saved']));
    const outcome = await importBatch(
      overTheWire({ records: [], images: [toWireImage(png('saved', 'https://i.example/1.png')), toWireImage(png('gone', 'https://i.example/2.png'))] }),
      target,
    );
    expect(target.imported).toEqual([]);
    expect(target.putCalls.map(([id]) => id)).toEqual(['saved', 'gone']);
    expect(outcome.rejected).toEqual(['1 image(s) for an article not in the library (gone)']);
  });
});

describe('a backup through the page, the message and the background into IndexedDB', () => {
  it('stores the same articles and image bytes, and a second import changes nothing', async () => {
    const articles = Array.from({ length: 7 }, (_, i) => makeArticle(i, { images: true }));
    const images = new Map<string, StoredImage>();
    for (const a of articles) if (a.leadImage) images.set(`${a.id} ${a.leadImage}`, png(a.id, a.leadImage));
    const parts = await exportBackup(articles, (id, url) => images.get(`${id} ${url}`));
    const bytes = new TextEncoder().encode(parts.join(''));

    const factory = new IDBFactory();
    const library = new Library({ factory });
    const store = new TransferStore({ factory });
    const send = async (batch: unknown) => importBatch(overTheWire(batch), library);
    const identity = (html: string) => html;

    const report = importFile('qingdu.json', bytes, { sanitize: identity, library: new Map(), idFor: idForUrl });
    expect(report).toMatchObject({ ok: true, added: 7, failed: [] });
    const outgoing = await recordsFromPlan(report, idForUrl, (id) => store.body(id));
    let added = 0;
    for (const batch of batchRecords(outgoing, { maxRecords: 3 })) {
      const outcome = await send(batch);
      expect(outcome.rejected).toEqual([]);
      added += outcome.added;
    }
    expect(added).toBe(7);

    const stored = await library.list();
    expect(stored.map((e) => e.title).sort()).toEqual(articles.map((a) => a.title).sort());
    const withImage = articles.find((a) => a.leadImage) as (typeof articles)[number];
    const id = idForUrl(withImage.url);
    expect((await library.getImage(id, withImage.leadImage as string))?.bytes).toEqual(PNG_1x1);
    expect((await library.getBody(id))?.contentHtml).toBe(withImage.article.contentHtml);

    // The page's export reads give back what was imported.
    const ids = stored.map((e) => e.id);
    const read = await store.articles([...ids, 'not-there'], {});
    expect(read.map((a) => a.id)).toEqual(ids);
    const rows: { id: string; article: { contentHtml: string } }[] = [];
    for await (const page of store.pages([...ids, 'not-there'], { bodies: false })) rows.push(...page.articles);
    expect(rows.map((a) => a.id)).toEqual(ids);
    expect(rows.every((a) => a.article.contentHtml === '')).toBe(true);
    const lookup = await store.images(ids);
    expect(lookup(id, withImage.leadImage as string)?.bytes).toEqual(PNG_1x1);
    expect(await store.imageUrls(id)).toEqual(new Set([withImage.leadImage]));

    // Again, against the now-filled library: nothing to add.
    const again = importFile('qingdu.json', bytes, { sanitize: identity, library: new Map(stored.map((e) => [e.id, e])), idFor: idForUrl });
    expect(again.added).toBe(0);
  });

  it('stores imported bookmarks as link-only entries', async () => {
    const factory = new IDBFactory();
    const library = new Library({ factory });
    const record = linkRecord({ kind: 'link', url: 'https://example.com/x', title: 'X', tags: ['a'], state: 'unread', savedAt: '2025-01-01T00:00:00.000Z' }, idForUrl('https://example.com/x'));
    const outcome = await importBatch(overTheWire({ records: [record] }), library);
    expect(outcome).toMatchObject({ added: 1, rejected: [] });
    expect(await library.list()).toEqual([expect.objectContaining({ title: 'X', linkOnly: true, tags: ['a'] })]);
  });
});
