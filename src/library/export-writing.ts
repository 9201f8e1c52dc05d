/**
 * Where the chunks of a list export are written (see `exportList`). Reading
 * 20,000 bodies back out of IndexedDB, serializing them and turning the text
 * into Blobs kept the library page's thread busy for the whole 2.5-3 s of a
 * backup export. Workers each read and write whole chunks from the same
 * database, in parallel, and a Blob crosses back to the page without a copy:
 * the page only joins them, and stays free for the progress bar and Cancel.
 */
import type { LibraryEntry } from '../storage/types';
import type { ChunkRead, TransferStore } from './transfer-data';
import { writeChunk, type ChunkWriter, type ListFormatId, type WrittenChunk } from './transfer-export';
import { workerChannel, type Port, type WorkerChannel } from './worker-channel';

type ToWriter = { id: ListFormatId; rows: LibraryEntry[]; index: number; bodies: boolean; images: string[] | null };
type FromWriter = { chunk: WrittenChunk } | { error: string };

/**
 * Writes chunks in this thread. Reading bodies waits on the database, which
 * lets the page paint and take a click on Cancel between chunks; there is no
 * other yield, since one between chunks (a timer or a message) cost Firefox
 * about 0.5 s over a 20,000-article backup. Formats of rows only read nothing
 * and run through without a break: under a second for 20,000 articles.
 */
export function localWriter(store: TransferStore, id: ListFormatId, read: ChunkRead): ChunkWriter {
  return async (rows, index) => writeChunk(id, await store.articles(rows, read), index);
}

/** The worker's side: writes each chunk the page sends (the page sends the next only once this one is back). */
export function serveExportWriting(port: Port, store: TransferStore): void {
  port.onmessage = async (event) => {
    const { id, rows, index, bodies, images } = event.data as ToWriter;
    let reply: FromWriter;
    try {
      reply = { chunk: writeChunk(id, await store.articles(rows, { bodies, images: images && new Set(images) }), index) };
    } catch (e) {
      reply = { error: e instanceof Error ? e.message : String(e) };
    }
    port.postMessage(reply);
  };
}

/**
 * Whether workers write exports faster than the page. In Chromium they do
 * (the 20,000-article backup through the library page: 2.1-2.9 s with three
 * workers, 2.9-3.2 s in the page); in Firefox ESR they do not (3.2-4.1 s with
 * three, 3.8-5.5 s with one, 2.5-3.3 s in the page), so Firefox writes in the page.
 */
export const workersPayOff = (): boolean => !/\bFirefox\//.test(globalThis.navigator?.userAgent ?? '');

export interface WriterPool {
  /** Chunks to write at once (`exportList`'s `parallel`): one worker each. */
  size: number;
  writer(id: ListFormatId, read: ChunkRead): ChunkWriter;
  /** Stops every writer; chunks not written yet reject with an AbortError. */
  close(): void;
}

function exportWorker(): WorkerChannel {
  return workerChannel(new Worker(new URL('./export-worker.ts', import.meta.url), { type: 'module' }), 'the export writer');
}

/**
 * `size` writers: by default one more than the machine's cores, since each
 * spends part of its time waiting for the database (on two cores, reading
 * and serializing 20,000 bodies into Blobs took three workers 1.8-1.9 s, two
 * 1.9-2.4 s, one 2.6-3.0 s), and at most four: each holds a chunk of bodies
 * and its text.
 */
export function writerPool(size = Math.min(4, (globalThis.navigator?.hardwareConcurrency || 1) + 1), spawn: () => WorkerChannel = exportWorker): WriterPool {
  interface Slot {
    channel: WorkerChannel;
    pending: { resolve: (chunk: WrittenChunk) => void; reject: (error: Error) => void } | null;
  }
  let closed = false;
  const slots: Slot[] = [];
  const free: Slot[] = [];
  const spawnSlot = (): Slot => {
    const slot: Slot = { channel: spawn(), pending: null };
    slot.channel.port.onmessage = (event) => {
      const reply = event.data as FromWriter;
      const pending = slot.pending;
      if (!pending) return;
      slot.pending = null;
      free.push(slot);
      if ('error' in reply) pending.reject(new Error(reply.error));
      else pending.resolve(reply.chunk);
    };
    slot.channel.watch?.((error) => slot.pending?.reject(error));
    slots.push(slot);
    return slot;
  };
  return {
    size,
    writer: (id, read) => (rows, index) =>
      new Promise<WrittenChunk>((resolve, reject) => {
        if (closed) return reject(new DOMException('Export cancelled', 'AbortError'));
        // A worker writes one chunk at a time; `exportList` keeps `size` in flight, so at most `size` are started.
        const slot = free.pop() ?? spawnSlot();
        slot.pending = { resolve, reject };
        const images = read.images ? rows.filter((row) => read.images?.has(row.id)).map((row) => row.id) : null;
        slot.channel.port.postMessage({ id, rows, index, bodies: read.bodies, images } satisfies ToWriter);
      }),
    close: () => {
      closed = true;
      for (const slot of slots) {
        slot.pending?.reject(new DOMException('Export cancelled', 'AbortError'));
        slot.channel.close();
      }
    },
  };
}
