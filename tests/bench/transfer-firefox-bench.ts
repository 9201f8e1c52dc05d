/**
 * The transfer bench in Firefox ESR (the built extension, dist/firefox, over
 * WebDriver BiDi): the same 20,000 generated articles as the Chromium
 * section, written as a backup and a bookmarks file here in Node, then
 * through the library page's own dialogs:
 *
 * - import of the backup into an empty profile (file chosen → plan shown →
 *   confirm → last batch stored), then export of the library to the backup
 *   and to Netscape HTML (click on the format → "exported");
 * - import of the bookmarks file into another empty profile;
 * - baselines in an extension page of the filled profile: `getAll` +
 *   `JSON.stringify` into a Blob, and `JSON.parse` + raw puts into a scratch
 *   database, as in the Chromium section.
 *
 * One run each (an import of 20,000 articles takes a while). Firefox exposes
 * no heap figure over BiDi, so there is none here.
 *
 *   npm run bench -- transfer-firefox
 */
import { existsSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ElementHandle, Page } from 'puppeteer-core';
import { copyFirefoxBuild, FIREFOX, launchFirefox, openExtensionPageSettled, type FirefoxSession } from '../e2e/firefox';
import { buildBrowserBundle } from './browser-bundle';
import type { TransferBenchApi } from './browser/transfer-entry';
import { mb, ms, ratio, table, type Headline, type SectionResult } from './common';
import { writeTransferFiles } from './transfer-files';

const COUNT = Number(process.env.QINGDU_BENCH_TRANSFER_ARTICLES ?? 20_000);
const TARGET_MS = 3000;
const STEP_TIMEOUT = 900_000;
/** A count as the dialogs write it: 20,000. */
const shown = (count: number) => count.toLocaleString('en-US');

type Api = { qingduTransferBench: TransferBenchApi };

/** Waits until the text of `selector` matches `pattern`. */
async function whenText(page: Page, selector: string, pattern: RegExp): Promise<void> {
  await page.waitForFunction(
    (sel: string, source: string) => new RegExp(source).test(document.querySelector(sel)?.textContent ?? ''),
    { timeout: STEP_TIMEOUT, polling: 50 },
    selector,
    pattern.source,
  );
}

/** Opens the library page of an empty profile and imports `file` through its dialog: plan and write times. */
async function importThrough(session: FirefoxSession, file: string, count: number): Promise<{ library: Page; planMs: number; writeMs: number }> {
  const library = await openExtensionPageSettled(session.browser, `${session.base}/library.html`);
  await library.waitForFunction(() => !document.getElementById('state-empty')?.hidden, { timeout: 30_000 });
  const input = (await library.$('#transfer-file')) as ElementHandle<HTMLInputElement>;
  let t0 = performance.now();
  await input.uploadFile(file);
  await whenText(library, '#transfer-import-dialog [data-count="added"]', new RegExp(`新增 ${shown(count)} 篇|${shown(count)} to add`));
  const planMs = performance.now() - t0;
  t0 = performance.now();
  await library.click('#transfer-import-confirm');
  await whenText(library, '#transfer-import-status', new RegExp(`新增 ${shown(count)} 篇|${shown(count)} added`));
  return { library, planMs, writeMs: performance.now() - t0 };
}

/** `importThrough` in a fresh profile of its own. */
async function importInto(file: string, count: number): Promise<{ planMs: number; writeMs: number }> {
  const build = copyFirefoxBuild();
  const session = await launchFirefox({ extensionDir: build.dir });
  try {
    const { planMs, writeMs } = await importThrough(session, file, count);
    return { planMs, writeMs };
  } finally {
    await session.close();
    build.remove();
  }
}

export async function runTransferFirefoxBench(count = COUNT): Promise<SectionResult> {
  const section = 'transfer-firefox';
  if (!existsSync(FIREFOX)) return { section, figures: {}, headlines: [], notes: [`Firefox not found at ${FIREFOX}: run npm run setup`] };
  const files = mkdtempSync(join(tmpdir(), 'qingdu-bench-ff-'));
  try {
    const { backup: backupFile, bookmarks: bookmarksFile } = await writeTransferFiles(files, count);
    const bundle = await buildBrowserBundle('transfer-entry.ts');

    // ---- the backup into an empty profile, then exports and baselines from that profile ----
    const build = copyFirefoxBuild();
    const downloads = mkdtempSync(join(tmpdir(), 'qingdu-bench-ff-dl-'));
    const session = await launchFirefox({ extensionDir: build.dir, downloadDir: downloads });
    let backupImport: { planMs: number; writeMs: number };
    const exports: Record<'backup' | 'bookmarks', number> = { backup: NaN, bookmarks: NaN };
    let raw: { exportMs: number; importMs: number; parseMs: number; layoutMs: number; layoutLinksMs: number };
    try {
      const { library, planMs, writeMs } = await importThrough(session, backupFile, count);
      backupImport = { planMs, writeMs };
      await library.$$eval('#transfer-import-dialog button', (buttons) => buttons.find((b) => /^(关闭|Close)$/.test(b.textContent?.trim() ?? ''))?.click());
      await whenText(library, '#summary', new RegExp(shown(count)));

      for (const format of ['backup', 'bookmarks'] as const) {
        await library.click('#transfer-export');
        // The dialog counts the library when it opens; let that read finish first.
        await library.waitForFunction(() => !/…/.test(document.querySelector('#transfer-export-dialog fieldset')?.textContent ?? '…'), { timeout: 60_000 });
        const t0 = performance.now();
        await library.click(`#transfer-export-dialog button[data-format="${format}"]`);
        await whenText(library, '#transfer-export-status', /已导出|Exported/);
        exports[format] = performance.now() - t0;
        await library.$$eval('#transfer-export-dialog button', (buttons) => buttons.find((b) => /^(关闭|Close)$/.test(b.textContent?.trim() ?? ''))?.click());
      }
      await library.close();

      const bench = await openExtensionPageSettled(session.browser, `${session.base}/reader.html`);
      await bench.evaluate(bundle);
      const e = await bench.evaluate(() => (window as unknown as Api).qingduTransferBench.rawExport());
      const i = await bench.evaluate(() => (window as unknown as Api).qingduTransferBench.rawImport());
      const layout = await bench.evaluate(() => (window as unknown as Api).qingduTransferBench.rawLayoutImport(false));
      const layoutLinks = await bench.evaluate(() => (window as unknown as Api).qingduTransferBench.rawLayoutImport(true));
      raw = { exportMs: e.ms, importMs: i.ms, parseMs: i.parseMs, layoutMs: layout.ms, layoutLinksMs: layoutLinks.ms };
    } finally {
      await session.close();
      build.remove();
      rmSync(downloads, { recursive: true, force: true });
    }

    // ---- the bookmarks into another empty profile ----
    const bookmarksImport = await importInto(bookmarksFile, count);

    const backupBytes = statSync(backupFile).size;
    const bookmarksBytes = statSync(bookmarksFile).size;
    const steps = [
      { name: 'export JSON backup (click → file ready)', value: exports.backup, baseline: raw.exportMs, bytes: backupBytes },
      { name: 'export Netscape HTML (click → file ready)', value: exports.bookmarks, baseline: raw.exportMs, bytes: bookmarksBytes },
      { name: 'import JSON backup (file chosen → last batch stored)', value: backupImport.planMs + backupImport.writeMs, baseline: raw.importMs, bytes: backupBytes },
      { name: 'import Netscape HTML (file chosen → last batch stored)', value: bookmarksImport.planMs + bookmarksImport.writeMs, baseline: raw.importMs, bytes: bookmarksBytes },
    ];
    table(
      `Transfer in the library page — ${count} articles (headless Firefox ESR, built extension; one run)`,
      ['step', 'Qingdu', 'baseline', 'ratio', 'target', 'file'],
      steps.map((s) => [s.name, ms(s.value, 0), ms(s.baseline, 0), ratio(s.value / s.baseline), `≤ ${TARGET_MS / 1000} s`, mb(s.bytes)]),
    );
    table('Transfer in Firefox — import phases', ['step', 'read + plan', 'write (confirm → stored)'], [
      ['import JSON backup', ms(backupImport.planMs, 0), ms(backupImport.writeMs, 0)],
      ['import Netscape HTML', ms(bookmarksImport.planMs, 0), ms(bookmarksImport.writeMs, 0)],
    ]);
    table('Transfer baselines in a Firefox extension page', ['baseline', 'time'], [
      ['getAll of the index segments + bodies (rows and packs), JSON.stringify, Blob', ms(raw.exportMs, 0)],
      ['JSON.parse of that JSON + raw puts into an empty database', ms(raw.importMs, 0)],
      ['  of which JSON.parse', ms(raw.parseMs, 0)],
      ["the same + raw puts of the rows an import writes in Qingdu's layout (segments of index rows and of search text, packs of bodies)", ms(raw.layoutMs, 0)],
      ['the same for the link-only rows of a bookmarks import (segments only, no bodies)', ms(raw.layoutLinksMs, 0)],
    ]);
    table("Imports in Firefox against raw writes of the same rows in Qingdu's layout", ['import', 'Qingdu', 'raw layout', 'ratio'], [
      ['JSON backup', ms(steps[2]!.value, 0), ms(raw.layoutMs, 0), ratio(steps[2]!.value / raw.layoutMs)],
      ['Netscape HTML', ms(steps[3]!.value, 0), ms(raw.layoutLinksMs, 0), ratio(steps[3]!.value / raw.layoutLinksMs)],
    ]);
    const headlines: Headline[] = steps.map((s) => ({
      section, name: `${s.name.replace(/ \(.*\)$/, '')} in Firefox (${count})`, value: s.value, unit: 'ms', baseline: s.baseline,
      ratio: s.value / s.baseline, target: `≤ ${TARGET_MS / 1000} s`, pass: s.value <= TARGET_MS,
    }));
    headlines.push(
      { section, name: `  backup import vs raw puts of its rows in Qingdu's layout`, value: steps[2]!.value, unit: 'ms', baseline: raw.layoutMs, ratio: steps[2]!.value / raw.layoutMs },
      { section, name: `  bookmarks import vs raw puts of its rows in Qingdu's layout`, value: steps[3]!.value, unit: 'ms', baseline: raw.layoutLinksMs, ratio: steps[3]!.value / raw.layoutLinksMs },
    );
    return { section, figures: { count, backupImport, bookmarksImport, exports, raw, backupBytes, bookmarksBytes }, headlines, notes: [] };
  } finally {
    rmSync(files, { recursive: true, force: true });
  }
}
