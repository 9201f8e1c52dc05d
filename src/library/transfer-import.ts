/**
 * Import from the library page: read the file, plan it against the library
 * with the shared sanitizer and extraction core (nothing is written), then,
 * once the user confirms, send the plan to the background in batches.
 * Loaded only when the user imports.
 */
import type { ImportOutcome, Request, Response } from '../platform/messages';
import { idForUrl } from '../storage/ids';
import { coreHooks, coreSanitize } from '../transfer/core-hooks';
import { importFile, MAX_IMPORT_BYTES, type ImportReport } from '../transfer/index';
import type { TransferStore } from './transfer-data';
import { batchRecords, recordsFromPlan, settleImageUpdates, type BatchLimits } from './transfer-plan';

export type SendImport = (data: Request<'library.import'>) => Promise<Response<'library.import'>>;

/** A report for a file refused before it is read (only its size is known). */
function refusedBySize(size: number): ImportReport {
  return {
    ok: false, format: null, added: 0, updated: 0, duplicates: 0, failed: [], toAdd: [], toUpdate: [],
    message: `the file is ${(size / 1048576).toFixed(1)} MB; files above ${Math.round(MAX_IMPORT_BYTES / 1048576)} MB are refused`,
  };
}

/** Reads and plans `file`. Never throws for a bad file: the report says why nothing would be imported. */
export async function planFile(file: File, store: TransferStore): Promise<ImportReport> {
  // Checked before reading, so a huge file is never loaded into memory.
  if (file.size > MAX_IMPORT_BYTES) return refusedBySize(file.size);
  const bytes = new Uint8Array(await file.arrayBuffer());
  const entries = await store.entries();
  const report = importFile(file.name, bytes, {
    sanitize: coreSanitize(window),
    hooks: coreHooks(window),
    library: new Map(entries.map((e) => [e.id, e])),
    idFor: idForUrl,
  });
  return report.ok ? settleImageUpdates(report, (id) => store.imageUrls(id)) : report;
}

export interface ApplyOptions extends BatchLimits {
  /** Called after each batch with records sent so far. */
  onProgress?: (done: number, total: number) => void;
}

/** The background's totals so far when a batch fails: the batches before it are stored. */
export class PartialImportError extends Error {
  override name = 'PartialImportError';
  constructor(message: string, readonly outcome: ImportOutcome) {
    super(message);
  }
}

/** Sends the plan's records to the background, batch by batch, and sums what it stored. */
export async function applyPlan(report: ImportReport, store: TransferStore, send: SendImport, opts: ApplyOptions = {}): Promise<ImportOutcome> {
  const records = await recordsFromPlan(report, idForUrl, (id) => store.body(id));
  const batches = batchRecords(records, opts);
  const total: ImportOutcome = { added: 0, updated: 0, skipped: 0, rejected: [] };
  let done = 0;
  opts.onProgress?.(0, records.length);
  for (const [i, batch] of batches.entries()) {
    let outcome: ImportOutcome;
    try {
      outcome = await send({ records: batch.records, images: batch.images, announce: i === batches.length - 1 });
    } catch (e) {
      // Let open pages see the batches that were stored before the failure.
      if (i > 0) await send({ records: [], announce: true }).catch(() => undefined);
      throw new PartialImportError((e as Error).message || String(e), total);
    }
    if (!outcome || typeof outcome.added !== 'number') throw new PartialImportError('the background did not answer', total);
    total.added += outcome.added;
    total.updated += outcome.updated;
    total.skipped += outcome.skipped;
    total.rejected?.push(...(outcome.rejected ?? []));
    done += batch.records.length;
    opts.onProgress?.(done, records.length);
  }
  return total;
}
