// @vitest-environment happy-dom
import { strFromU8, unzipSync } from 'fflate';
import { describe, expect, it } from 'vitest';
import type { ArticlePage } from '../../../src/library/transfer-data';
import { exportList, exportPages, isListFormat, writeChunk, type ChunkWriter, type ListFormatId } from '../../../src/library/transfer-export';
import { EXPORT_FORMATS, type ExportFormatId } from '../../../src/library/transfer-formats';
import { emptyBody } from '../../../src/storage/records';
import type { SavedArticle, StoredImage } from '../../../src/storage/types';
import {
  exportBackup, exportBookmarks, exportEpub, exportInstapaperCsv, exportMarkdownZip, exportPocketCsv, exportWallabag, readingListMarkdown,
} from '../../../src/transfer/index';
import { makeArticle, PNG_1x1 } from '../transfer/helpers';

const NOW = new Date(2026, 10, 25, 9, 0, 0);
const env = { DOMParser: window.DOMParser, XMLSerializer: window.XMLSerializer };
const articles = Array.from({ length: 5 }, (_, i) => makeArticle(i, { images: true }));
const lookup = (articleId: string, url: string): StoredImage | undefined =>
  url.endsWith('0.png') || url.endsWith('3.png') ? { articleId, url, type: 'image/png', bytes: PNG_1x1 } : undefined;

async function bytesOf(parts: BlobPart[]): Promise<Uint8Array> {
  return new Uint8Array(await new Blob(parts).arrayBuffer());
}

/** `list` in pages of `size`, as TransferStore.pages yields them. */
async function* pagesOf(list: readonly SavedArticle[], size: number, withImages = true): AsyncGenerator<ArticlePage> {
  for (let i = 0; i < list.length; i += size) yield { articles: list.slice(i, i + size), lookup: withImages ? lookup : undefined, done: Math.min(list.length, i + size) };
}

/** Writes chunks of `list` from memory; `delay(index)` ms before each chunk comes back, so they can finish out of order. */
function memoryWriter(id: ListFormatId, list: readonly SavedArticle[], delay?: (index: number) => number): ChunkWriter {
  const byId = new Map(list.map((a) => [a.id, a]));
  return async (rows, index) => {
    if (delay) await new Promise((resolve) => setTimeout(resolve, delay(index)));
    return writeChunk(id, { articles: rows.flatMap((r) => byId.get(r.id) ?? []), lookup }, index);
  };
}

interface RunOptions {
  onProgress?: (done: number, total: number) => void;
  signal?: AbortSignal;
  listTitle?: string;
}

/** An export of `list` as the library page runs it: list formats in chunks, zips in pages of 2. */
const run = (id: ExportFormatId, list: readonly SavedArticle[], opts: RunOptions = {}) =>
  isListFormat(id)
    ? exportList(id, list, memoryWriter(id, list), { now: NOW, ...opts })
    : exportPages(id, pagesOf(list, 2), { total: list.length, now: NOW, epub: { rows: list, env }, ...opts });

describe('library export formats', () => {
  it('lists every format once, each with a name and a description', () => {
    const ids = EXPORT_FORMATS.map((f) => f.id);
    expect(new Set(ids).size).toBe(ids.length);
    expect(ids).toEqual(['backup', 'markdown', 'bookmarks', 'instapaper', 'pocket', 'wallabag', 'epub', 'reading-list']);
  });

  it.each([
    ['backup', /^qingdu-2026-11-25-5篇\.json$/, 'application/json', (t: string) => expect(JSON.parse(t)).toMatchObject({ format: 'qingdu-backup' })],
    ['bookmarks', /\.html$/, 'text/html', (t: string) => expect(t.startsWith('<!DOCTYPE NETSCAPE-Bookmark-file-1>')).toBe(true)],
    ['instapaper', /\.instapaper\.csv$/, 'text/csv', (t: string) => expect(t.split(/\r?\n/)[0]).toBe('URL,Title,Selection,Folder,Timestamp,Tags')],
    ['pocket', /\.pocket\.csv$/, 'text/csv', (t: string) => expect(t.split(/\r?\n/)[0]).toBe('title,url,time_added,tags,status')],
    ['wallabag', /\.wallabag\.json$/, 'application/json', (t: string) => expect(JSON.parse(t)).toHaveLength(5)],
    ['reading-list', /\.md$/, 'text/markdown', (t: string) => expect(t.split('\n').filter((l) => l.startsWith('- ['))).toHaveLength(5)],
  ] as const)('%s: file name, type and content', async (id, name, type, check) => {
    const progress: number[] = [];
    const file = await run(id, articles, { onProgress: (done) => progress.push(done) });
    expect(file.name).toMatch(name);
    expect(file.type).toBe(type);
    check(new TextDecoder().decode(await bytesOf(file.parts)));
    expect(progress).toEqual([5]);
  });

  it('titles the reading list in the reader\'s language, alone and in the Markdown zip', async () => {
    const list = new TextDecoder().decode(await bytesOf((await run('reading-list', articles, { listTitle: 'Qingdu · Reading list' })).parts));
    expect(list.split('\n')[0]).toBe('# Qingdu · Reading list');
    const zip = unzipSync(await bytesOf((await run('markdown', articles, { listTitle: 'Qingdu · Reading list' })).parts));
    expect(strFromU8(zip['qingdu/reading-list.md']!).split('\n')[0]).toBe('# Qingdu · Reading list');
  });

  it('backup carries the stored images', async () => {
    const file = await run('backup', articles);
    const doc = JSON.parse(new TextDecoder().decode(await bytesOf(file.parts))) as { images: { articleId: string }[] };
    expect(doc.images.map((i) => i.articleId).sort()).toEqual(['id-0', 'id-3']);
  });

  it('markdown: a zip of .md files with images and the reading list', async () => {
    const file = await run('markdown', articles);
    expect(file.name).toMatch(/^qingdu-2026-11-25-5篇\.md\.zip$/);
    const names = Object.keys(unzipSync(await bytesOf(file.parts)));
    expect(names.filter((n) => n.endsWith('.md'))).toHaveLength(6);
    expect(names.some((n) => n.endsWith('.png'))).toBe(true);
  });

  it('epub: mimetype first and stored, one chapter per article', async () => {
    const file = await run('epub', articles);
    const bytes = await bytesOf(file.parts);
    expect(strFromU8(bytes.subarray(0, 2))).toBe('PK');
    expect(strFromU8(bytes.subarray(30, 58))).toBe('mimetypeapplication/epub+zip');
    expect(file.type).toBe('application/epub+zip');
    expect(Object.keys(unzipSync(bytes)).filter((n) => n.startsWith('OEBPS/text/'))).toHaveLength(5);
  });
});

describe('formats that carry no text', () => {
  it.each(EXPORT_FORMATS.filter((f) => !f.bodies).map((f) => f.id))('%s: the same file from rows whose bodies were not read', async (id) => {
    const rows = articles.map((a) => ({ ...a, article: emptyBody(a) }));
    expect(await bytesOf((await run(id, rows)).parts)).toEqual(await bytesOf((await run(id, articles)).parts));
  });
});

describe('export written in chunks or pages', () => {
  // One article whose URL no format may carry: rows are left out, and wallabag's ids still count it.
  // 1,203 articles make three chunks, the last one short.
  const many = Array.from({ length: 1203 }, (_, i) => makeArticle(i, { images: true }));
  many[6] = { ...(many[6] as (typeof many)[number]), url: 'javascript:alert(1)' };
  const few = many.slice(0, 23);

  const whole: Record<ListFormatId, () => string | Promise<string>> = {
    backup: async () => (await exportBackup(many, lookup, { now: NOW })).join(''),
    bookmarks: () => exportBookmarks(many),
    instapaper: () => exportInstapaperCsv(many),
    pocket: () => exportPocketCsv(many),
    wallabag: () => exportWallabag(many),
    'reading-list': () => readingListMarkdown(many),
  };

  it.each(Object.keys(whole) as ListFormatId[])('%s: the same text as the whole-list exporter, chunks finishing out of order', async (id) => {
    const progress: number[] = [];
    // The first chunk is the slowest: the later ones are joined after it all the same.
    const written = await exportList(id, many, memoryWriter(id, many, (index) => (index === 0 ? 30 : 0)), {
      now: NOW, parallel: 3, onProgress: (done) => progress.push(done),
    });
    expect(new TextDecoder().decode(await bytesOf(written.parts))).toBe(await whole[id]());
    // Counted as the file holds them: only the backup keeps the article with the javascript: URL.
    expect(written.count).toBe(id === 'backup' ? 1203 : 1202);
    // Each chunk's articles are counted when it is written, whichever it is.
    expect(progress).toEqual([500, 703, 1203]);
  });

  it.each([
    ['markdown', () => exportMarkdownZip(few, lookup)],
    ['epub', () => exportEpub(few, lookup, { env, now: NOW })],
  ] as const)('%s: the same files as the whole-list exporter', async (id, wholeZip) => {
    const paged = await exportPages(id, pagesOf(few, 5), { total: few.length, now: NOW, epub: { rows: few, env } });
    // Each book gets its own random identifier.
    const files = (bytes: Uint8Array) =>
      Object.fromEntries(Object.entries(unzipSync(bytes)).map(([name, data]) => [name, strFromU8(data).replace(/urn:uuid:[0-9a-f-]+/, 'urn:uuid:…')]));
    const got = files(await bytesOf(paged.parts));
    const expected = files(await wholeZip());
    expect(Object.keys(got)).toEqual(Object.keys(expected));
    expect(got).toEqual(expected);
  });

  it('writes an empty library as an empty list', async () => {
    const written = await exportList('backup', [], memoryWriter('backup', []), { now: NOW });
    expect(JSON.parse(new TextDecoder().decode(await bytesOf(written.parts)))).toMatchObject({ articles: [], images: [] });
    expect(written.name).toMatch(/-0篇\.json$/);
  });

  it('fails with the first chunk that fails, and writes no chunk after it', async () => {
    const asked: number[] = [];
    const write: ChunkWriter = async (rows, index) => {
      asked.push(index);
      if (index === 500) throw new Error('the disk went away');
      return memoryWriter('backup', many)(rows, index);
    };
    await expect(exportList('backup', many, write, { parallel: 2 })).rejects.toThrow('the disk went away');
    // The two lanes took the first two chunks; the third was never asked for.
    expect(asked).toEqual([0, 500]);
  });

  it('backup: stops with an AbortError when cancelled between chunks', async () => {
    const controller = new AbortController();
    const written = exportList('backup', many, memoryWriter('backup', many), { signal: controller.signal, onProgress: () => controller.abort() });
    await expect(written).rejects.toMatchObject({ name: 'AbortError' });
  });

  it.each(['markdown', 'epub'] as const)('%s: stops with an AbortError when cancelled between pages', async (id) => {
    const controller = new AbortController();
    const paged = exportPages(id, pagesOf(few, 5), {
      total: few.length, signal: controller.signal, epub: { rows: few, env }, onProgress: (done) => done >= 10 && controller.abort(),
    });
    await expect(paged).rejects.toMatchObject({ name: 'AbortError' });
  });
});
