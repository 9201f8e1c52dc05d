/**
 * Hostile articles in real Chromium, end to end: each page of the security
 * corpus (many cases per page) is served at an FT URL, saved from the popup,
 * found in the library and opened in the reader. Nothing may run (no
 * `__pwned` global, no dialog) in the page, popup, library or reader; nothing
 * may reach evil.example from any of them or from the service worker; the
 * reader reads from storage only; the marker sentence is shown. The saved
 * articles are then exported from the library page as bookmarks, EPUB and
 * Markdown; the downloaded files pass the export checks, and the bookmarks
 * file, opened in a tab, runs nothing and loads nothing.
 *
 * The hostile page is served with a CSP that stops its own scripts and loads,
 * so whatever still runs or reaches evil.example is the extension's doing.
 * A `<meta refresh>` in the page is the page's own navigation: it is answered
 * 204 (the page stays) and not counted against the extension.
 *
 * Ordinary (non-FT) URLs need activeTab, which a test cannot grant: the Node
 * pass (tests/unit/security) covers them through the same extraction code.
 */
import { execFileSync } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromium, type BrowserContext, type Page, type Request, type Worker } from '@playwright/test';
import { JSDOM, VirtualConsole } from 'jsdom';
import { CHROMIUM, defaultPages, expect, openPopupFor, routeFixtures, test as base } from './chromium';
import { DIST_CHROME, forgedMessages, ROOT, SEED_TITLE, SEED_URL, type ForgedMessage } from './pages';
import { findProblems } from '../security/checks';
import { allCases, buildPage, containedWith, EVIL_HOST, groupCases, type BuiltPage } from '../security/corpus';
import type { ExportFormat, FileReport } from '../security/export-files';

/**
 * The extension from a private copy of dist/chrome: a rebuild of dist while
 * this long test runs would otherwise pull pages out from under it.
 */
const test = base.extend<{ extension: { context: BrowserContext; worker: Worker; extensionId: string } }>({
  extension: async ({ profileDir }, use) => {
    const dist = mkdtempSync(join(tmpdir(), 'qingdu-dist-'));
    cpSync(DIST_CHROME, dist, { recursive: true });
    const context = await chromium.launchPersistentContext(profileDir, {
      executablePath: CHROMIUM,
      headless: true,
      args: [`--disable-extensions-except=${dist}`, `--load-extension=${dist}`, '--host-resolver-rules=MAP * ~NOTFOUND , EXCLUDE localhost'],
    });
    await routeFixtures(context, defaultPages());
    const worker = context.serviceWorkers()[0] ?? (await context.waitForEvent('serviceworker'));
    await use({ context, worker, extensionId: new URL(worker.url()).host });
    await context.close();
    rmSync(dist, { recursive: true, force: true });
  },
});

const PER_PAGE = 25;
const SHARED_PAGES = Number(process.env.QINGDU_SECURITY_PAGES ?? 20);
/** Payloads that break out of their box each get a page; a sample of them runs here too. */
const SOLO_PAGES = 12;
const CSP = "default-src 'self'; script-src 'none'; object-src 'none'; frame-src 'none'; connect-src 'none'; base-uri 'none'; form-action 'none'";

function corpusPages(): BuiltPage[] {
  const { window } = new JSDOM('', { virtualConsole: new VirtualConsole() });
  const groups = groupCases(allCases(), PER_PAGE, containedWith(new window.DOMParser()));
  const shared = groups.filter((g) => g.length > 1).slice(0, SHARED_PAGES);
  const solo = groups.filter((g) => g.length === 1);
  const step = Math.max(1, Math.floor(solo.length / SOLO_PAGES));
  const sample = solo.filter((_, i) => i % step === 0).slice(0, Math.min(SOLO_PAGES, SHARED_PAGES));
  return [...shared, ...sample].map((cases, i) => buildPage(900 + i, cases, true));
}

/** Exports the whole library in one format from the export dialog and returns the downloaded file's path. */
async function exportAll(library: Page, format: 'bookmarks' | 'epub' | 'markdown', dir: string): Promise<string> {
  await library.locator('#transfer-export').click();
  const dialog = library.locator('#transfer-export-dialog');
  await expect(dialog).toBeVisible();
  await dialog.locator('#transfer-scope-all').check();
  const downloading = library.waitForEvent('download', { timeout: 60_000 });
  await dialog.locator(`button[data-format="${format}"]`).click();
  const download = await downloading;
  const path = join(dir, download.suggestedFilename());
  await download.saveAs(path);
  await expect(dialog.locator('#transfer-export-status'), format).toHaveText(/已导出|Exported/);
  await dialog.getByRole('button', { name: /^(关闭|Close)$/ }).click();
  await expect(dialog).toBeHidden();
  return path;
}

/** The Node-side export checks on the downloaded files (they load the extraction code, so they run under tsx). */
function checkExportFiles(files: Record<ExportFormat, string>): Record<ExportFormat, FileReport> {
  const args = Object.entries(files).map(([format, path]) => `${format}=${path}`);
  const stdout = execFileSync(join(ROOT, 'node_modules', '.bin', 'tsx'), [join(ROOT, 'tests', 'security', 'export-files.ts'), ...args], {
    cwd: ROOT,
    encoding: 'utf8',
    maxBuffer: 64 << 20,
  });
  return JSON.parse(stdout) as Record<ExportFormat, FileReport>;
}

interface Seen {
  url: string;
  from: string;
}

function origin(request: Request): string {
  if (request.serviceWorker()) return 'service worker';
  try {
    return request.frame().url();
  } catch {
    return 'unknown';
  }
}

test.describe('hostile articles (Chromium)', () => {
  test.describe.configure({ timeout: 300_000 });

  test('save, list and read hostile pages: nothing runs, nothing reaches the attacker, the text survives', async ({ extension }) => {
    const { context, worker, extensionId } = extension;
    const pages = corpusPages();
    const byUrl = new Map(pages.map((p) => [p.url, p]));
    const extOrigin = `chrome-extension://${extensionId}/`;

    // Hostile pages, with a CSP that keeps the page's own markup inert.
    await context.route(/^https:\/\/cn\.ft\.com\/story\/00109/, (route) => {
      const page = byUrl.get(route.request().url());
      if (!page) return route.abort('internetdisconnected');
      return route.fulfill({ status: 200, contentType: 'text/html; charset=utf-8', headers: { 'content-security-policy': CSP }, body: page.html });
    });
    // The attacker's host: every request is recorded, none is answered.
    const evil: Seen[] = [];
    const pageNavigations: Seen[] = [];
    await context.route(new RegExp(EVIL_HOST.replace('.', '\\.')), (route) => {
      const request = route.request();
      const seen = { url: request.url(), from: origin(request) };
      if (request.isNavigationRequest() && !seen.from.startsWith(extOrigin)) {
        pageNavigations.push(seen);
        return route.fulfill({ status: 204 });
      }
      evil.push(seen);
      return route.abort('blockedbyclient');
    });

    const dialogs: string[] = [];
    const watch = (p: Page) => p.on('dialog', (d) => {
      dialogs.push(`${p.url()}: ${d.type()} ${d.message()}`);
      void d.dismiss().catch(() => undefined);
    });
    context.pages().forEach(watch);
    context.on('page', watch);

    const library = await context.newPage();
    await library.goto(`${extOrigin}library.html`);

    let casesRun = 0;
    const refused: string[] = [];
    const pwned: string[] = [];
    const readerNetwork: Seen[] = [];
    const domProblems: string[] = [];
    for (const built of pages) {
      const ids = built.cases.map((c) => c.id).join(' ');
      const page = await context.newPage();
      await page.goto(built.url);
      const popup = await openPopupFor(context, worker, extensionId, page);
      const save = popup.getByRole('button', { name: /^(保存|Save)$/ });
      const noArticle = popup.locator('#empty-detail:visible');
      await expect(save.or(noArticle), ids).toBeVisible({ timeout: 15_000 });
      if (await noArticle.isVisible()) {
        // The page's own markup swallowed its text (as in the Node pass): refusing is safe. Only lone hostile pages may do this.
        expect(built.cases.length === 1 || built.cases.some((c) => ['title', 'lead', 'page'].includes(c.context)), ids).toBe(true);
        for (const [name, p] of [['page', page], ['popup', popup]] as const) {
          const value = await p.evaluate(() => typeof (window as unknown as { __pwned?: unknown }).__pwned);
          if (value !== 'undefined') pwned.push(`${name} of ${built.url}: window.__pwned is ${value} (${ids})`);
        }
        refused.push(ids);
        casesRun += built.cases.length;
        await popup.close();
        await page.close();
        continue;
      }
      await save.click();
      await expect(popup.locator('#save'), ids).toHaveText(/^(已保存|Saved)$/, { timeout: 20_000 });

      const row = library.locator('.row', { has: library.locator('.row-title', { hasText: built.title }) });
      await expect(row, ids).toHaveCount(1);
      const href = await row.locator('.row-title').getAttribute('href');
      const reader = await context.newPage();
      reader.on('request', (r) => {
        if (!/^(chrome-extension|blob|data):/.test(r.url())) readerNetwork.push({ url: r.url(), from: `reader of ${built.url}` });
      });
      await reader.goto(`${extOrigin}${href}`);
      await expect(reader.locator('.rd-title'), ids).toContainText(built.title);
      const marker = reader.locator('.rd-body p', { hasText: built.marker });
      await marker.scrollIntoViewIfNeeded();
      await expect(marker, ids).toBeVisible();
      // Let late loads (images, media, timers) happen before looking.
      await reader.waitForTimeout(150);

      for (const [name, p] of [['page', page], ['popup', popup], ['library', library], ['reader', reader]] as const) {
        const value = await p.evaluate(() => typeof (window as unknown as { __pwned?: unknown }).__pwned);
        if (value !== 'undefined') pwned.push(`${name} of ${built.url}: window.__pwned is ${value} (${ids})`);
      }
      const problems = await reader.evaluate(
        ([check, host]) => {
          const body = document.querySelector('.rd-body');
          if (!body) return ['no .rd-body'];
          // Inspect an inert copy: nothing in it can load or run; reader chrome (placeholders) left out.
          const inert = document.implementation.createHTMLDocument('');
          const copy = inert.importNode(body, true) as Element;
          copy.removeAttribute('class');
          copy.querySelectorAll('.rd-missing').forEach((m) => m.remove());
          copy.querySelectorAll('img').forEach((img) => {
            img.removeAttribute('data-original');
            img.removeAttribute('decoding');
          });
          return (new Function(`return (${check})`)() as (root: Element, host: string) => string[])(copy, host);
        },
        [findProblems.toString(), EVIL_HOST] as const,
      );
      domProblems.push(...problems.map((p) => `${built.url} (${ids.slice(0, 80)}…): ${p}`));
      casesRun += built.cases.length;
      await reader.close();
      await popup.close();
      await page.close();
    }

    // Everything saved, exported once from the library page: the files a reader downloads.
    const saved = pages.length - refused.length;
    const out = mkdtempSync(join(tmpdir(), 'qingdu-security-export-'));
    const exportProblems: string[] = [];
    const bookmarksPath = await exportAll(library, 'bookmarks', out);
    const files: Record<ExportFormat, string> = { bookmarks: bookmarksPath, epub: await exportAll(library, 'epub', out), markdown: await exportAll(library, 'markdown', out) };
    const { bookmarks, epub, markdown } = checkExportFiles(files);
    for (const [format, report] of [['bookmarks', bookmarks], ['epub', epub], ['markdown', markdown]] as const) {
      exportProblems.push(...report.problems.map((p) => `${format}: ${p}`));
    }

    // The bookmarks file opened as a page: everything it asks the network for is recorded and refused.
    const bookmarksNetwork: Seen[] = [];
    const opened = await context.newPage();
    opened.on('request', (r) => {
      if (!r.url().startsWith('file:')) bookmarksNetwork.push({ url: r.url(), from: 'bookmarks file' });
    });
    await opened.route(/^(?!file:)/, (route) => route.abort('blockedbyclient'));
    await opened.goto(pathToFileURL(bookmarksPath).href);
    await expect(opened.locator('a[href]')).toHaveCount(bookmarks.checked);
    await opened.waitForTimeout(300);
    for (const [name, p] of [['bookmarks file', opened], ['library after export', library]] as const) {
      const value = await p.evaluate(() => typeof (window as unknown as { __pwned?: unknown }).__pwned);
      if (value !== 'undefined') pwned.push(`${name}: window.__pwned is ${value}`);
    }
    await opened.close();
    rmSync(out, { recursive: true, force: true });

    // Late requests from the worker (image fetches) have had time to land.
    await new Promise((resolve) => setTimeout(resolve, 500));
    console.log(
      `security corpus (Chromium): ${casesRun} cases on ${pages.length} pages (${refused.length} refused as no article, the rest saved and read); ` +
        `${evil.length} extension requests to ${EVIL_HOST}, ${pageNavigations.length} page navigations there (answered 204), ` +
        `${dialogs.length} dialogs, ${readerNetwork.length} reader requests to the web; ` +
        `exported ${bookmarks.checked} bookmarks, ${epub.checked} EPUB (X)HTML files, ${markdown.checked} Markdown files: ` +
        `${exportProblems.length} export problems, ${bookmarksNetwork.length} requests from the opened bookmarks file`,
    );
    expect(bookmarks.checked).toBe(saved);
    expect(epub.checked).toBeGreaterThanOrEqual(saved);
    // One file per article and the reading list.
    expect(markdown.checked).toBe(saved + 1);
    expect(exportProblems).toEqual([]);
    expect(bookmarksNetwork).toEqual([]);
    if (!process.env.QINGDU_SECURITY_PAGES) expect(casesRun).toBeGreaterThanOrEqual(500);
    expect(pwned).toEqual([]);
    expect(dialogs).toEqual([]);
    expect(evil).toEqual([]);
    expect(readerNetwork).toEqual([]);
    expect(domProblems).toEqual([]);
    await expect(library.locator('#summary')).toHaveText(new RegExp(String(saved)));
    await closeAll(context);
  });
});

test.describe('messages from web pages and content scripts (Chromium)', () => {
  test('a web page cannot reach the background, and a content script cannot write to the library', async ({ extension }) => {
    const { context, worker, extensionId } = extension;
    const manifest = JSON.parse(readFileSync(join(DIST_CHROME, 'manifest.json'), 'utf8')) as Record<string, unknown>;
    expect(manifest.manifest_version).toBe(3);
    expect(manifest.externally_connectable).toBeUndefined();

    // Save the seed story from the popup, as a reader would.
    const page = await context.newPage();
    await page.goto(SEED_URL);
    const popup = await openPopupFor(context, worker, extensionId, page);
    await popup.getByRole('button', { name: /^(保存|Save)$/ }).click();
    await expect(popup.locator('#save')).toHaveText(/^(已保存|Saved)$/, { timeout: 20_000 });
    const library = await context.newPage();
    await library.goto(`chrome-extension://${extensionId}/library.html`);
    const row = library.locator('.row', { has: library.locator('.row-title', { hasText: SEED_TITLE }) });
    await expect(row).toHaveCount(1);
    const id = (await row.getAttribute('data-id')) ?? '';
    expect(id).not.toBe('');

    // The page's own world: no runtime to message us with, and window messages go nowhere.
    const fromPage = await page.evaluate(async ({ id, extensionId }) => {
      const c = (window as unknown as { chrome?: { runtime?: { sendMessage?: unknown; connect?: unknown } } }).chrome;
      const kinds = { sendMessage: typeof c?.runtime?.sendMessage, connect: typeof c?.runtime?.connect };
      let answered = false;
      window.addEventListener('message', (e) => {
        if (e.source !== window || (e.data as { type?: string })?.type === undefined) answered = true;
      });
      for (const type of ['library.delete', 'content.extract', 'library.save']) {
        window.postMessage({ type, data: { id, records: [], article: {} } }, '*');
        window.postMessage({ type, data: { id }, extensionId }, location.origin);
      }
      await new Promise((resolve) => setTimeout(resolve, 300));
      return { kinds, answered };
    }, { id, extensionId });
    expect(fromPage.kinds).toEqual({ sendMessage: 'undefined', connect: 'undefined' });
    expect(fromPage.answered).toBe(false);

    // The content script's isolated world: it shares our id, but the background only serves extension pages.
    const attempts = await worker.evaluate(async ({ pageUrl, messages }) => {
      const [tab] = await chrome.tabs.query({ url: pageUrl });
      if (!tab?.id) throw new Error('no tab');
      const [injection] = await chrome.scripting.executeScript({
        target: { tabId: tab.id },
        world: 'ISOLATED',
        args: [messages],
        func: async (messages: ForgedMessage[]) => {
          const out: string[] = [];
          for (const m of messages) {
            try {
              out.push(`${m.type}: ${JSON.stringify(await chrome.runtime.sendMessage(m)) ?? 'no answer'}`);
            } catch (e) {
              out.push(`${m.type}: refused (${e instanceof Error ? e.message : String(e)})`);
            }
          }
          return out;
        },
      });
      return injection?.result as string[];
    }, { pageUrl: SEED_URL, messages: forgedMessages(id) });
    for (const line of attempts) expect(line).toMatch(/: (refused|no answer)/);

    // Still there, unchanged, and nothing forged was added.
    await library.reload();
    await expect(row).toHaveCount(1);
    await expect(row.locator('.badge')).not.toHaveText(/归档|Archived/);
    await expect(library.locator('.row')).toHaveCount(1);
    await closeAll(context);
  });
});

test.describe('what the background stores (Chromium)', () => {
  // A content script runs in the web page's process, and its article reaches the background by way of the popup:
  // the service worker, which has no DOM, sanitizes it again in its offscreen document before storing it.
  test('an article sent to be saved is stored sanitized, and the library lists it', async ({ extension }) => {
    const { context, extensionId } = extension;
    const library = await context.newPage();
    await library.goto(`chrome-extension://${extensionId}/library.html`);
    const url = 'https://example.com/forged-body';
    const contentHtml = '<p>伪造的正文</p><img src="https://evil.example/a.png" onerror="window.__pwned=1"><script>window.__pwned=2</script><p><a href="javascript:alert(1)">链接</a></p>';
    const { reply, stored } = await library.evaluate(async ({ url, contentHtml }) => {
      const article = {
        title: '伪造的文章', url, siteName: null, lang: 'zh-CN', lead: null, leadImage: null, byline: null, translator: null, published: null, updated: null,
        contentHtml, textContent: '伪造的正文 链接', length: 8, readingMinutes: 1, partial: false, fullTextUrl: null, paywalled: false,
      };
      const reply = (await chrome.runtime.sendMessage({ type: 'library.save', data: { article } })) as { ok: boolean; entry?: { id: string } };
      const db = await new Promise<IDBDatabase>((resolve, reject) => {
        const open = indexedDB.open('qingdu');
        open.onsuccess = () => resolve(open.result);
        open.onerror = () => reject(open.error);
      });
      const row = await new Promise<{ contentHtml?: string } | undefined>((resolve) => {
        const read = db.transaction('bodies').objectStore('bodies').get(reply.entry?.id ?? '');
        read.onsuccess = () => resolve(read.result as { contentHtml?: string } | undefined);
      });
      db.close();
      return { reply, stored: row?.contentHtml ?? null };
    }, { url, contentHtml });
    expect(reply.ok).toBe(true);
    expect(stored).toContain('伪造的正文');
    expect(stored).toContain('链接');
    expect(stored).not.toMatch(/onerror|<script|javascript:/);
    await library.reload();
    await expect(library.locator('.row-title', { hasText: '伪造的文章' })).toHaveCount(1);
    await closeAll(context);
  });
});

async function closeAll(context: BrowserContext): Promise<void> {
  for (const p of context.pages()) await p.close().catch(() => undefined);
}

test.describe('what a web page sees of Qingdu (Chromium)', () => {
  test('reading a page leaves nothing in its performance timeline', async ({ extension }) => {
    const { context, worker, extensionId } = extension;
    const page = await context.newPage();
    // The page's own script, in its own world: it watches for marks and measures from the start, as a page could.
    await page.addInitScript(() => {
      const seen: string[] = [];
      (window as unknown as { __seen: string[] }).__seen = seen;
      new PerformanceObserver((list) => seen.push(...list.getEntries().map((e) => `${e.entryType} ${e.name}`))).observe({ entryTypes: ['mark', 'measure'] });
    });
    await page.goto(SEED_URL);
    const popup = await openPopupFor(context, worker, extensionId, page);
    // The popup has the article: the content script has read the page.
    await expect(popup.locator('#article-title')).toHaveText(SEED_TITLE, { timeout: 15_000 });
    const seen = await page.evaluate(async () => {
      await new Promise((resolve) => setTimeout(resolve, 100));
      const timeline = performance.getEntries().filter((e) => e.entryType === 'mark' || e.entryType === 'measure');
      return [...(window as unknown as { __seen: string[] }).__seen, ...timeline.map((e) => `${e.entryType} ${e.name}`)];
    });
    expect(seen).toEqual([]);
    await closeAll(context);
  });
});
