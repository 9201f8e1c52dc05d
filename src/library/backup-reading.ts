/**
 * A JSON backup read in a worker, so the library page's thread is left to
 * sanitize and store: decoding, splitting, parsing and checking 20,000
 * articles took that thread 3 s on each of the two readings of an import.
 *
 * The worker runs `readBackup` with bodies as they are and posts what it
 * finds in chunks, in file order; the page sanitizes each body (DOMPurify
 * needs the page's DOM) and hands the records to the same visitor as an
 * in-page reading would, with the same errors. The worker reads at most
 * `AHEAD` chunks beyond what the page has taken, so memory stays bounded when
 * storing is slower than reading.
 */
import { prepareText, type PreparedText } from '../storage/search-text';
import type { SavedArticle, StoredImage } from '../storage/types';
import { blobText, MAX_STREAMED_BACKUP_BYTES, readBackup, UnorderedBackupError, zippedBackupText, type BackupVisitor, type StreamOptions } from '../transfer/backup-stream';
import type { ImportError, Sanitize } from '../transfer/types';
import { isZip, TransferError } from '../transfer/util';
import type { Port, WorkerChannel } from './worker-channel';

type Found =
  | { kind: 'article'; saved: SavedArticle; index: number; prepared?: PreparedText }
  | { kind: 'image'; image: StoredImage; index: number }
  | { kind: 'failed'; error: ImportError };

type ToReader = { type: 'read'; file: Blob; prepare: boolean; checksum: boolean } | { type: 'more' };
type FromReader =
  | { type: 'found'; found: Found[]; read: number }
  | { type: 'done' }
  | { type: 'error'; name: string; message: string };

/** Chunks the worker may have posted that the page has not finished with. */
const AHEAD = 4;
/** A chunk closes at this many characters of records (or at `CHUNK_ITEMS` items). */
const CHUNK_CHARS = 1 << 20;
const CHUNK_ITEMS = 200;

const keep: Sanitize = (html) => html;

/** The worker's side: reads the backup the page sends, and posts what it finds. */
export function serveBackupReading(port: Port): void {
  let credit = AHEAD;
  let wake: (() => void) | null = null;
  port.onmessage = (event) => {
    const message = event.data as ToReader;
    if (message.type === 'more') {
      credit++;
      wake?.();
      wake = null;
    } else void read(message.file, message.prepare, message.checksum);
  };

  async function read(file: Blob, prepare: boolean, checksum: boolean): Promise<void> {
    let found: Found[] = [];
    let chars = 0;
    let bytes = 0;
    const post = async () => {
      while (credit === 0) await new Promise<void>((resolve) => (wake = resolve));
      credit--;
      port.postMessage({ type: 'found', found, read: bytes } satisfies FromReader);
      found = [];
      chars = 0;
    };
    const add = async (item: Found, size: number) => {
      found.push(item);
      chars += size;
      if (chars >= CHUNK_CHARS || found.length >= CHUNK_ITEMS) await post();
    };
    try {
      const reading = { onBytes: (n: number) => (bytes = n), checksum };
      // A zipped backup is inflated as it is read: the JSON inside is never held whole either.
      const zipped = isZip(new Uint8Array(await file.slice(0, 4).arrayBuffer()));
      const text = zipped ? zippedBackupText(file, MAX_STREAMED_BACKUP_BYTES, reading) : blobText(file, reading);
      await readBackup(text, keep, {
        article: (saved, index) =>
          add(
            { kind: 'article', saved, index, ...(prepare ? { prepared: prepareText(saved.article) } : {}) },
            saved.article.contentHtml.length + saved.article.textContent.length,
          ),
        image: (image, index) => add({ kind: 'image', image, index }, image.bytes.byteLength / 2),
        failed: (error) => void found.push({ kind: 'failed', error }),
      });
      await post();
      port.postMessage({ type: 'done' } satisfies FromReader);
    } catch (e) {
      // What was found before the problem goes first, as an in-page reading would have shown it.
      if (found.length) await post();
      port.postMessage({ type: 'error', name: (e as Error)?.name ?? 'Error', message: (e as Error)?.message ?? String(e) } satisfies FromReader);
    }
  }
}

/** The error the worker reported, as the class an in-page reading throws. */
function rebuild(name: string, message: string): Error {
  if (name === 'UnorderedBackupError') return new UnorderedBackupError(message);
  if (name === 'TransferError') return new TransferError(message);
  if (name === 'AbortError') return new DOMException(message, 'AbortError');
  return Object.assign(new Error(message), { name });
}

/**
 * Reads `file` through `channel` (closed at the end) and calls `visitor` as
 * `readBackup` would: bodies sanitized with `sanitize` here, records in file
 * order, each awaited before the next. Rejects as `readBackup` does, or with
 * an AbortError when `opts.signal` aborts. With `opts.prepare`, the worker
 * also makes each article's `PreparedText`, which the page would otherwise
 * make as it stores: the page's thread is the busier one while an import writes.
 */
export function readBackupThrough(
  channel: WorkerChannel,
  file: Blob,
  sanitize: Sanitize,
  visitor: BackupVisitor,
  opts: StreamOptions & { prepare?: boolean } = {},
): Promise<void> {
  const { port } = channel;
  return new Promise<void>((resolve, reject) => {
    let settled = false;
    const finish = (error?: unknown) => {
      if (settled) return;
      settled = true;
      opts.signal?.removeEventListener('abort', stop);
      port.onmessage = null;
      channel.close();
      if (error === undefined) resolve();
      else reject(error);
    };
    // Messages are taken one after another: a chunk's records are all handled before the next chunk's.
    let chain = Promise.resolve();
    // A stop lets the record being handled finish (it may be storing a batch), then ends the reading.
    const stop = () => {
      chain = chain.then(() => finish(new DOMException('Import stopped', 'AbortError')));
    };
    if (opts.signal?.aborted) return stop();
    opts.signal?.addEventListener('abort', stop);
    // Without this, a reader that never starts would leave the import waiting for ever.
    channel.watch?.((error) => finish(error));

    const take = async (message: FromReader): Promise<void> => {
      if (message.type === 'done') return finish();
      if (message.type === 'error') return finish(rebuild(message.name, message.message));
      for (const item of message.found) {
        if (settled || opts.signal?.aborted) return;
        if (item.kind === 'failed') visitor.failed(item.error);
        else if (item.kind === 'image') await visitor.image(item.image, item.index);
        else {
          item.saved.article.contentHtml = sanitize(item.saved.article.contentHtml);
          await visitor.article(item.saved, item.index, item.prepared);
        }
      }
      opts.onBytes?.(message.read);
      if (!settled) port.postMessage({ type: 'more' } satisfies ToReader);
    };
    port.onmessage = (event) => {
      chain = chain.then(() => take(event.data as FromReader)).catch(finish);
    };
    port.postMessage({ type: 'read', file, prepare: opts.prepare === true, checksum: opts.checksum !== false } satisfies ToReader);
  });
}
