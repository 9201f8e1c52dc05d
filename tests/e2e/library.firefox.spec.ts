/**
 * Firefox: save from the popup, find the article in the library, read it from
 * storage in the reader, search by a phrase from its body, delete and undo.
 */
import { expect, test } from '@playwright/test';
import type { Page } from 'puppeteer-core';
import { defaultPages } from './chromium';
import { findPage, launchFirefox, openExtensionPage, servePages, type FirefoxSession } from './firefox';
import { SEED_TITLE, SEED_URL } from './pages';

const LEAD = '白俄罗斯总统卢卡申科声称赢得总统选举后，国内要求他下台的声浪越来越大。';
const LAST = '至少导致两人丧生、数百人受伤、近7000人被拘留的镇压行动，最初似乎平息了抗议活动。';

let session: FirefoxSession;
test.beforeEach(async () => {
  session = await launchFirefox();
});
test.afterEach(async () => {
  await session?.close();
});

/**
 * `openExtensionPage`, tried twice: Firefox's BiDi evaluate sometimes fails while
 * the new tab is still swapping from about:blank to the extension page.
 */
async function openPage(url: string): Promise<Page> {
  try {
    return await openExtensionPage(session.browser, url);
  } catch {
    return await openExtensionPage(session.browser, url);
  }
}

async function openPopupFor(url: string): Promise<Page> {
  const helper = await openPage(`${session.base}/reader.html`);
  const popupUrl = `${session.base}/popup.html`;
  await helper.evaluate(
    async (pageUrl: string, popupUrl: string) => {
      const api = (globalThis as unknown as { browser: typeof chrome }).browser;
      const [tab] = await api.tabs.query({ url: pageUrl });
      if (!tab?.id) throw new Error(`no tab for ${pageUrl}`);
      await api.tabs.update(tab.id, { active: true });
      await api.tabs.create({ url: popupUrl, active: false, windowId: tab.windowId });
    },
    url,
    popupUrl,
  );
  await helper.close();
  return findPage(session.browser, popupUrl);
}

/** Waits until `fn` (run in the page) returns something truthy, and returns it. */
async function until<T>(page: Page, fn: (arg: string) => T, arg = '', timeout = 15_000): Promise<T> {
  const handle = await page.waitForFunction(fn, { timeout }, arg);
  return (await handle.jsonValue()) as T;
}

const rowTitles = (page: Page) => page.$$eval('.row-title', (els) => els.map((el) => el.textContent ?? ''));

test('saved in Firefox: listed, read from storage, searchable, deleted and restored', async () => {
  test.setTimeout(120_000);
  const page = await session.browser.newPage();
  await servePages(page, defaultPages());
  await page.goto(SEED_URL);
  await page.waitForFunction(() => document.querySelector('h1') !== null);

  const popup = await openPopupFor(SEED_URL);
  await until(popup, () => {
    const save = document.querySelector('#save');
    return !!save && !save.closest('[hidden]');
  });
  await popup.click('#save');
  await until(popup, () => /^(已保存|Saved)$/.test(document.querySelector('#save')?.textContent?.trim() ?? ''), '', 30_000).catch(
    async (error: unknown) => {
      // Say why the save did not finish (the popup's status line), not just that it timed out.
      const status = await popup.$eval('#save-status', (el) => el.textContent).catch(() => null);
      throw new Error(`save did not finish: ${status ?? '(no status)'}`, { cause: error });
    },
  );

  const library = await openPage(`${session.base}/library.html`);
  await until(library, (title) => [...document.querySelectorAll('.row-title')].some((a) => a.textContent === title), SEED_TITLE);
  expect(await rowTitles(library)).toEqual([SEED_TITLE]);
  const href = await library.$eval('.row-title', (a) => a.getAttribute('href'));

  // The reader: text and images from storage.
  const reader = await openPage(`${session.base}/${href}`);
  await until(reader, (title) => document.querySelector('.rd-title')?.textContent === title, SEED_TITLE);
  expect(await reader.$eval('.rd-lead', (el) => el.textContent)).toContain(LEAD);
  const lastVisible = await reader.evaluate((last: string) => {
    const p = [...document.querySelectorAll<HTMLElement>('.rd-body p')].find((el) => el.textContent?.includes(last));
    p?.scrollIntoView();
    return !!p && p.getBoundingClientRect().height > 0;
  }, LAST);
  expect(lastVisible).toBe(true);
  const text = await reader.$eval('.rd-article', (el) => (el as HTMLElement).innerText);
  expect(text).not.toContain('获取更多RSS');
  // Firefox's background fetches images outside the page's request interception: each image is
  // either a stored blob that decoded, or the plain "not saved" placeholder with its retry button.
  const images = await reader.evaluate(async () => {
    const imgs = [...document.querySelectorAll<HTMLImageElement>('.rd-article img')];
    await Promise.all(imgs.map((img) => img.decode().catch(() => undefined)));
    return {
      stored: imgs.map((img) => ({ blob: img.src.startsWith('blob:'), width: img.naturalWidth })),
      missing: [...document.querySelectorAll('.rd-missing')].map((box) => !!box.querySelector('button.rd-retry')),
    };
  });
  expect(images.stored.length + images.missing.length).toBeGreaterThan(0);
  for (const img of images.stored) {
    expect(img.blob).toBe(true);
    expect(img.width).toBeGreaterThan(0);
  }
  for (const hasRetry of images.missing) expect(hasRetry).toBe(true);
  await reader.close();

  // Search by a phrase from the body.
  await library.bringToFront();
  await library.focus('#search');
  await library.type('#search', '近7000人被拘留');
  await until(library, () => /1/.test(document.querySelector('#summary')?.textContent ?? ''));
  expect(await rowTitles(library)).toEqual([SEED_TITLE]);
  await library.$eval('#search', (el) => {
    (el as HTMLInputElement).value = '没有这样的文章内容';
    el.dispatchEvent(new Event('input'));
  });
  await until(library, () => !(document.querySelector('#state-nomatch') as HTMLElement).hidden);
  await library.$eval('#search', (el) => {
    (el as HTMLInputElement).value = '';
    el.dispatchEvent(new Event('input'));
  });
  await until(library, () => document.querySelectorAll('.row').length === 1);

  // Delete, then undo.
  await library.click('.row button[data-action="delete"]');
  await until(library, () => document.querySelectorAll('.row').length === 0 && !(document.querySelector('#toast') as HTMLElement).hidden);
  await library.click('#toast-undo');
  await until(library, () => document.querySelectorAll('.row').length === 1);
  expect(await rowTitles(library)).toEqual([SEED_TITLE]);
});
