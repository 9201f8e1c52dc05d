/** A backup read as a stream by the library page, twice (plan, then write), into IndexedDB. */
import 'fake-indexeddb/auto';
import { IDBFactory } from 'fake-indexeddb';
import { describe, expect, it } from 'vitest';
import { libraryWriter, type ImportWriter } from '../../../src/library/import-writer';
import { TransferStore } from '../../../src/library/transfer-data';
import { ImportStoppedError, PartialImportError, planFile } from '../../../src/library/transfer-import';
import { batchRecords, recordsFromPlan } from '../../../src/library/transfer-plan';
import { idForUrl } from '../../../src/storage/ids';
import { Library } from '../../../src/storage/library';
import type { SavedArticle } from '../../../src/storage/types';
import { zipSync } from 'fflate';
import { BACKUP_ZIP_ENTRY, isBackupEntry } from '../../../src/transfer/backup';
import { exportBackup, exportBookmarks, importFile, zippedBackupText } from '../../../src/transfer/index';
import { joinBytes, ZipStream } from '../../../src/transfer/zip-stream';
import { makeImageLookup, makeLibrary } from '../transfer/helpers';
import { searchRows } from '../storage/helpers';
import { channelReader } from './backup-channel';

function setup() {
  const factory = new IDBFactory();
  const library = new Library({ factory });
  const store = new TransferStore({ factory });
  /** Each batch written, and each announcement. */
  const sent: ({ records: number; images: number } | 'announce')[] = [];
  const inner = libraryWriter(library, () => sent.push('announce'));
  const writer: ImportWriter = {
    write: (batch) => (sent.push({ records: batch.records.length, images: batch.images.length }), inner.write(batch)),
    announce: () => inner.announce(),
  };
  return { factory, library, store, writer, sent };
}

/** Counts its calls; marks what it cleaned. */
function countingSanitize() {
  const calls = { n: 0 };
  return { calls, sanitize: (html: string) => (calls.n++, html.replace(/<iframe[^>]*><\/iframe>/g, '')) };
}

const articles = makeLibrary(30, { images: true });
const backupFile = async (list: SavedArticle[] = articles, name = 'qingdu-2026-11-25-30篇.json') =>
  new File([(await exportBackup(list, makeImageLookup())).join('')], name, { type: 'application/json' });

describe('a backup imported as a stream', () => {
  it('plans without sanitizing, then writes what the whole-file import writes, in batches', async () => {
    const { library, store, writer, sent } = setup();
    const { calls, sanitize } = countingSanitize();
    const file = await backupFile();
    const read: number[] = [];
    const plan = await planFile(file, store, { backupReader: channelReader, sanitize, hooks: {}, onProgress: (done, total) => (expect(total).toBe(file.size), read.push(done)) });
    expect(plan.report).toMatchObject({ ok: true, format: 'qingdu-backup', added: 30, updated: 0, duplicates: 0, failed: [] });
    // The bar follows the bytes read, up to the whole file.
    expect(read.length).toBeGreaterThan(0);
    expect(read.every((n, i) => i === 0 || n > (read[i - 1] as number))).toBe(true);
    expect(read.at(-1)).toBe(file.size);
    expect(plan.writes).toBe(30);
    expect(calls.n).toBe(0);
    const progress: number[] = [];
    const outcome = await plan.apply(writer, { maxRecords: 7, onProgress: (done) => progress.push(done) });
    expect(outcome).toMatchObject({ added: 30, updated: 0, rejected: [] });
    expect(calls.n).toBe(30);
    expect(progress).toEqual([0, 7, 14, 21, 28, 30]);
    // Records in batches, then the images of the stored articles, then the announcement.
    expect(sent.map((s) => (s === 'announce' ? s : s.records))).toEqual([7, 7, 7, 7, 2, 0, 'announce']);
    expect(sent.at(-2)).toEqual({ records: 0, images: 10 });

    // The same library as the whole-file import builds.
    const other = setup();
    const whole = importFile('b.json', new Uint8Array(await (await backupFile()).arrayBuffer()), { sanitize: (h) => h, library: new Map(), idFor: idForUrl });
    for (const batch of batchRecords(await recordsFromPlan(whole, idForUrl, async () => undefined))) await other.writer.write(batch);
    const byId = (list: { id: string }[]) => [...list].sort((a, b) => a.id.localeCompare(b.id));
    expect(byId(await library.list())).toEqual(byId(await other.library.list()));
    const withImage = articles.find((a) => a.leadImage) as SavedArticle;
    expect((await library.getImage(idForUrl(withImage.url), withImage.leadImage as string))?.bytes).toEqual(
      (await other.library.getImage(idForUrl(withImage.url), withImage.leadImage as string))?.bytes,
    );

    // Again: everything is a duplicate and nothing is sent.
    const again = await planFile(await backupFile(), store, { backupReader: channelReader, sanitize, hooks: {} });
    expect(again.report).toMatchObject({ added: 0, updated: 0, duplicates: 30 });
    expect(again.writes).toBe(0);
  });

  it('has the reading worker prepare each added article\'s search text and size, and stores them as the library would make them', async () => {
    const { factory, library, store } = setup();
    const prepared: boolean[] = [];
    const writer = libraryWriter(library, () => undefined);
    const watching: ImportWriter = { write: (batch) => (prepared.push(...batch.records.map((r) => r.prepared !== undefined)), writer.write(batch)), announce: () => undefined };
    const odd = { ...(articles[4] as SavedArticle), title: '软着陆\ud83d', article: { ...(articles[4] as SavedArticle).article, title: '软着陆\ud83d', textContent: 'Ｆｕｌｌ 說\udc00' } };
    const list = [...articles.slice(0, 4), odd];
    await (await planFile(await backupFile(list), store, { backupReader: channelReader, sanitize: (h) => h, hooks: {} })).apply(watching);
    expect(prepared).toEqual([true, true, true, true, true]);

    const other = setup();
    const whole = importFile('b.json', new Uint8Array(await (await backupFile(list)).arrayBuffer()), { sanitize: (h) => h, library: new Map(), idFor: idForUrl });
    for (const batch of batchRecords(await recordsFromPlan(whole, idForUrl, async () => undefined))) await other.writer.write(batch);
    expect(batchRecords(await recordsFromPlan(whole, idForUrl, async () => undefined)).flatMap((b) => b.records).some((r) => r.prepared)).toBe(false);
    const byId = (rows: { id: string }[]) => [...rows].sort((a, b) => a.id.localeCompare(b.id));
    expect(byId(await library.list())).toEqual(byId(await other.library.list()));
    expect(await searchRows(factory)).toEqual(await searchRows(other.factory));
  });

  it.each([false, true])('merges the copies of one story an older backup holds under two URLs (http and https, FT\'s two hosts) into one article (newer copy first: %s)', async (reversed) => {
    const { library, store, writer } = setup();
    const base = articles[1] as SavedArticle;
    const later = new Date(Date.parse(base.updatedAt) + 3_600_000).toISOString();
    const http = base.url.replace(/^https:/, 'http:');
    const copies: SavedArticle[] = [
      { ...base, id: '1111111111111111', url: http, tags: ['旧书签'], state: 'archived', progress: 1, article: { ...base.article, url: http } },
      { ...base, id: '2222222222222222', tags: ['新'], updatedAt: later, article: { ...base.article, title: '新版标题', textContent: '新版正文。' } },
      { ...(articles[2] as SavedArticle), id: '3333333333333333', url: 'https://cn.ft.com/story/001000777', article: { ...(articles[2] as SavedArticle).article, url: 'https://cn.ft.com/story/001000777' } },
      { ...(articles[3] as SavedArticle), id: '4444444444444444', url: 'https://www.ftchinese.com/story/001000777', tags: ['另一个'], article: { ...(articles[3] as SavedArticle).article, url: 'https://www.ftchinese.com/story/001000777' } },
    ];
    if (reversed) copies.reverse();
    const plan = await planFile(await backupFile(copies), store, { backupReader: channelReader, sanitize: (h) => h, hooks: {} });
    expect(plan.report).toMatchObject({ added: 2, updated: 2, duplicates: 0 });
    await plan.apply(writer);
    const list = await library.list();
    expect(list.map((e) => e.id).sort()).toEqual([idForUrl(base.url), idForUrl('https://cn.ft.com/story/001000777')].sort());
    expect(await library.get(idForUrl(base.url))).toMatchObject({
      tags: reversed ? ['新', '旧书签'] : ['旧书签', '新'], state: 'archived', progress: 1, title: '新版标题', article: { textContent: '新版正文。' },
    });
    expect(await library.getEntry(idForUrl('https://www.ftchinese.com/story/001000777'))).toMatchObject({ tags: expect.arrayContaining(['另一个']) });

    // The whole-file import builds the same library.
    const other = setup();
    const whole = importFile('b.json', new Uint8Array(await (await backupFile(copies)).arrayBuffer()), { sanitize: (h) => h, library: new Map(), idFor: idForUrl });
    for (const batch of batchRecords(await recordsFromPlan(whole, idForUrl, async () => undefined))) await other.writer.write(batch);
    const byId = (rows: { id: string }[]) => [...rows].sort((a, b) => a.id.localeCompare(b.id));
    expect(byId(await other.library.list())).toEqual(byId(list));
    expect(await other.library.getBody(idForUrl(base.url))).toEqual(await library.getBody(idForUrl(base.url)));
  });

  it('counts a stored article that only gains images as updated, and sends only its images', async () => {
    const { library, store, writer, sent } = setup();
    const bare = articles.slice(0, 6);
    // Stored first without any image.
    await plainImport(bare, writer, library);
    sent.length = 0;
    const plan = await planFile(await backupFile(), store, { backupReader: channelReader, sanitize: (h) => h, hooks: {} });
    // Articles 0 and 3 have stored images in the file: they gain them.
    expect(plan.report).toMatchObject({ added: 24, updated: 2, duplicates: 4 });
    const outcome = await plan.apply(writer);
    expect(outcome.added).toBe(24);
    const id0 = idForUrl((articles[0] as SavedArticle).url);
    expect(await store.imageUrls(id0)).toEqual(new Set([(articles[0] as SavedArticle).leadImage]));
  });

  it('says, before writing, what it would change in each stored article', async () => {
    const { library, store, writer } = setup();
    await plainImport(articles.slice(0, 6), writer, library);
    const later = (a: SavedArticle) => new Date(Date.parse(a.updatedAt) + 86_400_000).toISOString();
    const changed = articles.slice(0, 6).map((a, i) => {
      if (i === 1) return { ...a, tags: [...a.tags, '通勤'], state: 'archived' as const };
      if (i === 2) return { ...a, title: `${a.title}（更新）`, updatedAt: later(a) };
      return a;
    });
    const plan = await planFile(await backupFile(changed), store, { backupReader: channelReader, sanitize: (h) => h, hooks: {} });
    // Articles 0 and 3 only gain their stored images (counted, not described); 1 and 2 change fields.
    expect(plan.report).toMatchObject({ added: 0, updated: 4, duplicates: 2 });
    expect(plan.updates).toEqual([
      expect.objectContaining({ title: (articles[1] as SavedArticle).title, changes: ['state', 'tags'], images: 0 }),
      expect.objectContaining({ title: `${(articles[2] as SavedArticle).title}（更新）`, changes: expect.arrayContaining(['title']), images: 0 }),
    ]);
  });

  it('counts in its notes only the images the library does not have yet', async () => {
    const { store, writer } = setup();
    const six = articles.slice(0, 6);
    await (await planFile(await backupFile(six), store, { backupReader: channelReader, sanitize: (h) => h, hooks: {} })).apply(writer);
    // Article 0 has an image, stored above: a new tag is the only change the file brings.
    const plan = await planFile(await backupFile(six.map((a, i) => (i === 0 ? { ...a, tags: [...a.tags, '通勤'] } : a))), store, { backupReader: channelReader, sanitize: (h) => h, hooks: {} });
    expect(plan.updates).toEqual([expect.objectContaining({ title: (articles[0] as SavedArticle).title, changes: ['tags'], images: 0 })]);
  });

  it('counts no change for empty tags, and stores half a surrogate pair as U+FFFD', async () => {
    const { library, store, writer } = setup();
    await plainImport(articles.slice(0, 2), writer, library);
    const a0 = articles[0] as SavedArticle;
    const a1 = articles[1] as SavedArticle;
    const a2 = articles[2] as SavedArticle;
    const file = new File([(await exportBackup([
      { ...a1, tags: [...a1.tags, '', '  '] },
      { ...a2, title: '软着陆\ud83d', tags: ['\udc00', ''], article: { ...a2.article, title: '软着陆\ud83d' } },
    ])).join('')], 'b.json');
    const plan = await planFile(file, store, { backupReader: channelReader, sanitize: (h) => h, hooks: {} });
    expect(plan.report).toMatchObject({ added: 1, updated: 0, duplicates: 1 });
    expect(plan.updates).toEqual([]);
    await plan.apply(writer);
    const stored = await library.list();
    expect(stored.find((e) => e.url === a2.url)).toMatchObject({ title: '软着陆\ufffd', tags: ['\ufffd'] });
    expect((await library.getBody(idForUrl(a2.url)))?.title).toBe('软着陆\ufffd');
    expect(stored.find((e) => e.url === a0.url)?.tags).toEqual(a0.tags);
  });

  it('refuses a truncated or damaged file before anything is written', async () => {
    const { store, writer, sent } = setup();
    const text = (await exportBackup(articles, makeImageLookup())).join('');
    for (const bad of [text.slice(0, Math.floor(text.length * 0.8)), text.replace('},\n{', '}\n{'), `${text}]`, text.replace('"images":[', '"images":[,')]) {
      const plan = await planFile(new File([bad], 'b.json'), store, { backupReader: channelReader, sanitize: (h) => h, hooks: {} });
      expect(plan.report.ok).toBe(false);
      expect(plan.writes).toBe(0);
      await plan.apply(writer);
    }
    expect(sent).toEqual([]);
  });

  it('refuses a backup over 1 GB, a bookmarks file or CSV over 50 MB, by their size, before reading them', async () => {
    const { store } = setup();
    /** A file that says it is `size` bytes long; reading past its head would fail. */
    const claiming = (file: File, size: number): File => {
      const claimed = {
        size,
        name: file.name,
        type: file.type,
        // Only the head is looked at, to recognise the format.
        slice: (start?: number, end?: number) => {
          if ((end ?? size) > 64 * 1024) throw new Error('read past the head');
          return file.slice(start, end);
        },
        arrayBuffer: () => Promise.reject(new Error('read whole')),
        text: () => Promise.reject(new Error('read whole')),
        stream: () => {
          throw new Error('read as a stream');
        },
      };
      return claimed as unknown as File;
    };
    const big = await backupFile();
    const bookmarks = new File([(await exportBookmarks(articles)).padEnd(8192, ' ')], 'bookmarks.html');
    const csv = new File(['URL,Title\nhttps://a.example/,A\n'.padEnd(8192, ' ')], 'instapaper.csv');
    const cases: [File, number, RegExp][] = [
      [big, 2 ** 30 + 1, /^the file is 1024\.0 MB; files above 1024 MB are refused$/],
      [bookmarks, 50 * 2 ** 20 + 1, /^the file is 50\.0 MB; files above 50 MB are refused$/],
      [csv, 60 * 2 ** 20, /^the file is 60\.0 MB; files above 50 MB are refused$/],
    ];
    for (const [file, size, message] of cases) {
      const plan = await planFile(claiming(file, size), store, { backupReader: channelReader, sanitize: (h) => h, hooks: {} });
      expect(plan.report).toMatchObject({ ok: false, message: expect.stringMatching(message) });
      expect(plan.writes).toBe(0);
    }
  });

  it('sanitizes each body before it is stored', async () => {
    const { library, store, writer } = setup();
    const hostile = articles.map((a) => ({ ...a, article: { ...a.article, contentHtml: `${a.article.contentHtml}<iframe src="https://evil"></iframe>` } }));
    const seen: string[] = [];
    const plan = await planFile(await backupFile(hostile), store, { backupReader: channelReader, sanitize: countingSanitize().sanitize, hooks: {} });
    await plan.apply(writer);
    for (const entry of await library.list()) seen.push((await library.getBody(entry.id))?.contentHtml ?? '');
    expect(seen).toHaveLength(30);
    expect(seen.some((h) => h.includes('iframe'))).toBe(false);
  });

  it('stops at a failed batch, says what was stored and announces it', async () => {
    const { library, store, writer, sent } = setup();
    const plan = await planFile(await backupFile(), store, { backupReader: channelReader, sanitize: (h) => h, hooks: {} });
    const failing: ImportWriter = {
      write: (batch) => (sent.length === 2 ? Promise.reject(new Error('Storage is full')) : writer.write(batch)),
      announce: writer.announce,
    };
    const error = await plan.apply(failing, { maxRecords: 10 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PartialImportError);
    expect((error as PartialImportError).message).toBe('Storage is full');
    expect((error as PartialImportError).outcome.added).toBe(20);
    expect(await library.list()).toHaveLength(20);
    expect(sent.at(-1)).toBe('announce');
  });
});

describe('a zipped backup imported as a stream', () => {
  // Long enough that the zip is read as a stream, not whole like a small file.
  const long = makeLibrary(30, { images: true, paragraphs: 30 });
  const json = async () => new Uint8Array(await (await backupFile(long)).arrayBuffer());
  /** The backup as the single entry of a zip: sizes in the header (zipSync), or after the data (a streaming zip). */
  async function zipped(how: 'sized' | 'streamed', entry = BACKUP_ZIP_ENTRY): Promise<File> {
    let bytes: Uint8Array;
    if (how === 'sized') bytes = zipSync({ [entry]: await json() });
    else {
      const zip = new ZipStream();
      zip.add(entry, await json(), true);
      zip.end();
      bytes = joinBytes(zip.take());
    }
    return new File([bytes as BlobPart], 'qingdu-2026-11-25-30篇.zip', { type: 'application/zip' });
  }

  it.each([
    ['sized', BACKUP_ZIP_ENTRY],
    ['streamed', BACKUP_ZIP_ENTRY],
    // The file Qingdu exported, zipped by hand.
    ['sized', 'qingdu-2026-11-25-30篇.json'],
  ] as const)('%s, as %s: plans and writes through the worker, the same library as the JSON', async (how, entry) => {
    const { library, store, writer } = setup();
    const reads: string[] = [];
    const reader = () => (reads.push('read'), channelReader());
    const plan = await planFile(await zipped(how, entry), store, { backupReader: reader, sanitize: (h) => h, hooks: {} });
    expect(plan.report).toMatchObject({ ok: true, format: 'qingdu-backup', added: 30, failed: [] });
    expect(await plan.apply(writer)).toMatchObject({ added: 30, rejected: [] });
    // Read as a stream twice (plan, then write), not whole.
    expect(reads).toEqual(['read', 'read']);
    const other = setup();
    await (await planFile(await backupFile(long), other.store, { backupReader: channelReader, sanitize: (h) => h, hooks: {} })).apply(other.writer);
    const byId = (list: { id: string }[]) => [...list].sort((a, b) => a.id.localeCompare(b.id));
    expect(byId(await library.list())).toEqual(byId(await other.library.list()));
  });

  it('refuses a zip that unpacks past the limit, a cut one and one without the backup, writing nothing', async () => {
    const spaces = new Uint8Array(3 * 1024 * 1024).fill(0x20);
    const bomb = new ZipStream();
    bomb.add(BACKUP_ZIP_ENTRY, spaces, true);
    bomb.end();
    const reading = (bytes: Uint8Array, max: number) => (async () => {
      for await (const piece of zippedBackupText(new Blob([bytes as BlobPart]), max)) void piece;
    })();
    await expect(reading(joinBytes(bomb.take()), 1024 * 1024)).rejects.toThrow('the zip archive unpacks to more than 1 MB, the limit');
    await expect(reading(zipSync({ [BACKUP_ZIP_ENTRY]: spaces }), 1024 * 1024)).rejects.toThrow('the zip archive would unpack to 3 MB, above the 1 MB limit');
    await expect(reading(zipSync({ 'other.json': spaces }), 1024 * 1024)).rejects.toThrow(`the zip holds no ${BACKUP_ZIP_ENTRY}`);

    const { store, sent } = setup();
    const whole = new Uint8Array(await (await zipped('streamed')).arrayBuffer());
    // Cut inside the compressed backup, past the size under which a file is read whole.
    expect(whole.length).toBeGreaterThan(6000);
    const cut = new File([whole.slice(0, 5000) as BlobPart], 'cut.zip');
    const plan = await planFile(cut, store, { backupReader: channelReader, sanitize: (h) => h, hooks: {} });
    expect(plan.report.ok).toBe(false);
    expect(plan.report.message).toMatch(/^Qingdu backup: the zip archive is damaged \(/);
    expect(plan.writes).toBe(0);
    expect(sent).toEqual([]);
  });

  // fflate inflates without checking CRC-32: a byte damaged in a backup stored as is read as other text.
  it('refuses a zipped backup whose bytes are not those its checksum was made of, writing nothing', async () => {
    const { store, sent } = setup();
    for (const stream of [false, true]) {
      let zip: Uint8Array;
      if (stream) {
        const writer = new ZipStream();
        writer.add(BACKUP_ZIP_ENTRY, await json(), false);
        writer.end();
        zip = joinBytes(writer.take());
      } else zip = zipSync({ [BACKUP_ZIP_ENTRY]: await json() }, { level: 0 });
      // A letter of the first title, inside its JSON string: the file still parses.
      const at = zip.indexOf(0x22, new TextDecoder('latin1').decode(zip).indexOf('"title":"') + 9) - 1;
      zip[at] = (zip[at] as number) ^ 0x01;
      const plan = await planFile(new File([zip as BlobPart], 'damaged.zip'), store, { backupReader: channelReader, sanitize: (h) => h, hooks: {} });
      expect(plan.report).toMatchObject({ ok: false, message: `Qingdu backup: the zip archive is damaged (${BACKUP_ZIP_ENTRY}: its checksum does not match)` });
      // The import's second reading, of a file the first checked, does not check again.
      let read = 0;
      for await (const piece of zippedBackupText(new Blob([zip as BlobPart]), 1 << 30, { checksum: false })) read += piece.length;
      expect(read).toBeGreaterThan(6000);
    }
    expect(sent).toEqual([]);
  });
});

describe('batches in flight', () => {
  it('hands the database the next batch while one is being written, never more than two, and counts in order', async () => {
    const { library, store, writer } = setup();
    const plan = await planFile(await backupFile(), store, { backupReader: channelReader, sanitize: (h) => h, hooks: {} });
    let writing = 0;
    let most = 0;
    const slow: ImportWriter = {
      write: async (batch) => {
        most = Math.max(most, ++writing);
        await new Promise((resolve) => setTimeout(resolve, 10));
        const outcome = await writer.write(batch);
        writing--;
        return outcome;
      },
      announce: writer.announce,
    };
    const progress: number[] = [];
    const outcome = await plan.apply(slow, { maxRecords: 4, onProgress: (done) => progress.push(done) });
    expect(most).toBe(2);
    expect(outcome.added).toBe(30);
    expect(progress).toEqual([...progress].sort((a, b) => a - b));
    expect(progress.at(-1)).toBe(30);
    expect(await library.list()).toHaveLength(30);
  });
});

describe('stopping an import', () => {
  it('keeps the batches stored before the stop, sends no more, and says so', async () => {
    const { library, store, writer, sent } = setup();
    const plan = await planFile(await backupFile(), store, { backupReader: channelReader, sanitize: (h) => h, hooks: {} });
    const stop = new AbortController();
    const stopping: ImportWriter = {
      write: async (batch) => {
        const outcome = await writer.write(batch);
        if (sent.length === 2) stop.abort();
        return outcome;
      },
      announce: writer.announce,
    };
    const error = await plan.apply(stopping, { maxRecords: 10, signal: stop.signal }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ImportStoppedError);
    expect((error as ImportStoppedError).outcome.added).toBe(20);
    expect(await library.list()).toHaveLength(20);
    expect(sent.at(-1)).toBe('announce');
    // Importing the file again adds the rest (and the images, which come after every article).
    const again = await planFile(await backupFile(), store, { backupReader: channelReader, sanitize: (h) => h, hooks: {} });
    expect(again.report).toMatchObject({ added: 10 });
    expect(again.report.updated + again.report.duplicates).toBe(20);
  });

  it('counts every batch stored when the stop comes while one is being stored', async () => {
    const { library, store, writer } = setup();
    const plan = await planFile(await backupFile(), store, { backupReader: channelReader, sanitize: (h) => h, hooks: {} });
    const stop = new AbortController();
    let writes = 0;
    const slow: ImportWriter = {
      write: async (batch) => {
        // The user stops while the second batch is being stored and the third waits for it.
        if (++writes === 2) setTimeout(() => stop.abort(), 5);
        await new Promise((resolve) => setTimeout(resolve, 20));
        return writer.write(batch);
      },
      announce: writer.announce,
    };
    const error = await plan.apply(slow, { maxRecords: 5, signal: stop.signal }).catch((e: unknown) => e);
    // What the page shows, read as soon as the import ends.
    const reported = (error as ImportStoppedError).outcome.added;
    expect(error).toBeInstanceOf(ImportStoppedError);
    await new Promise((resolve) => setTimeout(resolve, 50));
    const stored = (await library.list()).length;
    expect(stored).toBeGreaterThan(0);
    expect(stored).toBeLessThan(30);
    expect(reported).toBe(stored);
  });

  // Batches go to the database one ahead of need: a stop once the last had gone stored it anyway, and said all was imported.
  it('leaves unwritten a batch sent before the stop that waits for the one before it', async () => {
    const { library, store } = setup();
    const plan = await planFile(await backupFile(), store, { backupReader: channelReader, sanitize: (h) => h, hooks: {} });
    const stop = new AbortController();
    const inner = libraryWriter(library, () => undefined, stop.signal);
    let writes = 0;
    const stopping: ImportWriter = {
      // The user stops as the last batch is sent, the one before it still being stored.
      write: (batch) => (++writes === 3 && stop.abort(), inner.write(batch)),
      announce: inner.announce,
    };
    const error = await plan.apply(stopping, { maxRecords: 10, signal: stop.signal }).catch((e: unknown) => e);
    expect(writes).toBe(3);
    expect(error).toBeInstanceOf(ImportStoppedError);
    const kept = (error as ImportStoppedError).outcome.added;
    expect(kept).toBeLessThan(30);
    expect(await library.list()).toHaveLength(kept);
  });

  it('stops reading a file being planned', async () => {
    const { store } = setup();
    const stop = new AbortController();
    const read: number[] = [];
    // Many parts: the stream gives them one at a time.
    const big = new File(await exportBackup(makeLibrary(400), undefined, { chunkSize: 20 }), 'big.json');
    const plan = await planFile(big, store, { backupReader: channelReader, sanitize: (h) => h, hooks: {}, signal: stop.signal, onProgress: (n) => (read.push(n), stop.abort()) });
    expect(plan.report.ok).toBe(false);
    expect(plan.writes).toBe(0);
    expect(read).toHaveLength(1);
    expect(read[0]).toBeLessThan(big.size);
  });
});

describe('a bookmarks file imported as a stream', () => {
  it('plans and writes link-only entries', async () => {
    const { library, store, writer } = setup();
    const html = await exportBookmarks(makeLibrary(80));
    const plan = await planFile(new File([html], 'bookmarks.html'), store, { backupReader: channelReader, sanitize: (h) => h, hooks: {} });
    expect(plan.report).toMatchObject({ ok: true, format: 'netscape', added: 80, failed: [] });
    expect(await plan.apply(writer, { maxRecords: 25 })).toMatchObject({ added: 80 });
    expect((await library.list()).every((e) => e.linkOnly)).toBe(true);
  });
});

/** Stores `list` without images, read whole. */
async function plainImport(list: SavedArticle[], writer: ImportWriter, library: Library): Promise<void> {
  const file = new File([(await exportBackup(list)).join('')], 'b.json');
  const whole = importFile('b.json', new Uint8Array(await file.arrayBuffer()), { sanitize: (h) => h, library: new Map(), idFor: idForUrl });
  for (const batch of batchRecords(await recordsFromPlan(whole, idForUrl, async () => undefined))) await writer.write(batch);
  expect(await library.list()).toHaveLength(list.length);
}

describe('which zip entries are backups', () => {
  it.each([
    ['qingdu-backup.json', true],
    ['qingdu-2026-11-25-128篇.json', true],
    ['qingdu-2026-11-25-128篇.wallabag.json', false],
    ['notes/qingdu-2026-11-25-128篇.json', false],
    ['metadata_0_to_20.json', false],
  ])('%s: %s', (name, backup) => expect(isBackupEntry(name)).toBe(backup));
});
