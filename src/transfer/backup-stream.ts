/**
 * Reads a JSON backup as its text arrives, one record at a time, with the
 * same checks and the same messages as `parseBackup`: the caller sees each
 * record and image that passes and each one that fails, and never the whole
 * file. A file-level problem throws TransferError once it is found, which may
 * be after some records were seen: callers that write make a first reading
 * only to check the file (see src/library/transfer-import.ts).
 */
import { Unzip, UnzipInflate } from 'fflate';
import type { SavedArticle, StoredImage } from '../storage/types';
import type { PreparedText } from '../storage/search-text';
import { BACKUP_ZIP_ENTRY, BackupRecords, backupVersion, isBackupEntry, isRefusal } from './backup';
import { JsonSplitter } from './json-stream';
import type { ImportError, Sanitize } from './types';
import { notTextIn } from './text-encoding';
import { checksumMismatch, TransferError } from './util';
import { crc32, directoryOf, recordedCrcs, ZIP_TAIL } from './zip-crc';

/** The backup lists its articles or images before its format and version: it can only be read whole. */
export class UnorderedBackupError extends TransferError {
  override name = 'UnorderedBackupError';
}

export interface BackupVisitor {
  /**
   * A record that passed every check, its body re-sanitized. `prepared` is
   * what a reading worker derived from its text, when asked to.
   */
  article(saved: SavedArticle, index: number, prepared?: PreparedText): void | Promise<void>;
  /** An image whose article passed. */
  image(image: StoredImage, index: number): void | Promise<void>;
  /** A record or image that did not pass, with the reason. */
  failed(error: ImportError): void;
}

export interface BackupSummary {
  version: number;
  /** Records and images in the file, passed or not. */
  articles: number;
  images: number;
}

/** Largest record in a backup, in characters: far above any article, small enough to hold. */
export const MAX_BACKUP_RECORD_CHARS = 64 << 20;

/** Reads the backup in `text` (pieces of the file, decoded). Throws TransferError on a file-level problem. */
export async function readBackup(text: AsyncIterable<string>, sanitize: Sanitize, visitor: BackupVisitor): Promise<BackupSummary> {
  const splitter = new JsonSplitter({ lists: ['articles', 'images'], maxItem: MAX_BACKUP_RECORD_CHARS });
  // No prototype: a "__proto__" key is a field like any other, as JSON.parse makes it, not the object's prototype.
  const fields: Record<string, unknown> = Object.create(null) as Record<string, unknown>;
  const lists = new Set<string>();
  let records: BackupRecords | null = null;
  let version = 0;
  const summary = { articles: 0, images: 0 };

  const header = (): number => {
    if (!('format' in fields) || !('version' in fields)) {
      throw new UnorderedBackupError('the backup lists its articles before its "format" and "version"');
    }
    return backupVersion(fields);
  };

  const handle = async (events: ReturnType<JsonSplitter['push']>): Promise<void> => {
    for (const ev of events) {
      if (ev.type === 'field') fields[ev.key] = ev.value;
      else if (ev.type === 'list-start') {
        if (ev.key === 'articles') {
          version = header();
          records = new BackupRecords(sanitize, version);
        } else if (!lists.has('articles')) {
          if (!('articles' in fields)) throw new UnorderedBackupError('the backup lists its images before its articles');
          header();
          throw new TransferError('the backup has no "articles" list');
        }
        lists.add(ev.key);
      } else if (ev.type === 'list-end') summary[ev.key as 'articles' | 'images'] = ev.count;
      // Items come only inside a list, and lists start with "articles" (checked above): `records` is set.
      else if (ev.key === 'articles') {
        const saved = records!.article(ev.value, ev.index);
        if (isRefusal(saved)) visitor.failed(saved);
        else await visitor.article(saved, ev.index);
      } else {
        const image = records!.image(ev.value, ev.index);
        if (isRefusal(image)) visitor.failed(image);
        else await visitor.image(image, ev.index);
      }
    }
  };

  for await (const piece of text) await handle(splitter.push(piece));
  await handle(splitter.end());
  // The same checks, in the same order, as parseBackup makes on a whole document.
  if (!lists.has('articles')) {
    header();
    throw new TransferError('the backup has no "articles" list');
  }
  if ('images' in fields) throw new TransferError('"images" must be a list');
  return { version, ...summary };
}

/** Largest JSON backup read as a stream, zipped or not: it is never held whole, so only the disk and patience bound it. */
export const MAX_STREAMED_BACKUP_BYTES = 1024 * 1024 * 1024;

export interface StreamOptions {
  /** Hears how many bytes have been read so far. */
  onBytes?: (read: number) => void;
  /** Stops the reading between pieces, with an AbortError. */
  signal?: AbortSignal;
  /**
   * A zipped backup: check what its entry unpacked to against the CRC-32 the zip records (default). An import's
   * second reading leaves it out: the first checked the same file, and 222 MB take the check about a second.
   */
  checksum?: boolean;
}

/** The bytes of `blob` as the browser reads them, with progress and a chance to stop between pieces. */
async function* blobBytes(blob: Blob, opts: StreamOptions): AsyncGenerator<Uint8Array> {
  const reader = blob.stream().getReader();
  let read = 0;
  try {
    for (;;) {
      if (opts.signal?.aborted) throw new DOMException('Import stopped', 'AbortError');
      const { done, value } = await reader.read();
      if (done) return;
      opts.onBytes?.((read += value.length));
      yield value;
    }
  } finally {
    reader.releaseLock();
  }
}

/**
 * The text of `blob`, decoded strictly piece by piece as `encoding` (UTF-8
 * unless told; `TextDecoder`'s names), its BOM dropped.
 */
export async function* blobText(blob: Blob, opts: StreamOptions = {}, encoding = 'utf-8'): AsyncGenerator<string> {
  const decoder = new TextDecoder(encoding, { fatal: true });
  const decode = (bytes?: Uint8Array): string => {
    try {
      return bytes ? decoder.decode(bytes, { stream: true }) : decoder.decode();
    } catch {
      throw new TransferError(notTextIn(encoding));
    }
  };
  for await (const bytes of blobBytes(blob, opts)) {
    const text = decode(bytes);
    if (text) yield text;
  }
  const rest = decode();
  if (rest) yield rest;
}

/** Compressed bytes handed to the inflater at a time: deflate expands at most ~1,000×, so one push stays near 16 MB. */
const ZIP_PIECE = 16 * 1024;
const MB = 1024 * 1024;

/**
 * The text of the backup in zip `blob` (its first entry `isBackupEntry`
 * names), inflated and decoded as the zip is read, so an archive of any size
 * is never held whole. Stops with a TransferError past `maxBytes` unpacked (a
 * zip bomb is found out while it is read, within memory), when there is no
 * such entry, or when the archive is damaged.
 */
export async function* zippedBackupText(blob: Blob, maxBytes: number, opts: StreamOptions = {}): AsyncGenerator<string> {
  const decoder = new TextDecoder('utf-8', { fatal: true });
  const pieces: string[] = [];
  let unpacked = 0;
  let found = false;
  let ended = false;
  let failure: Error | null = null;
  /** The entry read, and the CRC-32 of what it unpacked to so far. */
  let name = '';
  let crc = 0;
  const unzip = new Unzip((file) => {
    if (found || !isBackupEntry(file.name)) return;
    found = true;
    if (file.originalSize !== undefined && file.originalSize > maxBytes) {
      failure = new TransferError(`the zip archive would unpack to ${Math.round(file.originalSize / MB)} MB, above the ${Math.round(maxBytes / MB)} MB limit`);
      return;
    }
    name = file.name;
    file.ondata = (error, data, final) => {
      if (failure) return;
      if (error) failure = new TransferError(`the zip archive is damaged (${error.message})`);
      else if ((unpacked += data.length) > maxBytes) failure = new TransferError(`the zip archive unpacks to more than ${Math.round(maxBytes / MB)} MB, the limit`);
      else {
        if (opts.checksum !== false) crc = crc32(data, crc);
        try {
          pieces.push(decoder.decode(data, { stream: !final }));
        } catch {
          failure = new TransferError('the file is not UTF-8 text');
        }
        ended ||= final;
      }
    };
    try {
      file.start();
    } catch (e) {
      failure = new TransferError(`the zip archive is damaged (${(e as Error).message})`);
    }
  });
  unzip.register(UnzipInflate);
  const taken = (): string => {
    if (failure) throw failure;
    const text = pieces.join('');
    pieces.length = 0;
    return text;
  };
  for await (const bytes of blobBytes(blob, opts)) {
    for (let at = 0; at < bytes.length && !ended; at += ZIP_PIECE) {
      pushTo(unzip, bytes.subarray(at, at + ZIP_PIECE), false);
      const text = taken();
      if (text) yield text;
    }
    if (ended) break;
  }
  if (!ended) {
    pushTo(unzip, new Uint8Array(0), true);
    const rest = taken();
    if (rest) yield rest;
    if (!ended) throw new TransferError(found ? 'the zip archive ends before the backup does' : `the zip holds no ${BACKUP_ZIP_ENTRY}`);
  }
  if (opts.checksum !== false) await checkCrc(blob, name, crc);
}

/**
 * Throws when the entry `name` of zip `blob` unpacked to bytes whose CRC-32 is not `crc`, the one its central
 * directory records (read from the end of the blob: two small reads). After the last record has been read, before
 * the import is planned: a damaged byte in an entry stored as is would otherwise read as other text.
 */
async function checkCrc(blob: Blob, name: string, crc: number): Promise<void> {
  const bytes = async (from: number, to: number) => new Uint8Array(await blob.slice(from, to).arrayBuffer());
  const tail = await bytes(Math.max(0, blob.size - ZIP_TAIL), blob.size);
  const directory = directoryOf(tail);
  if (!directory || directory.offset + directory.size > blob.size) return;
  const recorded = recordedCrcs(await bytes(directory.offset, directory.offset + directory.size), directory.entries).get(name);
  if (recorded !== undefined && recorded !== crc) throw checksumMismatch(name);
}

function pushTo(unzip: Unzip, bytes: Uint8Array, final: boolean): void {
  try {
    unzip.push(bytes, final);
  } catch (e) {
    throw new TransferError(`the zip archive is damaged (${(e as Error).message})`);
  }
}
