/**
 * Reads a JSON backup as its text arrives, one record at a time, with the
 * same checks and the same messages as `parseBackup`: the caller sees each
 * record and image that passes and each one that fails, and never the whole
 * file. A file-level problem throws TransferError once it is found, which may
 * be after some records were seen: callers that write make a first reading
 * only to check the file (see src/library/transfer-import.ts).
 */
import type { SavedArticle, StoredImage } from '../storage/types';
import { BackupRecords, backupVersion, isRefusal } from './backup';
import { JsonSplitter } from './json-stream';
import type { ImportError, Sanitize } from './types';
import { TransferError } from './util';

/** The backup lists its articles or images before its format and version: it can only be read whole. */
export class UnorderedBackupError extends TransferError {
  override name = 'UnorderedBackupError';
}

export interface BackupVisitor {
  /** A record that passed every check, its body re-sanitized. */
  article(saved: SavedArticle, index: number): void | Promise<void>;
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
  const fields: Record<string, unknown> = {};
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

export interface StreamOptions {
  /** Hears how many bytes have been read so far. */
  onBytes?: (read: number) => void;
  /** Stops the reading between pieces, with an AbortError. */
  signal?: AbortSignal;
}

/** The text of `blob`, decoded strictly as UTF-8 piece by piece (a leading BOM is dropped). */
export async function* blobText(blob: Blob, opts: StreamOptions = {}): AsyncGenerator<string> {
  const decoder = new TextDecoder('utf-8', { fatal: true });
  const reader = blob.stream().getReader();
  let read = 0;
  try {
    for (;;) {
      if (opts.signal?.aborted) throw new DOMException('Import stopped', 'AbortError');
      const { done, value } = await reader.read();
      if (value) opts.onBytes?.((read += value.length));
      let text: string;
      try {
        text = done ? decoder.decode() : decoder.decode(value, { stream: true });
      } catch {
        throw new TransferError('the file is not UTF-8 text');
      }
      if (text) yield text;
      if (done) return;
    }
  } finally {
    reader.releaseLock();
  }
}
