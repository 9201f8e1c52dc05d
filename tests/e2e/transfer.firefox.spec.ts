/**
 * Firefox: save an FT article, export a JSON backup from the library (a real
 * download), import it into a fresh profile with the network gone, and read
 * the article, image included, from the imported copy. And an imported
 * bookmark whose text the reader fetches on request.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, test } from '@playwright/test';
import type { ElementHandle, Page } from 'puppeteer-core';
import { defaultPages } from './chromium';
import {
  copyFirefoxBuild,
  IMAGE_HOSTS,
  launchFirefox,
  openExtensionPageSettled,
  saveFromPopup,
  startSiteServer,
  until,
  type FirefoxSession,
  type SiteServer,
} from './firefox';
import { SEED_TITLE, SEED_URL, SHARED } from './pages';

const LAST = '至少导致两人丧生、数百人受伤、近7000人被拘留的镇压行动，最初似乎平息了抗议活动。';
const HERO_URL = 'https://www.ftchinese.com/content/a84f7e35-e062-4a47-8da2-5e11efb3f05c';
const HERO_TITLE = '沃顿商学院位居英国《金融时报》影响力商学院排名榜首';
const HERO_PHRASE = '阿斯顿商学院';
const HERO_HTML = join(SHARED, 'fixtures', 'ftchinese', '2026-05-14_content_story-hero-container_ai-translated.html');

let build: ReturnType<typeof copyFirefoxBuild>;
let sites: SiteServer;
let out: string;
let session: FirefoxSession | undefined;

test.beforeEach(async () => {
  build = copyFirefoxBuild();
  sites = await startSiteServer();
  out = mkdtempSync(join(tmpdir(), 'qingdu-export-'));
});
test.afterEach(async () => {
  await session?.close();
  session = undefined;
  await sites.close();
  rmSync(out, { recursive: true, force: true });
  build.remove();
});

/** The first finished download in `dir` whose name matches, once the browser has written all of it. */
async function downloaded(dir: string, name: RegExp, timeoutMs = 15_000): Promise<string> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const files = readdirSync(dir);
    const file = files.find((f) => name.test(f));
    if (file && !files.some((f) => f.endsWith('.part'))) {
      try {
        JSON.parse(readFileSync(join(dir, file), 'utf8'));
        return join(dir, file);
      } catch {
        // still being written
      }
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  throw new Error(`no download matching ${name} in ${dir}: ${readdirSync(dir).join(', ') || '(empty)'}`);
}

const visible = (page: Page, selector: string) =>
  until(
    page,
    (sel: string) => {
      const el = document.querySelector<HTMLElement>(sel);
      return !!el && !el.closest('[hidden]') && el.getClientRects().length > 0;
    },
    selector,
  );
const textMatches = (page: Page, selector: string, pattern: RegExp) =>
  until(
    page,
    (arg: string) => {
      const [sel = '', source = ''] = JSON.parse(arg) as [string, string];
      return new RegExp(source).test(document.querySelector(sel)?.textContent ?? '');
    },
    JSON.stringify([selector, pattern.source]),
  );

test('a JSON backup exported in Firefox imports into a fresh profile and reads offline, image included', async () => {
  test.setTimeout(150_000);

  // ---- save, then export a backup ----
  session = await launchFirefox({ extensionDir: build.dir, sites, downloadDir: out });
  await saveFromPopup(session, defaultPages(), SEED_URL);
  let library = await openExtensionPageSettled(session.browser, `${session.base}/library.html`);
  await until(library, () => document.querySelectorAll('.row').length === 1);

  await library.click('#transfer-export');
  await visible(library, '#transfer-export-dialog');
  await library.click('#transfer-scope-all');
  await library.click('#transfer-export-dialog button[data-format="backup"]');
  await textMatches(library, '#transfer-export-status', /已导出|Exported/);
  const backup = await downloaded(out, /^qingdu-\d{4}-\d{2}-\d{2}-1篇\.json$/);
  const doc = JSON.parse(readFileSync(backup, 'utf8')) as { format: string; articles: { title: string }[]; images: unknown[] };
  expect(doc.format).toBe('qingdu-backup');
  expect(doc.articles.map((a) => a.title)).toEqual([SEED_TITLE]);
  expect(doc.images).toHaveLength(1);
  await session.close();
  session = undefined;

  // ---- a fresh profile, nothing on the network: import the backup ----
  sites.offline = true;
  const servedBefore = sites.served.length;
  session = await launchFirefox({ extensionDir: build.dir, sites });
  library = await openExtensionPageSettled(session.browser, `${session.base}/library.html`);
  await visible(library, '#state-empty');
  const input = (await library.$('#transfer-file')) as ElementHandle<HTMLInputElement> | null;
  expect(input).not.toBeNull();
  await input!.uploadFile(backup);
  await textMatches(library, '#transfer-import-dialog [data-count="added"]', /新增 1 篇|1 to add/);
  expect(await library.$$eval('#transfer-import-dialog [data-count="failed"]', (els) => els.length)).toBe(0);
  await library.click('#transfer-import-confirm');
  await textMatches(library, '#transfer-import-status', /新增 1 篇|1 added/);
  await library.$$eval('#transfer-import-dialog button', (buttons) =>
    buttons.find((b) => /^(关闭|Close)$/.test(b.textContent?.trim() ?? ''))?.click(),
  );
  await until(library, (title) => [...document.querySelectorAll('.row-title')].some((a) => a.textContent === title), SEED_TITLE);
  const href = await library.$eval('.row-title', (a) => a.getAttribute('href'));
  expect(href).toMatch(/^reader\.html\?id=/);

  // ---- read the imported copy ----
  const reader = await openExtensionPageSettled(session.browser, `${session.base}/${href}`);
  await until(reader, (title) => document.querySelector('.rd-title')?.textContent === title, SEED_TITLE);
  expect(await reader.$eval('.rd-article', (el) => el.textContent)).toContain(LAST);
  const images = await until(reader, () => {
    const img = document.querySelector<HTMLImageElement>('.rd-article img');
    const missing = document.querySelectorAll('.rd-missing').length;
    const loaded = !!img && img.complete && img.naturalWidth > 0;
    return loaded || missing > 0 ? { src: img?.src ?? '', width: img?.naturalWidth ?? 0, missing } : null;
  });
  expect(images?.missing, 'images shown as "not saved"').toBe(0);
  expect(images?.src).toMatch(/^blob:/);
  expect(images?.width).toBe(320);
  expect(sites.served.length).toBe(servedBefore);
});

test('an imported bookmark gets its text from the reader in Firefox, and reads offline', async () => {
  test.setTimeout(120_000);
  await sites.close();
  // The story page is served to the background's fetch through the same proxy as the images.
  sites = await startSiteServer(IMAGE_HOSTS, new Map([[HERO_URL, readFileSync(HERO_HTML, 'utf8')]]));
  session = await launchFirefox({ extensionDir: build.dir, sites });
  const file = join(out, 'bookmarks.html');
  writeFileSync(file, `<!DOCTYPE NETSCAPE-Bookmark-file-1>\n<DL><p>\n<DT><A HREF="${HERO_URL}" TAGS="通勤">FT 商学院排名</A>\n</DL>\n`);

  const library = await openExtensionPageSettled(session.browser, `${session.base}/library.html`);
  await visible(library, '#state-empty');
  const input = (await library.$('#transfer-file')) as ElementHandle<HTMLInputElement> | null;
  await input!.uploadFile(file);
  await textMatches(library, '#transfer-import-dialog [data-count="added"]', /新增 1 篇|1 to add/);
  await library.click('#transfer-import-confirm');
  await textMatches(library, '#transfer-import-status', /新增 1 篇|1 added/);
  const href = await until(library, () => document.querySelector('.row-title')?.getAttribute('href') ?? null);

  const reader = await openExtensionPageSettled(session.browser, `${session.base}/${href}`);
  await visible(reader, '#state-linkonly');
  await reader.click('#linkonly-fetch');
  await until(reader, (title) => document.querySelector('.rd-title')?.textContent === title, HERO_TITLE);
  expect(await reader.$eval('.rd-article', (el) => el.textContent)).toContain(HERO_PHRASE);
  expect(sites.served).toContain('www.ftchinese.com/content/a84f7e35-e062-4a47-8da2-5e11efb3f05c');

  // Stored: it reads again with nothing on the network.
  sites.offline = true;
  const again = await openExtensionPageSettled(session.browser, `${session.base}/${href}`);
  await until(again, (title) => document.querySelector('.rd-title')?.textContent === title, HERO_TITLE);
  expect(await again.$eval('.rd-article', (el) => el.textContent)).toContain(HERO_PHRASE);
});

