/**
 * Export and import of 20,000 articles (~5 KB Chinese bodies) through the
 * library page's own dialogs, in headless Chromium with the built extension
 * (dist/chrome):
 *
 * - export to the JSON backup and to Netscape HTML: from the click on the
 *   format to the download (the Blob is ready), vs `getAll` of the library's
 *   stores + `JSON.stringify` into a Blob in an extension page;
 * - import of the backup and of the bookmarks file just exported, each into an
 *   empty profile: from the file chosen to the plan shown, and from the
 *   confirmation to the last batch stored, vs `JSON.parse` of the baseline
 *   export + raw puts of the same records into an empty scratch database;
 * - the peak JS heap of the library page during each step (CDP
 *   `Performance.getMetrics`, sampled), against the file size.
 *
 *   npm run bench -- transfer-browser
 *   QINGDU_BENCH_TRANSFER_ARTICLES=2000 npm run bench -- transfer-browser
 */
import { existsSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { BrowserContext, Page } from '@playwright/test';
import { launchChromium } from '../e2e/chromium';
import { buildBrowserBundle } from './browser-bundle';
import { writeTransferFiles } from './transfer-files';
import type { TransferBenchApi } from './browser/transfer-entry';
import { AS_USERS, CHROMIUM, DIST_CHROME, heapUsed, mb, median, ms, ratio, table, type Headline, type SectionResult } from './common';

const COUNT = Number(process.env.QINGDU_BENCH_TRANSFER_ARTICLES ?? 20_000);
const RUNS = Number(process.env.QINGDU_BENCH_TRANSFER_RUNS ?? 3);
const TARGET_MS = 3000;
const STEP_TIMEOUT = 600_000;

type Api = { qingduTransferBench: TransferBenchApi };

/** Samples the page's JS heap every `every` ms until stopped; resolves to the peak (bytes). */
async function heapSampler(context: BrowserContext, page: Page, every = 50): Promise<() => Promise<number>> {
  const cdp = await context.newCDPSession(page);
  await cdp.send('Performance.enable');
  let peak = 0;
  let running = true;
  const loop = (async () => {
    while (running) {
      try {
        const { metrics } = await cdp.send('Performance.getMetrics');
        peak = Math.max(peak, metrics.find((m) => m.name === 'JSHeapUsedSize')?.value ?? 0);
      } catch {
        return;
      }
      await new Promise((r) => setTimeout(r, every));
    }
  })();
  return async () => {
    running = false;
    await loop;
    await cdp.detach().catch(() => undefined);
    return peak;
  };
}

async function openLibrary(context: BrowserContext, base: string): Promise<Page> {
  const page = await context.newPage();
  await page.goto(`${base}/library.html`);
  await page.waitForFunction(() => (document.getElementById('summary')?.textContent ?? '') !== '' || !document.getElementById('state-empty')?.hidden, null, {
    timeout: STEP_TIMEOUT,
  });
  return page;
}

interface Timed {
  ms: number;
  peakHeap: number;
  /** Heap after GC right before the step. */
  startHeap: number;
}

/** One export through the dialog: click on the format → download event. Keeps the file in `keepIn` when given. */
async function exportOnce(context: BrowserContext, page: Page, format: 'backup' | 'bookmarks' | 'markdown' | 'epub', keepIn?: string): Promise<Timed & { bytes: number; path: string; failure: string | null }> {
  await page.locator('#transfer-export').click();
  const dialog = page.locator('#transfer-export-dialog');
  await dialog.waitFor({ state: 'visible' });
  // The dialog counts the library when it opens; let that read finish first.
  await page.waitForFunction(() => !/…/.test(document.querySelector('#transfer-export-dialog fieldset')?.textContent ?? '…'), null, { timeout: STEP_TIMEOUT });
  const startHeap = await heapUsed(context, page);
  const stop = await heapSampler(context, page);
  const downloading = page.waitForEvent('download', { timeout: STEP_TIMEOUT });
  const t0 = performance.now();
  await dialog.locator(`button[data-format="${format}"]`).click();
  const download = await downloading;
  const elapsed = performance.now() - t0;
  const peakHeap = await stop();
  const path = join(keepIn ?? tmpdir(), keepIn ? download.suggestedFilename() : `qingdu-bench-${process.pid}-${download.suggestedFilename()}`);
  const saved = await download.saveAs(path).then(() => null, (error: unknown) => String(error));
  if (saved !== null) {
    // The download event came, so the export's time stands; only the file is missing.
    const status = await page.locator('#transfer-export-status').textContent().catch(() => null);
    await dialog.getByRole('button', { name: /^(关闭|Close)$/ }).click();
    await dialog.waitFor({ state: 'hidden' });
    return { ms: elapsed, peakHeap, startHeap, bytes: NaN, path: '', failure: `${format}: ${saved} (the page said: ${status ?? 'nothing'})` };
  }
  const bytes = statSync(path).size;
  if (!keepIn) rmSync(path, { force: true });
  await page.locator('#transfer-export-status').filter({ hasText: /已导出|Exported/ }).waitFor({ timeout: STEP_TIMEOUT });
  await dialog.getByRole('button', { name: /^(关闭|Close)$/ }).click();
  await dialog.waitFor({ state: 'hidden' });
  return { ms: elapsed, peakHeap, startHeap, bytes, path, failure: null };
}

interface ImportRun {
  planMs: number;
  writeMs: number;
  totalMs: number;
  peakHeap: number;
  startHeap: number;
  added: number;
  refused: string | null;
}

/** One import of `file` into an empty profile: file chosen → plan shown; confirm → last batch stored. */
async function importOnce(file: string, count: number): Promise<ImportRun> {
  const profileDir = mkdtempSync(join(tmpdir(), 'qingdu-bench-import-'));
  const { context, extensionId } = await launchChromium(profileDir, new Map(), undefined, AS_USERS);
  try {
    const page = await openLibrary(context, `chrome-extension://${extensionId}`);
    const dialog = page.locator('#transfer-import-dialog');
    const startHeap = await heapUsed(context, page);
    const stop = await heapSampler(context, page);
    let t0 = performance.now();
    await page.locator('#transfer-file').setInputFiles(file);
    const planned = dialog.locator('[data-count="added"], #transfer-import-refused').first();
    await planned.waitFor({ timeout: STEP_TIMEOUT });
    const planMs = performance.now() - t0;
    const refused = await dialog.locator('#transfer-import-refused').textContent({ timeout: 10 }).catch(() => null);
    if (refused) {
      const peakHeap = await stop();
      return { planMs, writeMs: NaN, totalMs: NaN, peakHeap, startHeap, added: 0, refused };
    }
    t0 = performance.now();
    await dialog.locator('#transfer-import-confirm').click();
    await dialog.locator('#transfer-import-status').filter({ hasText: /新增 [\d,]+ 篇|[\d,]+ added/ }).waitFor({ timeout: STEP_TIMEOUT });
    const writeMs = performance.now() - t0;
    const peakHeap = await stop();
    const status = (await dialog.locator('#transfer-import-status').textContent()) ?? '';
    // Counts are written with thousands separators (20,000).
    const added = Number(/(?:新增 |)([\d,]+)(?: 篇| added)/.exec(status)?.[1]?.replace(/,/g, '') ?? NaN);
    if (added !== count) throw new Error(`import stored ${added} of ${count}: ${status}`);
    return { planMs, writeMs, totalMs: planMs + writeMs, peakHeap, startHeap, added, refused: null };
  } finally {
    await context.close();
    rmSync(profileDir, { recursive: true, force: true });
  }
}

export async function runTransferBrowserBench(count = COUNT, runs = RUNS): Promise<SectionResult> {
  const section = 'transfer-browser';
  if (!existsSync(CHROMIUM)) return { section, figures: {}, headlines: [], notes: [`Chromium not found at ${CHROMIUM}: run npm run setup`] };
  if (!existsSync(join(DIST_CHROME, 'library.html'))) return { section, figures: {}, headlines: [], notes: ['dist/chrome/library.html missing: run npm run build'] };
  const notes: string[] = [];
  const bundle = await buildBrowserBundle('transfer-entry.ts');
  const profileDir = mkdtempSync(join(tmpdir(), 'qingdu-bench-'));
  const files = mkdtempSync(join(tmpdir(), 'qingdu-bench-files-'));
  const { context, extensionId } = await launchChromium(profileDir, new Map(), undefined, AS_USERS);
  const base = `chrome-extension://${extensionId}`;
  try {
    const bench = await context.newPage();
    await bench.goto(`${base}/offscreen.html`);
    await bench.evaluate(bundle);
    const fill = await bench.evaluate((n) => (window as unknown as Api).qingduTransferBench.fill(n, 1000), count);
    console.log(`(library filled: ${count} articles, ${(fill.textChars / 1e6).toFixed(1)} M characters, in ${(fill.ms / 1000).toFixed(1)} s)`);
    await bench.goto('about:blank');

    // ---- exports through the library page ----
    // Extension pages share one renderer (one JS heap): only the library page is open while it exports.
    const library = await openLibrary(context, base);
    const backups: Awaited<ReturnType<typeof exportOnce>>[] = [];
    const marks: Awaited<ReturnType<typeof exportOnce>>[] = [];
    let backupPath = '';
    let bookmarksPath = '';
    for (let r = 0; r < runs; r++) {
      const b = await exportOnce(context, library, 'backup', r === 0 ? files : undefined);
      const k = await exportOnce(context, library, 'bookmarks', r === 0 ? files : undefined);
      for (const failure of [b.failure, k.failure]) if (failure) notes.push(`download canceled by Chromium after the export: ${failure}`);
      if (r === 0) [backupPath, bookmarksPath] = [b.path, k.path];
      backups.push(b);
      marks.push(k);
    }
    if (!backupPath || !bookmarksPath) {
      // The same articles through the same exporters, written in Node, for the imports below.
      const written = await writeTransferFiles(files, count);
      backupPath ||= written.backup;
      bookmarksPath ||= written.bookmarks;
      notes.push('the files imported below were written in Node by the same exporters, from the same articles');
    }
    // The two zips convert every article's HTML: one run each, for their time and memory.
    const markdown = await exportOnce(context, library, 'markdown');
    const epub = await exportOnce(context, library, 'epub');
    for (const x of [markdown, epub]) if (x.failure) notes.push(`download canceled by Chromium after the export: ${x.failure}`);
    await library.close();

    // ---- raw baselines in an extension page ----
    await bench.goto(`${base}/offscreen.html`);
    await bench.evaluate(bundle);
    const rawExports: { ms: number; bytes: number; peakHeap: number }[] = [];
    const rawImports: { ms: number; parseMs: number; peakHeap: number }[] = [];
    const layoutImports: { backup: number; links: number }[] = [];
    for (let r = 0; r < runs; r++) {
      await bench.evaluate(() => (window as unknown as Api).qingduTransferBench.release());
      await heapUsed(context, bench);
      let stop = await heapSampler(context, bench);
      const e = await bench.evaluate(() => (window as unknown as Api).qingduTransferBench.rawExport());
      rawExports.push({ ...e, peakHeap: await stop() });
      stop = await heapSampler(context, bench);
      const i = await bench.evaluate(() => (window as unknown as Api).qingduTransferBench.rawImport());
      rawImports.push({ ...i, peakHeap: await stop() });
      const backup = await bench.evaluate(() => (window as unknown as Api).qingduTransferBench.rawLayoutImport(false));
      const links = await bench.evaluate(() => (window as unknown as Api).qingduTransferBench.rawLayoutImport(true));
      layoutImports.push({ backup: backup.ms, links: links.ms });
    }
    // Where the backup import's time goes, stage by stage (one run).
    const profile = await bench.evaluate(() => (window as unknown as Api).qingduTransferBench.profileImport());
    await bench.close();
    await context.close();

    // ---- imports, each into an empty profile ----
    const backupImports: ImportRun[] = [];
    const bookmarkImports: ImportRun[] = [];
    for (let r = 0; r < runs; r++) {
      backupImports.push(await importOnce(backupPath, count));
      bookmarkImports.push(await importOnce(bookmarksPath, count));
    }
    for (const [what, list] of [['backup', backupImports], ['bookmarks', bookmarkImports]] as const) {
      const refused = list.find((x) => x.refused)?.refused;
      if (refused) notes.push(`the ${what} import was refused: ${refused}`);
    }

    const backupBytes = statSync(backupPath).size;
    const bookmarksBytes = statSync(bookmarksPath).size;
    const med = <T>(xs: T[], f: (x: T) => number) => median(xs.map(f));
    const rawExportMs = med(rawExports, (x) => x.ms);
    const rawImportMs = med(rawImports, (x) => x.ms);
    const rawParseMs = med(rawImports, (x) => x.parseMs);
    const steps = [
      { name: 'export JSON backup (click → Blob ready)', value: med(backups, (x) => x.ms), baseline: rawExportMs, heap: med(backups, (x) => x.peakHeap), start: med(backups, (x) => x.startHeap), bytes: backupBytes },
      { name: 'export Netscape HTML (click → Blob ready)', value: med(marks, (x) => x.ms), baseline: rawExportMs, heap: med(marks, (x) => x.peakHeap), start: med(marks, (x) => x.startHeap), bytes: bookmarksBytes },
      { name: 'import JSON backup (file chosen → last batch stored)', value: med(backupImports, (x) => x.totalMs), baseline: rawImportMs, heap: med(backupImports, (x) => x.peakHeap), start: med(backupImports, (x) => x.startHeap), bytes: backupBytes },
      { name: 'import Netscape HTML (file chosen → last batch stored)', value: med(bookmarkImports, (x) => x.totalMs), baseline: rawImportMs, heap: med(bookmarkImports, (x) => x.peakHeap), start: med(bookmarkImports, (x) => x.startHeap), bytes: bookmarksBytes },
    ];
    table(
      `Transfer in the library page — ${count} articles (headless Chromium, built extension; median of ${runs})`,
      ['step', 'Qingdu', 'baseline', 'ratio', 'target', 'file', 'peak heap', 'heap before'],
      steps.map((s) => [s.name, ms(s.value, 0), ms(s.baseline, 0), ratio(s.value / s.baseline), `≤ ${TARGET_MS / 1000} s`, mb(s.bytes), mb(s.heap), mb(s.start)]),
    );
    table(`Zip exports in the library page — ${count} articles (one run each; written page by page)`, ['format', 'time', 'file', 'peak heap', 'heap before'], [
      ['Markdown zip (turndown, deflate)', ms(markdown.ms, 0), mb(markdown.bytes), mb(markdown.peakHeap), mb(markdown.startHeap)],
      ['EPUB 3 (XHTML, deflate)', ms(epub.ms, 0), mb(epub.bytes), mb(epub.peakHeap), mb(epub.startHeap)],
    ]);
    table('Transfer in the library page — import phases (median)', ['step', 'read + plan', 'write (confirm → stored)'], [
      ['import JSON backup', ms(med(backupImports, (x) => x.planMs), 0), ms(med(backupImports, (x) => x.writeMs), 0)],
      ['import Netscape HTML', ms(med(bookmarkImports, (x) => x.planMs), 0), ms(med(bookmarkImports, (x) => x.writeMs), 0)],
    ]);
    const layoutBackupMs = med(layoutImports, (x) => x.backup);
    const layoutLinksMs = med(layoutImports, (x) => x.links);
    table('Transfer baselines in an extension page (median)', ['baseline', 'time', 'peak heap'], [
      ['getAll entries + bodies (rows and packs), JSON.stringify, Blob', ms(rawExportMs, 0), mb(med(rawExports, (x) => x.peakHeap))],
      ['JSON.parse of that JSON + raw puts into an empty database', ms(rawImportMs, 0), mb(med(rawImports, (x) => x.peakHeap))],
      ['  of which JSON.parse', ms(rawParseMs, 0), ''],
      ["the same + raw puts of the rows an import writes in Qingdu's layout (segments of index rows and search text, packs of bodies)", ms(layoutBackupMs, 0), ''],
      ['the same for the link-only rows of a bookmarks import (entry, search row)', ms(layoutLinksMs, 0), ''],
    ]);
    table("Imports against raw writes of the same rows in Qingdu's layout (the floor for this schema)", ['import', 'Qingdu', 'raw layout', 'ratio'], [
      ['JSON backup', ms(steps[2]!.value, 0), ms(layoutBackupMs, 0), ratio(steps[2]!.value / layoutBackupMs)],
      ['Netscape HTML', ms(steps[3]!.value, 0), ms(layoutLinksMs, 0), ratio(steps[3]!.value / layoutLinksMs)],
    ]);
    const p = (k: string) => profile[k] ?? NaN;
    table(`Backup import stage by stage, in an extension page (${p('records')} records, ${mb(p('bytes'))}, ${p('batches')} batches; one run)`, ['stage', 'time'], [
      ['decode the file as a stream (TextDecoder)', ms(p('decodeOnlyMs'), 0)],
      ['first pass: decode, split, JSON.parse and check each record', ms(p('readAndCheckMs'), 0)],
      ['second pass: the same + sanitize + batch', ms(p('readCheckSanitizeBatchMs'), 0)],
      ['  of which DOMPurify (shared config, page DOM; this bundle)', ms(p('sanitizeMs'), 0)],
      ['the same DOMPurify calls through the extension\'s built sanitize.js chunk', ms(p('builtSanitizeMs'), 0)],
      ['storing every batch (import writer → Library.importRecords, empty scratch database)', ms(p('writeMs'), 0)],
    ]);
    console.log(`  runs (ms): backup ${backups.map((x) => x.ms.toFixed(0)).join(' ')} | bookmarks ${marks.map((x) => x.ms.toFixed(0)).join(' ')}` +
      ` | import backup ${backupImports.map((x) => `${x.planMs.toFixed(0)}+${x.writeMs.toFixed(0)}`).join(' ')}` +
      ` | import bookmarks ${bookmarkImports.map((x) => `${x.planMs.toFixed(0)}+${x.writeMs.toFixed(0)}`).join(' ')}`);

    const headlines: Headline[] = steps.map((s) => ({
      section, name: `${s.name.replace(/ \(.*\)$/, '')} in Chromium (${count})`, value: s.value, unit: 'ms', baseline: s.baseline,
      ratio: s.value / s.baseline, target: `≤ ${TARGET_MS / 1000} s`, pass: s.value <= TARGET_MS,
    }));
    headlines.push(
      { section, name: `  backup import vs raw puts of its rows in Qingdu's layout`, value: steps[2]!.value, unit: 'ms', baseline: layoutBackupMs, ratio: steps[2]!.value / layoutBackupMs },
      { section, name: `  bookmarks import vs raw puts of its rows in Qingdu's layout`, value: steps[3]!.value, unit: 'ms', baseline: layoutLinksMs, ratio: steps[3]!.value / layoutLinksMs },
    );
    if (Number.isFinite(p('builtSanitizeMs'))) {
      headlines.push({
        section, name: `  DOMPurify on the backup's ${p('records')} bodies: the extension's built chunk vs the same source bundled here`,
        value: p('builtSanitizeMs'), unit: 'ms', baseline: p('sanitizeMs'), ratio: p('builtSanitizeMs') / p('sanitizeMs'),
      });
    } else notes.push('dist/chrome/sanitize.js was not found or exports no sanitizer: the built sanitizer was not timed');
    headlines.push(...steps.map((s) => ({
      section, name: `peak page heap, ${s.name.replace(/ \(.*\)$/, '')} (file ${mb(s.bytes)})`, value: s.heap / 2 ** 20, unit: 'MB',
    })));
    for (const [name, x] of [['Markdown zip', markdown], ['EPUB', epub]] as const) {
      headlines.push({ section, name: `export ${name} in Chromium (${count}; file ${mb(x.bytes)}, peak page heap ${mb(x.peakHeap)})`, value: x.ms, unit: 'ms' });
    }
    return {
      section,
      figures: { count, runs, fill, profile, backups, marks, markdown, epub, rawExports, rawImports, layoutImports, backupImports, bookmarkImports, backupBytes, bookmarksBytes, backupFile: backupPath.split('/').pop() },
      headlines,
      notes,
    };
  } finally {
    await context.close().catch(() => undefined);
    rmSync(profileDir, { recursive: true, force: true });
    rmSync(files, { recursive: true, force: true });
  }
}
