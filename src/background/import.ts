/**
 * `library.import` in the background: the pages parsed, sanitized and planned
 * the import, but the background is the only writer and checks every batch
 * again before it stores anything (shape of every field, http(s) URLs only,
 * image types and sizes, batch limits).
 *
 * Kept free of extension APIs: the handler passes in the library, so the
 * checks run in unit tests as they run in the worker.
 */
import type { ImportOutcome } from '../platform/messages';
import type { ImportRecord } from '../storage/records';
import type { StoredImage } from '../storage/types';
import { validateSavedArticle } from '../transfer/backup';
import { fromBase64 } from '../transfer/util';

/** Records one message may carry; pages send batches well under this. */
export const MAX_RECORDS_PER_MESSAGE = 500;
/** Images one message may carry. */
export const MAX_IMAGES_PER_MESSAGE = 2000;
/** Largest image accepted (decoded bytes). */
export const MAX_IMAGE_BYTES = 20 * 1024 * 1024;

/** The two library methods an import needs (the real `Library` has both). */
export interface ImportTarget {
  importRecords(records: readonly ImportRecord[]): Promise<{ added: number; updated: number; skipped: number }>;
  putImages(articleId: string, images: StoredImage[]): Promise<unknown>;
}

export interface CheckedBatch {
  records: ImportRecord[];
  /** Images of articles not in this batch (already in the library), by article id. */
  extraImages: Map<string, StoredImage[]>;
  rejected: string[];
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** The body was sanitized by the page with the shared DOMPurify configuration; the reader sanitizes it again when it renders. */
const keepHtml = (html: string): string => html;

/** An image key must resolve, against its article's URL, to an http(s) URL (relative forms are how articles write them). */
function imageUrlOk(url: string, base: string | undefined): boolean {
  if (!url || url.length > 8192) return false;
  try {
    const { protocol } = base ? new URL(url, base) : new URL(url);
    return protocol === 'http:' || protocol === 'https:';
  } catch {
    return false;
  }
}

/** Checks one image from a message and decodes its bytes; a string names the problem. */
export function decodeWireImage(raw: unknown, baseUrl: string | undefined): StoredImage | string {
  if (!isObject(raw)) return 'not an object';
  const { articleId, url, type, data } = raw;
  if (typeof articleId !== 'string' || !articleId) return 'articleId must be a non-empty string';
  if (typeof url !== 'string' || typeof type !== 'string' || typeof data !== 'string') return 'url, type and data must be strings';
  if (!imageUrlOk(url, baseUrl)) return `URL ${url.slice(0, 80)} is not an http(s) URL`;
  if (!/^image\/[a-z0-9.+-]+$/i.test(type)) return `type "${type.slice(0, 40)}" is not an image type`;
  // base64 is 4 characters per 3 bytes: refuse before decoding anything too large.
  if (data.length > Math.ceil(MAX_IMAGE_BYTES / 3) * 4) return `larger than ${MAX_IMAGE_BYTES / 1048576} MB`;
  let bytes: Uint8Array;
  try {
    bytes = fromBase64(data);
  } catch (e) {
    return (e as Error).message;
  }
  if (bytes.length === 0) return 'no image data';
  return { articleId, url, type, bytes };
}

/**
 * Validates a `library.import` payload: every record field by type, http(s)
 * URLs only, ids present; images decoded and attached to their record, or
 * kept apart when they belong to an article already in the library.
 * Never throws: whatever is wrong is named in `rejected`.
 */
export function checkImportBatch(data: unknown): CheckedBatch {
  const out: CheckedBatch = { records: [], extraImages: new Map(), rejected: [] };
  if (!isObject(data) || !Array.isArray(data.records)) {
    out.rejected.push('the message holds no records list');
    return out;
  }
  const images = data.images === undefined ? [] : data.images;
  if (!Array.isArray(images)) {
    out.rejected.push('images must be a list');
    return out;
  }
  if (data.records.length > MAX_RECORDS_PER_MESSAGE || images.length > MAX_IMAGES_PER_MESSAGE) {
    out.rejected.push(`too many records or images in one message (at most ${MAX_RECORDS_PER_MESSAGE} and ${MAX_IMAGES_PER_MESSAGE})`);
    return out;
  }
  const byId = new Map<string, ImportRecord>();
  data.records.forEach((raw, i) => {
    try {
      const record: ImportRecord = validateSavedArticle(raw, keepHtml);
      if (byId.has(record.id)) throw new Error(`duplicate id "${record.id}"`);
      byId.set(record.id, record);
    } catch (e) {
      const title = isObject(raw) && typeof raw.title === 'string' ? ` (${raw.title.slice(0, 60)})` : '';
      out.rejected.push(`record ${i + 1}${title}: ${(e as Error).message}`);
    }
  });
  (images as unknown[]).forEach((raw, i) => {
    const owner = isObject(raw) && typeof raw.articleId === 'string' ? byId.get(raw.articleId) : undefined;
    const image = decodeWireImage(raw, owner?.url);
    if (typeof image === 'string') {
      out.rejected.push(`image ${i + 1}: ${image}`);
      return;
    }
    if (owner) (owner.images ??= []).push(image);
    else {
      const list = out.extraImages.get(image.articleId) ?? [];
      list.push(image);
      out.extraImages.set(image.articleId, list);
    }
  });
  out.records = [...byId.values()];
  return out;
}

/** Checks a batch and stores what passes: records (with their images) in one go, then images for existing articles. */
export async function importBatch(data: unknown, library: ImportTarget): Promise<ImportOutcome> {
  const batch = checkImportBatch(data);
  const result = batch.records.length ? await library.importRecords(batch.records) : { added: 0, updated: 0, skipped: 0 };
  for (const [articleId, images] of batch.extraImages) {
    // Resolves undefined when the article is not in the library: those images have nowhere to go.
    const stored = await library.putImages(articleId, images);
    if (stored === undefined) batch.rejected.push(`${images.length} image(s) for an article not in the library (${articleId})`);
  }
  return { ...result, rejected: batch.rejected };
}
