/** A backup read by the library page's worker: what the page sees is what an in-page reading sees. */
import { MessageChannel } from 'node:worker_threads';
import { describe, expect, it, vi } from 'vitest';
import { readBackupThrough, serveBackupReading } from '../../../src/library/backup-reading';
import type { Port, WorkerChannel } from '../../../src/library/worker-channel';
import { blobText, exportBackup, readBackup, TransferError, UnorderedBackupError, type BackupVisitor } from '../../../src/transfer/index';
import { makeImageLookup, makeLibrary } from '../transfer/helpers';
import { channelReader } from './backup-channel';

const sanitize = (html: string) => html.replace(/<em>|<\/em>/g, '');

/** Every visitor call, in order, with what it was given. */
function recorder() {
  const calls: unknown[] = [];
  const visitor: BackupVisitor = {
    article: (saved, index) => void calls.push(['article', index, saved]),
    image: (image, index) => void calls.push(['image', index, image.articleId, image.url, [...image.bytes]]),
    failed: (error) => void calls.push(['failed', error]),
  };
  return { calls, visitor };
}

const backup = async (n: number, paragraphs = 2) => new Blob([(await exportBackup(makeLibrary(n, { images: true, paragraphs }), makeImageLookup())).join('')]);

/** A backup whose second article has no URL and whose last image belongs to no article. */
async function backupWithFailures(): Promise<Blob> {
  const doc = JSON.parse(await (await backup(6)).text()) as { articles: { url?: string }[]; images: { articleId: string }[] };
  delete doc.articles[1]?.url;
  doc.images.push({ ...doc.images[0]!, articleId: 'nobody' });
  return new Blob([JSON.stringify(doc)]);
}

async function both(file: Blob) {
  const inPage = recorder();
  const inPageError = await readBackup(blobText(file), sanitize, inPage.visitor).then(() => null, (e: unknown) => e);
  const worker = recorder();
  const workerError = await readBackupThrough(channelReader(), file, sanitize, worker.visitor).then(() => null, (e: unknown) => e);
  return { inPage, inPageError, worker, workerError };
}

describe('a backup read in a worker', () => {
  it('calls the visitor as an in-page reading does: bodies sanitized, images, failed rows, in file order', async () => {
    const { inPage, inPageError, worker, workerError } = await both(await backupWithFailures());
    expect(inPageError).toBeNull();
    expect(workerError).toBeNull();
    expect(worker.calls).toEqual(inPage.calls);
    expect(worker.calls.filter((c) => (c as unknown[])[0] === 'failed')).toHaveLength(2);
    expect(worker.calls.some((c) => (c as unknown[])[0] === 'image')).toBe(true);
    expect(JSON.stringify(worker.calls)).not.toContain('<em>');
  });

  it('fails with the class and message an in-page reading throws', async () => {
    const whole = await (await backup(3)).text();
    const unordered = new Blob([`{"articles":[],"format":"qingdu-backup","version":3}`]);
    const truncated = new Blob([whole.slice(0, Math.floor(whole.length * 0.7))]);
    const notUtf8 = new Blob([new Uint8Array([0x7b, 0x22, 0xff, 0xfe, 0x22, 0x7d])]);
    for (const [file, kind] of [[unordered, UnorderedBackupError], [truncated, TransferError], [notUtf8, TransferError]] as const) {
      const { inPage, inPageError, worker, workerError } = await both(file);
      expect(workerError).toBeInstanceOf(kind);
      expect((workerError as Error).message).toBe((inPageError as Error).message);
      expect(worker.calls).toEqual(inPage.calls);
    }
  });

  it('reads no further ahead than a few chunks while the page is busy', async () => {
    const file = await backup(3000, 4);
    const { port1, port2 } = new MessageChannel();
    const workerSide = port2 as unknown as Port;
    let posted = 0;
    const counted: Port = {
      postMessage: (message) => {
        posted++;
        workerSide.postMessage(message);
      },
      set onmessage(f) {
        workerSide.onmessage = f;
      },
      get onmessage() {
        return workerSide.onmessage;
      },
    };
    serveBackupReading(counted);
    const channel: WorkerChannel = { port: port1 as unknown as Port, close: () => (port1.close(), port2.close()) };
    let release!: () => void;
    const blocked = new Promise<void>((resolve) => (release = resolve));
    let articles = 0;
    const reading = readBackupThrough(channel, file, sanitize, {
      article: async () => {
        if (articles++ === 0) await blocked;
      },
      image: () => undefined,
      failed: () => undefined,
    });
    // 3,000 articles come in 15 chunks of 200; with the page stuck on the first, the worker stops at four,
    // however long it is given (waited for, then watched a while longer: a loaded machine reads slowly).
    await vi.waitFor(() => expect(posted).toBe(4), { timeout: 10_000 });
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(posted).toBe(4);
    expect(articles).toBe(1);
    release();
    await reading;
    expect(articles).toBe(3000);
  });

  it('fails, and closes the channel, when the reader itself fails', async () => {
    let closed = false;
    const silent: WorkerChannel = {
      // A reader that never answers, as a worker that could not load.
      port: { postMessage: () => undefined, onmessage: null },
      close: () => (closed = true),
      watch: (fail) => setTimeout(() => fail(new Error('the backup reader stopped: it could not be loaded')), 10),
    };
    const error = await readBackupThrough(silent, await backup(3), sanitize, recorder().visitor).catch((e: unknown) => e);
    expect((error as Error).message).toMatch(/could not be loaded/);
    expect(closed).toBe(true);
  });

  it('stops when the import is stopped, and closes the channel', async () => {
    const stop = new AbortController();
    let closed = false;
    const inner = channelReader();
    const channel: WorkerChannel = { port: inner.port, close: () => ((closed = true), inner.close()) };
    let articles = 0;
    const error = await readBackupThrough(channel, await backup(1000), sanitize, {
      article: () => {
        if (++articles === 10) stop.abort();
      },
      image: () => undefined,
      failed: () => undefined,
    }, { signal: stop.signal }).catch((e: unknown) => e);
    expect((error as DOMException).name).toBe('AbortError');
    expect(closed).toBe(true);
    expect(articles).toBeLessThan(1000);
  });
});
