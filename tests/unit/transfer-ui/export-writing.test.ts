/** List exports written by a pool of writers over MessageChannels, as the library page's workers write them, from IndexedDB. */
import 'fake-indexeddb/auto';
import { IDBFactory } from 'fake-indexeddb';
import { MessageChannel } from 'node:worker_threads';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { localWriter, serveExportWriting, workersPayOff, writerPool } from '../../../src/library/export-writing';
import type { Port, WorkerChannel } from '../../../src/library/worker-channel';
import { TransferStore } from '../../../src/library/transfer-data';
import { exportList } from '../../../src/library/transfer-export';
import { Library } from '../../../src/storage/library';
import { imagesOf } from '../../../src/transfer/index';
import { makeImageLookup, makeLibrary } from '../transfer/helpers';

const NOW = new Date(2026, 10, 25, 9, 0, 0);

function channelOf(store: TransferStore, opened: WorkerChannel[] = []): () => WorkerChannel {
  return () => {
    const { port1, port2 } = new MessageChannel();
    serveExportWriting(port2 as unknown as Port, store);
    const channel = { port: port1 as unknown as Port, close: () => (port1.close(), port2.close()) };
    opened.push(channel);
    return channel;
  };
}

async function filled(n: number) {
  const factory = new IDBFactory();
  const lookup = makeImageLookup();
  const articles = makeLibrary(n, { images: true });
  await new Library({ factory }).importRecords(articles.map((a) => ({ ...a, images: imagesOf(a, lookup) })));
  const store = new TransferStore({ factory });
  return { store, rows: await store.entries() };
}

const text = async (parts: BlobPart[]) => new Blob(parts).text();

describe('list exports written by a pool of writers', () => {
  it('writes the same backup as the page alone, images included, with three writers at once', async () => {
    const { store, rows } = await filled(1203);
    const read = { bodies: true, images: await store.imageOwners() };
    const opened: WorkerChannel[] = [];
    const pool = writerPool(3, channelOf(store, opened));
    const pooled = await exportList('backup', rows, pool.writer('backup', read), { now: NOW, parallel: pool.size });
    pool.close();
    const alone = await exportList('backup', rows, localWriter(store, 'backup', read), { now: NOW });
    expect(opened).toHaveLength(3);
    const written = await text(pooled.parts);
    expect(written).toBe(await text(alone.parts));
    const doc = JSON.parse(written) as { articles: { id: string; article: { contentHtml: string } }[]; images: unknown[] };
    expect(doc.articles.map((a) => a.id)).toEqual(rows.map((r) => r.id));
    expect(doc.articles.every((a) => a.article.contentHtml.length > 0)).toBe(true);
    expect(doc.images.length).toBeGreaterThan(0);
  });

  it('fails the export with the reason a writer gives', async () => {
    const { rows } = await filled(3);
    const broken = { articles: () => Promise.reject(new Error('the disk went away')) } as unknown as TransferStore;
    const pool = writerPool(2, channelOf(broken));
    await expect(exportList('bookmarks', rows, pool.writer('bookmarks', { bodies: false, images: null }), { parallel: 2 })).rejects.toThrow(
      'the disk went away',
    );
    pool.close();
  });

  it('fails the export when a writer stops', async () => {
    const { rows } = await filled(3);
    const pool = writerPool(1, () => ({
      port: { postMessage: () => undefined, onmessage: null },
      close: () => undefined,
      watch: (fail) => setTimeout(() => fail(new Error('the export writer stopped: it could not be loaded')), 5),
    }));
    await expect(exportList('backup', rows, pool.writer('backup', { bodies: true, images: null }))).rejects.toThrow('could not be loaded');
    pool.close();
  });

  it('closing the pool stops the chunks being written', async () => {
    const { rows } = await filled(3);
    const closed: string[] = [];
    const pool = writerPool(1, () => ({ port: { postMessage: () => undefined, onmessage: null }, close: () => closed.push('closed') }));
    const written = exportList('backup', rows, pool.writer('backup', { bodies: true, images: null }));
    await new Promise((resolve) => setTimeout(resolve, 5));
    pool.close();
    await expect(written).rejects.toMatchObject({ name: 'AbortError' });
    expect(closed).toEqual(['closed']);
  });
});

describe('where list exports are written', () => {
  afterEach(() => vi.unstubAllGlobals());

  it.each([
    ['Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/156.0.0.0 Safari/537.36', true],
    ['Mozilla/5.0 (X11; Linux x86_64; rv:153.0) Gecko/20100101 Firefox/153.0', false],
  ])('%s: workers %s', (userAgent, workers) => {
    vi.stubGlobal('navigator', { userAgent, hardwareConcurrency: 2 });
    expect(workersPayOff()).toBe(workers);
    expect(writerPool(undefined, () => ({ port: { postMessage: () => undefined, onmessage: null }, close: () => undefined })).size).toBe(3);
  });
});
