/**
 * Import from the library page: read the file, plan it against the library
 * with the shared sanitizer and extraction core (nothing is written), then,
 * once the user confirms, store the plan in batches. Loaded only when the
 * user imports.
 *
 * A JSON backup is read twice as a stream, never whole, in a worker (see
 * backup-reading.ts) while this page sanitizes and stores. The first reading
 * checks every record and image (without sanitizing bodies, which only
 * changes them) and counts what would change, keeping nothing but ids; a
 * damaged file is refused there, before anything is written. On confirmation
 * the second reading re-checks and sanitizes each record and stores batches
 * as they fill, so the page holds one batch at a time. A bookmarks file is
 * read as a stream once; its links are small and are kept for the write.
 * Other formats (and zipped backups) are read whole, up to 50 MB.
 */
import { idForUrl } from '../storage/ids';
import type { LibraryEntry, SavedArticle, StoredImage } from '../storage/types';
import { coreHooks, coreSanitize } from '../transfer/core-hooks';
import { detectFormat, isZippedBackup } from '../transfer/detect';
import {
  blobText,
  BookmarksReader,
  failureReason,
  importFile,
  MAX_IMPORT_BYTES,
  MAX_STREAMED_BACKUP_BYTES,
  planImport,
  Planner,
  refusal,
  refusedBySize,
  TransferError,
  UnorderedBackupError,
  type ExtractHooks,
  type ImportError,
  type ImportReport,
  type PlanStep,
  type PlannedUpdate,
  type StreamOptions,
  type Sanitize,
} from '../transfer/index';
import { declaredCharset, decodeText } from '../transfer/text-encoding';
import { isZip } from '../transfer/util';
import { readBackupThrough } from './backup-reading';
import { workerChannel, type WorkerChannel } from './worker-channel';
import type { TransferStore } from './transfer-data';
import type { ImportBatch, ImportOutcome, ImportWriter } from './import-writer';
import { addRecord, Batcher, recordsFromPlan, settleImageUpdates, updateRecord, type BatchLimits } from './transfer-plan';

/** Bytes looked at to recognise the format. */
const SNIFF_BYTES = 64 * 1024;

export interface ApplyOptions extends BatchLimits {
  /** Called after each batch with records stored so far. */
  onProgress?: (done: number, total: number) => void;
  /** Stops before the next batch: what was stored stays, and the call rejects with an ImportStoppedError. */
  signal?: AbortSignal;
}

/** What an import would change in one stored article, for the report shown before anything is written. */
export interface UpdateNote {
  title: string;
  /** Fields that would change (as `mergeRecord` names them). */
  changes: string[];
  /** Fields where the library's newer value is kept. */
  kept: string[];
  /** Images the file brings for it. */
  images: number;
}

/** Updates described one by one in a report; the rest are counted. */
export const MAX_UPDATE_NOTES = 200;

/** A planned import: what the user is shown, and how to write it. */
export interface FilePlan {
  /** Counts, failed rows, or why nothing would be imported. Streamed plans leave `toAdd` and `toUpdate` empty. */
  report: ImportReport;
  /** What the first `MAX_UPDATE_NOTES` updates change, in file order (articles that only gain images from a streamed backup are counted, not described). */
  updates: UpdateNote[];
  /** Records (and image sets for stored articles) the write stores. */
  writes: number;
  /** Stores the plan. */
  apply(writer: ImportWriter, opts?: ApplyOptions): Promise<ImportOutcome>;
}

export interface PlanOptions {
  /** Default: the shared DOMPurify configuration over this page's window. */
  sanitize?: Sanitize;
  hooks?: ExtractHooks;
  /** Bytes of the file read so far, while a streamed file (a JSON backup, a bookmarks file) is planned. */
  onProgress?: (read: number, total: number) => void;
  /** Stops reading a streamed file (the plan is then thrown away). */
  signal?: AbortSignal;
  /** Where a JSON backup is read, once per reading. Default: a worker of this page. */
  backupReader?: () => WorkerChannel;
  /** A bookmarks file: its links get the names of the folders they are in as tags. */
  foldersAsTags?: boolean;
}

/** A worker that reads one JSON backup. */
function backupWorker(): WorkerChannel {
  return workerChannel(new Worker(new URL('./backup-worker.ts', import.meta.url), { type: 'module' }), 'the backup reader');
}

const nothingToWrite = (report: ImportReport): FilePlan => ({ report, updates: [], writes: 0, apply: async () => ({ added: 0, updated: 0, skipped: 0, rejected: [] }) });

const noteOf = (update: PlannedUpdate): UpdateNote => ({
  title: update.record.title || update.record.url, changes: update.changes, kept: update.kept, images: update.images.length,
});

/** The totals so far when a batch fails: the batches before it are stored. */
export class PartialImportError extends Error {
  override name = 'PartialImportError';
  constructor(message: string, readonly outcome: ImportOutcome) {
    super(message);
  }
}

/** The user stopped the import: the batches stored before the stop stay. */
export class ImportStoppedError extends PartialImportError {
  override name = 'ImportStoppedError';
}

/** Batches handed to the database before the page waits for the oldest. */
const IN_FLIGHT = 2;

/**
 * Stores batches in order, preparing the next while the database writes the
 * ones before (their transactions run in the order they were opened), and
 * sums what was stored.
 */
class BatchQueue {
  readonly total: ImportOutcome = { added: 0, updated: 0, skipped: 0, rejected: [] };
  /** Batches posted and not yet awaited by `send` or `settle`, oldest first. */
  private inFlight: Promise<void>[] = [];
  /** Every batch posted and not yet finished, so a failure waits for all of them. */
  private unfinished = new Set<Promise<void>>();
  private sent = 0;
  private done = 0;

  private readonly onProgress?: ApplyOptions['onProgress'];
  private readonly signal?: AbortSignal;

  constructor(private readonly writer: ImportWriter, private readonly records: number, opts: ApplyOptions) {
    this.onProgress = opts.onProgress;
    this.signal = opts.signal;
    this.onProgress?.(0, records);
  }

  async send(batch: ImportBatch): Promise<void> {
    while (this.inFlight.length >= IN_FLIGHT) await this.inFlight.shift();
    if (this.signal?.aborted) throw new ImportStoppedError('stopped', this.total);
    const posted = this.post(batch);
    this.inFlight.push(posted);
    this.unfinished.add(posted);
    void posted.then(() => this.unfinished.delete(posted), () => this.unfinished.delete(posted));
  }

  /** Waits for every batch in flight. */
  async settle(): Promise<void> {
    for (const pending of this.inFlight.splice(0)) await pending;
  }

  /** Waits for the last batch and lets open pages see the change. */
  async finish(): Promise<ImportOutcome> {
    await this.settle();
    this.writer.announce();
    return this.total;
  }

  /** After a failure: the batches stored so far, announced, as a PartialImportError. */
  async fail(e: unknown): Promise<never> {
    await Promise.allSettled([...this.unfinished]);
    if (this.sent > 0) this.writer.announce();
    if (e instanceof PartialImportError) throw e;
    if (this.signal?.aborted) throw new ImportStoppedError('stopped', this.total);
    throw new PartialImportError((e as Error)?.message || String(e), this.total);
  }

  private async post(batch: ImportBatch): Promise<void> {
    this.sent++;
    let outcome: ImportOutcome;
    try {
      outcome = await this.writer.write(batch);
    } catch (e) {
      // A batch the writer left unwritten for the stop.
      if (this.signal?.aborted) throw new ImportStoppedError('stopped', this.total);
      throw new PartialImportError((e as Error)?.message || String(e), this.total);
    }
    this.total.added += outcome.added;
    this.total.updated += outcome.updated;
    this.total.skipped += outcome.skipped;
    this.total.rejected.push(...outcome.rejected);
    if (!batch.records.length) return;
    this.done += batch.records.length;
    this.onProgress?.(this.done, this.records);
  }
}

/** Stores every record of a whole-file plan, batch by batch. */
async function applyReport(report: ImportReport, store: TransferStore, writer: ImportWriter, opts: ApplyOptions): Promise<ImportOutcome> {
  const records = await recordsFromPlan(report, idForUrl, (id) => store.body(id));
  const queue = new BatchQueue(writer, records.length, opts);
  const batcher = new Batcher(opts);
  try {
    for (const r of records) {
      const closed = batcher.record(r);
      if (closed) await queue.send(closed);
    }
    const last = batcher.flush();
    if (last) await queue.send(last);
    return await queue.finish();
  } catch (e) {
    return queue.fail(e);
  }
}

/** A whole-file plan (its records are in the report). */
function reportPlan(report: ImportReport, store: TransferStore): FilePlan {
  return { report, updates: report.toUpdate.slice(0, MAX_UPDATE_NOTES).map(noteOf), writes: report.toAdd.length + report.toUpdate.length, apply: (writer, opts = {}) => applyReport(report, store, writer, opts) };
}

/** Reads and plans `file`. Never throws for a bad file: the report says why nothing would be imported. */
export async function planFile(file: File, store: TransferStore, opts: PlanOptions = {}): Promise<FilePlan> {
  const sanitize = opts.sanitize ?? coreSanitize(window);
  const reading: StreamOptions = { onBytes: opts.onProgress && ((read: number) => opts.onProgress?.(read, file.size)), signal: opts.signal };
  const head = new Uint8Array(await file.slice(0, SNIFF_BYTES).arrayBuffer());
  // Small files and the formats not streamed are read whole. Of zips, only a backup is streamed.
  const format = file.size <= 4096 ? null : isZip(head) ? (isZippedBackup(head) ? 'qingdu-backup' : null) : detectFormat(file.name, head);
  if (format === 'qingdu-backup') {
    if (file.size > MAX_STREAMED_BACKUP_BYTES) return nothingToWrite(refusedBySize(file.size, MAX_STREAMED_BACKUP_BYTES));
    try {
      return await planBackup(file, store, sanitize, reading, opts.backupReader ?? backupWorker);
    } catch (e) {
      // A hand-made backup with its lists before its version can still be read whole when it is small enough.
      if (!(e instanceof UnorderedBackupError) || file.size > MAX_IMPORT_BYTES) return nothingToWrite(refusal(format, failureReason(format, e)));
    }
  } else if (format === 'netscape') {
    if (file.size > MAX_IMPORT_BYTES) return nothingToWrite(refusedBySize(file.size, MAX_IMPORT_BYTES));
    try {
      return await planBookmarks(file, head, store, reading, opts.foldersAsTags === true);
    } catch (e) {
      return nothingToWrite(refusal(format, failureReason(format, e)));
    }
  }
  // Checked before reading, so a huge file is never loaded into memory.
  if (file.size > MAX_IMPORT_BYTES) return nothingToWrite(refusedBySize(file.size, MAX_IMPORT_BYTES));
  const bytes = new Uint8Array(await file.arrayBuffer());
  const entries = await store.entries();
  const report = importFile(file.name, bytes, {
    sanitize,
    hooks: opts.hooks ?? coreHooks(window),
    library: new Map(entries.map((e) => [e.id, e])),
    idFor: idForUrl,
    foldersAsTags: opts.foldersAsTags,
  });
  return reportPlan(report.ok ? await settleImageUpdates(report, (id) => store.imageUrls(id)) : report, store);
}

/** Where the images of a backup record go: the stored article they attach to, and whether it was in the library before. */
interface ImageTarget {
  id: string;
  stored: boolean;
}

function imageTarget(step: PlanStep, saved: SavedArticle): ImageTarget | null {
  if (step.kind === 'add') return { id: idForUrl(saved.article.url), stored: false };
  if (step.kind === 'update') return { id: step.update.record.id, stored: true };
  return step.existing ? { id: step.existing, stored: true } : null;
}

const keepHtml = (html: string): string => html;

/** The first reading of a backup: every check, the counts, nothing kept but ids. Throws TransferError. */
async function planBackup(file: File, store: TransferStore, sanitize: Sanitize, reading: StreamOptions, reader: () => WorkerChannel): Promise<FilePlan> {
  const entries = await store.entries();
  const library = new Map<string, LibraryEntry>(entries.map((e) => [e.id, e]));
  const planner = new Planner({ library, idFor: idForUrl });
  const failed: ImportError[] = [];
  const targets = new Map<string, ImageTarget | null>();
  const duplicates = new Set<string>();
  /** Image URLs the file brings for stored articles it otherwise leaves as they are, by article id. */
  const broughtImages = new Map<string, Set<string>>();
  const updates: UpdateNote[] = [];
  /** The notes of updated articles, by stored id, to count the images that follow them in the file. */
  const noted = new Map<string, UpdateNote>();
  /** The image URLs the file brings for each noted article. */
  const notedImages = new Map<string, Set<string>>();
  let records = 0;
  await readBackupThrough(reader(), file, keepHtml, {
    article(saved) {
      records++;
      const step = planner.add({ kind: 'article', article: saved, images: [] });
      const target = imageTarget(step, saved);
      targets.set(saved.id, target);
      if (step.kind === 'duplicate' && target) duplicates.add(target.id);
      if (step.kind === 'update' && target && updates.length < MAX_UPDATE_NOTES) {
        const note = noteOf(step.update);
        updates.push(note);
        noted.set(target.id, note);
      }
    },
    image(image) {
      const target = targets.get(image.articleId);
      if (target && noted.has(target.id)) {
        const urls = notedImages.get(target.id) ?? new Set<string>();
        notedImages.set(target.id, urls.add(image.url));
      }
      if (!target || !duplicates.has(target.id)) return;
      const urls = broughtImages.get(target.id) ?? new Set<string>();
      urls.add(image.url);
      broughtImages.set(target.id, urls);
    },
    failed: (e) => failed.push(e),
  }, reading);
  if (records === 0 && failed.length === 0) throw new TransferError('the file holds no articles');
  // Images the library already has are not written again, and a note does not count them.
  for (const [id, urls] of notedImages) {
    const stored = await store.imageUrls(id);
    (noted.get(id) as UpdateNote).images = [...urls].filter((u) => !stored.has(u)).length;
  }
  // A stored article that only gains images is an update after all (as settleImageUpdates decides for whole files);
  // its images go to the stored article, with no record.
  let imagesOnly = 0;
  for (const [id, urls] of broughtImages) {
    if (!duplicates.has(id)) continue;
    const stored = await store.imageUrls(id);
    if (![...urls].some((u) => !stored.has(u))) continue;
    imagesOnly++;
    planner.counts.duplicates--;
    planner.counts.updated++;
  }
  const report: ImportReport = { ok: true, format: 'qingdu-backup', message: null, ...planner.counts, failed, toAdd: [], toUpdate: [] };
  const writes = planner.counts.added + planner.counts.updated;
  const write = { file, store, sanitize, library, reader, records: writes - imagesOnly, repeats: planner.repeats };
  return { report, updates, writes, apply: (writer, opts = {}) => writeBackup(write, writer, opts) };
}

/** What the second reading of a backup needs from the first. `records`: how many the first reading planned to store. */
interface BackupWrite {
  file: File;
  store: TransferStore;
  sanitize: Sanitize;
  library: ReadonlyMap<string, LibraryEntry>;
  reader: () => WorkerChannel;
  records: number;
  /** The stories the first reading found more than once in the file. */
  repeats: ReadonlySet<string>;
}

/** The second reading of a backup: checks and sanitizes each record again and stores batches as they fill. */
async function writeBackup({ file, store, sanitize, library, reader, records, repeats }: BackupWrite, writer: ImportWriter, opts: ApplyOptions): Promise<ImportOutcome> {
  const planner = new Planner({ library, idFor: idForUrl, repeats });
  const queue = new BatchQueue(writer, records, opts);
  const batcher = new Batcher(opts);
  const targets = new Map<string, ImageTarget | null>();
  const storedImages = new Map<string, ReadonlySet<string>>();
  let imagesStarted = false;
  const flushed = async (closed: ImportBatch | null) => {
    if (closed) await queue.send(closed);
  };
  try {
    await readBackupThrough(reader(), file, sanitize, {
      async article(saved, _index, prepared) {
        const step = planner.add({ kind: 'article', article: saved, images: [] });
        targets.set(saved.id, imageTarget(step, saved));
        // What was prepared holds for an added article's own text; an update's text may be the stored one.
        if (step.kind === 'add') await flushed(batcher.record({ ...addRecord(step.item, idForUrl), prepared }));
        else if (step.kind === 'update') await flushed(batcher.record(await updateRecord(step.update, (id) => store.body(id))));
      },
      async image(image) {
        const target = targets.get(image.articleId);
        if (!target) return;
        if (!imagesStarted) {
          // Images attach to stored articles: every record goes first.
          imagesStarted = true;
          await flushed(batcher.flush());
          await queue.settle();
        }
        if (target.stored) {
          let stored = storedImages.get(target.id);
          if (!stored) storedImages.set(target.id, (stored = await store.imageUrls(target.id)));
          if (stored.has(image.url)) return;
        }
        const own: StoredImage = { articleId: target.id, url: image.url, type: image.type, bytes: image.bytes };
        await flushed(batcher.image(own));
      },
      failed: () => undefined,
    }, { signal: opts.signal, prepare: true, checksum: false });
    await flushed(batcher.flush());
    return await queue.finish();
  } catch (e) {
    return queue.fail(e);
  }
}

/**
 * A bookmarks file, read as a stream in the encoding its first bytes `head`
 * give (its BOM, UTF-8, the charset it declares, or GBK / Big5); its links are
 * kept for the write. Throws TransferError.
 */
async function planBookmarks(file: File, head: Uint8Array, store: TransferStore, reading: StreamOptions, foldersAsTags: boolean): Promise<FilePlan> {
  const { encoding } = decodeText(head, { head: true, declared: declaredCharset(head) });
  const reader = new BookmarksReader({ foldersAsTags });
  for await (const piece of blobText(file, reading, encoding)) reader.push(piece);
  const parsed = reader.end();
  if (parsed.items.length === 0 && parsed.errors.length === 0) throw new TransferError('the file holds no articles');
  const entries = await store.entries();
  const report: ImportReport = { ok: true, format: 'netscape', message: null, encoding, ...planImport(parsed, { library: new Map(entries.map((e) => [e.id, e])), idFor: idForUrl }) };
  return reportPlan(report, store);
}
