/**
 * Chromium with the built extension loaded (Playwright, Debian's /usr/bin/chromium).
 * Pages are answered from fixtures at their real URLs; everything else fails fast.
 */
import { chromium, expect, test as base, type BrowserContext, type LaunchOptions, type Page, type Worker } from '@playwright/test';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DIST_CHROME, HERO_PNG, PLAIN_URL, SEED_URL, plainPage, seedPage } from './pages';

export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

/** URL → HTML served by the routes; tests add their own pages before navigating. */
export type PageTable = Map<string, string>;

export function defaultPages(): PageTable {
  return new Map([
    [SEED_URL, seedPage()],
    [PLAIN_URL, plainPage()],
  ]);
}

export async function launchChromium(
  profileDir: string,
  pages: PageTable,
  /** Browser UI language (e.g. `zh-CN`), which picks the extension's strings. Default: Chromium's own. */
  lang?: string,
  /** Changes to Playwright's launch (the benchmarks leave out a default switch). */
  launch: Pick<LaunchOptions, 'ignoreDefaultArgs'> = {},
): Promise<{ context: BrowserContext; worker: Worker; extensionId: string }> {
  const context = await chromium.launchPersistentContext(profileDir, {
    ...launch,
    executablePath: CHROMIUM,
    headless: true,
    // Chromium on Linux takes its UI language (and so `i18n.getMessage`) from the environment.
    ...(lang ? { locale: lang, env: { ...process.env, LANGUAGE: lang.replace('-', '_'), LANG: `${lang.replace('-', '_')}.UTF-8` } } : {}),
    args: [
      `--disable-extensions-except=${DIST_CHROME}`,
      `--load-extension=${DIST_CHROME}`,
      '--host-resolver-rules=MAP * ~NOTFOUND , EXCLUDE localhost',
      ...(lang ? [`--lang=${lang}`] : []),
    ],
  });
  await routeFixtures(context, pages);
  const worker = context.serviceWorkers()[0] ?? (await context.waitForEvent('serviceworker'));
  const extensionId = new URL(worker.url()).host;
  return { context, worker, extensionId };
}

export async function routeFixtures(context: BrowserContext, pages: PageTable): Promise<void> {
  await context.route(/^https?:\/\//, async (route) => {
    const url = route.request().url();
    const html = pages.get(url);
    if (html !== undefined) {
      return route.fulfill({ status: 200, contentType: 'text/html; charset=utf-8', body: html });
    }
    if (/\.(png|jpe?g|gif|webp)(\?|$)|thumbor|ftimg|cloudfront|images\.ft\.com/.test(url)) {
      return route.fulfill({ status: 200, contentType: 'image/png', body: HERO_PNG });
    }
    return route.abort('internetdisconnected');
  });
}

/**
 * Open the popup for a given tab, as a click on the toolbar would: the tab is
 * made active and the popup opens as an inactive tab of the same window, so its
 * `tabs.query({active, currentWindow})` finds the article tab.
 */
export async function openPopupFor(context: BrowserContext, worker: Worker, extensionId: string, page: Page): Promise<Page> {
  const popupUrl = `chrome-extension://${extensionId}/popup.html`;
  const pageUrl = page.url();
  const opened = context.waitForEvent('page', (p) => p.url().startsWith(popupUrl));
  await worker.evaluate(
    async ({ pageUrl, popupUrl }) => {
      // URL patterns cannot name browser pages (chrome://…): fall back to the newest tab.
      const byUrl = /^https?:/.test(pageUrl) ? await chrome.tabs.query({ url: pageUrl.replace(/#.*$/, '') }) : [];
      const all: { id: number }[] = await chrome.tabs.query({});
      const tab = byUrl[0] ?? all.sort((a, b) => b.id - a.id)[0];
      if (!tab?.id) throw new Error(`no tab for ${pageUrl}`);
      await chrome.tabs.update(tab.id, { active: true });
      await chrome.tabs.create({ url: popupUrl, active: false, windowId: tab.windowId });
    },
    { pageUrl, popupUrl },
  );
  const popup = await opened;
  // Asked of the page itself: a CI run waited out its test's 60 s in waitForLoadState('domcontentloaded') for a popup
  // tab opened in the background, its log saying "networkidle" had fired.
  await popup.waitForFunction(() => document.readyState !== 'loading');
  return popup;
}

/** Open the popup on `url` and save it, as a reader would; waits for "已保存 / Saved". */
export async function saveFromPopup(context: BrowserContext, worker: Worker, extensionId: string, url: string): Promise<void> {
  const page = await context.newPage();
  await page.goto(url);
  const popup = await openPopupFor(context, worker, extensionId, page);
  await popup.getByRole('button', { name: /^(保存|Save)$/ }).click();
  await expect(popup.locator('#save')).toHaveText(/^(已保存|Saved)$/, { timeout: 20_000 });
  await popup.close();
  await page.close();
}

/** Open `url` in a tab, then the reader's preview of that tab (unsaved), as its toolbar button would; waits for the title. */
export async function previewTab(context: BrowserContext, worker: Worker, extensionId: string, url: string): Promise<{ tabId: number; reader: Page }> {
  const page = await context.newPage();
  await page.goto(url);
  const tabId = await worker.evaluate(async (u: string) => (await chrome.tabs.query({ url: u }))[0]?.id, url);
  if (tabId === undefined) throw new Error(`no tab for ${url}`);
  const reader = await context.newPage();
  await reader.goto(`chrome-extension://${extensionId}/reader.html?tab=${tabId}`);
  await expect(reader.locator('.rd-title')).not.toBeEmpty();
  return { tabId, reader };
}

export async function openLibrary(context: BrowserContext, extensionId: string): Promise<Page> {
  const page = await context.newPage();
  await page.goto(`chrome-extension://${extensionId}/library.html`);
  return page;
}

/** The library row showing `title`. */
export const libraryRow = (library: Page, title: string) =>
  library.locator('.row', { has: library.locator('.row-title', { hasText: title }) });

interface Fixtures {
  pages: PageTable;
  /** The browser's UI language for `extension`; default Chromium's own. */
  lang: string | undefined;
  profileDir: string;
  extension: { context: BrowserContext; worker: Worker; extensionId: string };
}

export const test = base.extend<Fixtures>({
  // eslint-disable-next-line no-empty-pattern
  pages: async ({}, use) => use(defaultPages()),
  lang: [undefined, { option: true }],
  // eslint-disable-next-line no-empty-pattern
  profileDir: async ({}, use) => {
    const dir = mkdtempSync(join(tmpdir(), 'qingdu-chromium-'));
    await use(dir);
    rmSync(dir, { recursive: true, force: true });
  },
  extension: async ({ profileDir, pages, lang }, use) => {
    const launched = await launchChromium(profileDir, pages, lang);
    await use(launched);
    await launched.context.close();
  },
});

export { expect };
