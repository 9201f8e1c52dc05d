import { expect, test } from '@playwright/test';
import type { Page } from 'puppeteer-core';
import { launchFirefox, openPopupFor, servePages, type FirefoxSession } from './firefox';
import { defaultPages } from './chromium';
import { PLAIN_URL, SEED_TITLE, SEED_URL, seedPage } from './pages';

let session: FirefoxSession;
test.beforeEach(async () => {
  session = await launchFirefox();
});
test.afterEach(async () => {
  await session?.close();
});

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
  test('the popup shows the FT article title and a save button; the page sees nothing of the work', async () => {
    const page = await session.browser.newPage();
    await servePages(page, defaultPages());
    await page.goto(SEED_URL);
    await page.waitForFunction(() => document.querySelector('h1') !== null);

    const popup = await openPopupFor(session, SEED_URL);
    expect(await textOf(popup, '#article-title')).toBe(SEED_TITLE);
    const label = await popup.$eval('#save', (b) => b.textContent?.trim());
    expect(label).toBe('保存');
    // The page sees nothing of the work: no marks or measures in its performance timeline.
    expect(await page.evaluate(() => performance.getEntries().filter((e) => e.entryType === 'mark' || e.entryType === 'measure').map((e) => e.name))).toEqual([]);
  });

  test('a page that names an element like the content script\'s marker is still read', async () => {
    const url = 'https://cn.ft.com/story/001088998?clobbered';
    const pages = defaultPages();
    pages.set(url, seedPage().replace('<body>', '<body><div id="__qingduContentReady"></div>'));
    const page = await session.browser.newPage();
    await servePages(page, pages);
    await page.goto(url);
    await page.waitForFunction(() => document.querySelector('h1') !== null);
    const popup = await openPopupFor(session, url);
    expect(await textOf(popup, '#article-title')).toBe(SEED_TITLE);
  });

  test('on a page with no article the popup says so', async () => {
    const page = await session.browser.newPage();
    await servePages(page, defaultPages());
    await page.goto(PLAIN_URL);
    const popup = await openPopupFor(session, PLAIN_URL);
    expect(await textOf(popup, '#state-empty h1')).toBe('这个页面没有可读的文章');
    expect(await popup.$eval('#state-article', (el) => (el as HTMLElement).hidden)).toBe(true);
  });
});

test.describe('popup in an English Firefox', () => {
  test('the same popup speaks English', async () => {
    await session.close();
    session = await launchFirefox({ locale: 'en-US' });
    const page = await session.browser.newPage();
    await servePages(page, defaultPages());
    await page.goto(SEED_URL);
    const popup = await openPopupFor(session, SEED_URL);
    expect(await textOf(popup, '#article-title')).toBe(SEED_TITLE);
    expect(await popup.$eval('#save', (b) => b.textContent?.trim())).toBe('Save');
  });
});
