/**
 * Firefox ESR with the built extension (puppeteer-core over WebDriver BiDi,
 * Debian's /usr/bin/firefox-esr, installed as a temporary add-on).
 */
import { randomUUID } from 'node:crypto';
import puppeteer, { type Browser, type Page } from 'puppeteer-core';
import { DIST_FIREFOX, HERO_PNG } from './pages';
import type { PageTable } from './chromium';

export const FIREFOX = process.env.FIREFOX_PATH ?? '/usr/bin/firefox-esr';
export const GECKO_ID = 'qingdu@qingdu.app';

export interface FirefoxSession {
  browser: Browser;
  base: string;
  close(): Promise<void>;
}

export async function launchFirefox(): Promise<FirefoxSession> {
  const uuid = randomUUID();
  const browser = await puppeteer.launch({
    browser: 'firefox',
    executablePath: FIREFOX,
    headless: true,
    args: ['--remote-allow-system-access'],
    extraPrefsFirefox: {
      'extensions.webextensions.uuids': JSON.stringify({ [GECKO_ID]: uuid }),
      // Locale of the UI strings: Chinese, as most of our readers use.
      'intl.locale.requested': 'zh-CN',
    },
  });
  await browser.installExtension(DIST_FIREFOX);
  return { browser, base: `moz-extension://${uuid}`, close: () => browser.close() };
}

/** Answer every request from the fixture table; nothing reaches the network. */
export async function servePages(page: Page, pages: PageTable): Promise<void> {
  await page.setRequestInterception(true);
  page.on('request', (request) => {
    const url = request.url();
    if (!/^https?:/.test(url)) return void request.continue();
    const html = pages.get(url);
    if (html !== undefined) {
      return void request.respond({ status: 200, contentType: 'text/html; charset=utf-8', body: html });
    }
    if (/\.(png|jpe?g|gif|webp)(\?|$)|thumbor|ftimg|cloudfront|images\.ft\.com/.test(url)) {
      return void request.respond({ status: 200, contentType: 'image/png', body: HERO_PNG });
    }
    return void request.abort('internetdisconnected');
  });
}

/** Extension pages never resolve `goto` under BiDi: navigate without waiting, then wait for the DOM. */
export async function openExtensionPage(browser: Browser, url: string): Promise<Page> {
  const page = await browser.newPage();
  void page.goto(url).catch(() => undefined);
  await page.waitForFunction((expected) => location.href.startsWith(expected) && document.readyState !== 'loading', {}, url);
  return page;
}

/**
 * Find an open page by its real location. Under BiDi, puppeteer reports
 * extension pages as about:blank, so ask each page where it is.
 */
export async function findPage(browser: Browser, prefix: string, timeoutMs = 15_000): Promise<Page> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    for (const page of await browser.pages()) {
      const href = await page.evaluate(() => location.href).catch(() => '');
      if (href.startsWith(prefix)) {
        await page.waitForFunction(() => document.readyState !== 'loading');
        return page;
      }
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  throw new Error(`no page at ${prefix}`);
}
