/**
 * Where an import's batches are stored: the library itself, written from the
 * library page through the storage module (its transactions keep concurrent
 * saves safe). Sending 200 MB of articles to the background as messages cost
 * as much time as storing them, for no added safety: the page that checked
 * and sanitized the file is as privileged as the background.
 */
import type { Library } from '../storage/library';
import type { ImportRecord } from '../storage/records';
import type { StoredImage } from '../storage/types';
import { quoted } from '../transfer/util';

/** What an import stored. */
export interface ImportOutcome {
  added: number;
  updated: number;
  /** Already present and unchanged. */
  skipped: number;
  /** Images that had nowhere to go, with the reason. */
  rejected: string[];
}

/** One batch: records (marked `isNew` when the plan found nothing stored), and images for them or for articles already stored. */
export interface ImportBatch {
  records: ImportRecord[];
  images: StoredImage[];
}

export interface ImportWriter {
  write(batch: ImportBatch): Promise<ImportOutcome>;
  /** Tells open pages the library changed: once per import, since each re-reads the whole index. */
  announce(): void;
}

/** The two library methods an import needs. */
export type ImportTarget = Pick<Library, 'importRecords' | 'putImages'>;

/**
 * Stores each batch's records with their images in one go, then images of articles stored before. A batch waiting
 * for the one before it when `signal` aborts is not written (it rejects): Stop leaves no batch already sent to come.
 */
export function libraryWriter(library: ImportTarget, announce: () => void, signal?: AbortSignal): ImportWriter {
  return {
    announce,
    async write({ records, images }) {
      const own = new Map<string, StoredImage[]>(records.map((r) => [r.id, []]));
      const others = new Map<string, StoredImage[]>();
      for (const image of images) {
        const list = own.get(image.articleId) ?? others.get(image.articleId);
        if (list) list.push(image);
        else others.set(image.articleId, [image]);
      }
      const result = records.length
        ? await library.importRecords(records.map((r) => ({ ...r, images: own.get(r.id) })), { signal })
        : { added: 0, updated: 0, skipped: 0 };
      const rejected: string[] = [];
      for (const [articleId, list] of others) {
        signal?.throwIfAborted();
        // Resolves undefined when the article is not in the library: those images have nowhere to go.
        if ((await library.putImages(articleId, list)) === undefined) rejected.push(`${list.length} image(s) for an article not in the library (${quoted(articleId)})`);
      }
      return { ...result, rejected };
    },
  };
}
