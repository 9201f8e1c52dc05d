import { expect, test } from '@playwright/test';
import type { Page } from 'puppeteer-core';
import { findPage, launchFirefox, openExtensionPage, servePages, type FirefoxSession } from './firefox';
import { defaultPages } from './chromium';
import { PLAIN_URL, SEED_TITLE, SEED_URL } from './pages';

let session: FirefoxSession;
test.beforeEach(async () => {
  session = await launchFirefox();
});
test.afterEach(async () => {
  await session?.close();
});

/** As a toolbar click would: the article tab active, the popup opened beside it (inactive). */
async function openPopupFor(url: string): Promise<Page> {
  const helper = await openExtensionPage(session.browser, `${session.base}/library.html`);
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
  const popup = await findPage(session.browser, popupUrl);
  return popup;
}

async function textOf(page: Page, selector: string): Promise<string> {
  await page.waitForFunction(
    (sel: string) => {
      const el = document.querySelector<HTMLElement>(sel);
      return !!el && !el.closest('[hidden]') && (el.textContent ?? '').trim() !== '';
    },
    { timeout: 15_000 },
    selector,
  );
  return page.$eval(selector, (el) => (el.textContent ?? '').trim());
}

test.describe('popup and content script (Firefox)', () => {
  test('the popup shows the FT article title and a save button; the content script waited', async () => {
    const page = await session.browser.newPage();
    await servePages(page, defaultPages());
    await page.goto(SEED_URL);
    await page.waitForFunction(() => document.querySelector('h1') !== null);
    expect(await page.evaluate(() => performance.getEntriesByName('qingdu:extract').length)).toBe(0);

    const popup = await openPopupFor(SEED_URL);
    expect(await textOf(popup, '#article-title')).toBe(SEED_TITLE);
    const label = await popup.$eval('#save', (b) => b.textContent?.trim());
    expect(label).toMatch(/^(保存|Save)$/);
    expect(await page.evaluate(() => performance.getEntriesByName('qingdu:extract').length)).toBe(1);
  });

  test('on a page with no article the popup says so', async () => {
    const page = await session.browser.newPage();
    await servePages(page, defaultPages());
    await page.goto(PLAIN_URL);
    const popup = await openPopupFor(PLAIN_URL);
    expect(await textOf(popup, '#state-empty h1')).toMatch(/没有可读的文章|No article on this page/);
    expect(await popup.$eval('#state-article', (el) => (el as HTMLElement).hidden)).toBe(true);
  });
});
