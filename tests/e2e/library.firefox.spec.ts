/**
 * Firefox: save from the popup (the background stores the article's images),
 * find the article in the library after the browser restarts with the same
 * profile, read it from storage with the network gone (byline, translator
 * credit, time, 简⇄繁, the reader's keys), search by a phrase from its body,
 * delete and undo.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, test } from '@playwright/test';
import type { Page } from 'puppeteer-core';
import { defaultPages } from './chromium';
import {
  copyFirefoxBuild,
  launchFirefox,
  openExtensionPageSettled,
  saveFromPopup,
  startSiteServer,
  until,
  type FirefoxSession,
  type SiteServer,
} from './firefox';
import { SEED_TITLE, SEED_URL } from './pages';

const LEAD = '白俄罗斯总统卢卡申科声称赢得总统选举后，国内要求他下台的声浪越来越大。';
const LAST = '至少导致两人丧生、数百人受伤、近7000人被拘留的镇压行动，最初似乎平息了抗议活动。';
const BYLINE = '英国《金融时报》 亨利•福伊 莫斯科报道';
/** The seed page's `data-time`, to the second: FT prints it as "更新于…", the time the story was updated. */
const UPDATED = '2020-08-16T22:52:26Z';
/** The title as the 简⇄繁 button shows it (Taiwan's forms). */
const SEED_TITLE_HANT = '俄羅斯表示準備軍事支持白俄羅斯';
/** The seed's one image, as FT's image host serves it. */
const HERO = 'thumbor.ftacademy.cn/unsafe/1340x754/https://thumbor.ftacademy.cn/unsafe/picture/3/000078793_piclink.jpg';

let build: ReturnType<typeof copyFirefoxBuild>;
let sites: SiteServer;
let profileDir: string;
let session: FirefoxSession | undefined;

test.beforeEach(async () => {
  build = copyFirefoxBuild();
  sites = await startSiteServer();
  profileDir = mkdtempSync(join(tmpdir(), 'qingdu-firefox-'));
});
test.afterEach(async () => {
  await session?.close();
  session = undefined;
  await sites.close();
  rmSync(profileDir, { recursive: true, force: true });
  build.remove();
});

const rowTitles = (page: Page) => page.$$eval('.row-title', (els) => els.map((el) => el.textContent ?? ''));

test('saved in Firefox: images stored, listed after a restart, read offline from storage, searchable, deleted and restored', async () => {
  test.setTimeout(150_000);
  session = await launchFirefox({ profileDir, extensionDir: build.dir, sites });
  const { uuid } = session;
  await saveFromPopup(session, defaultPages(), SEED_URL);
  // The background fetched the hero itself, at save time.
  expect(sites.served).toContain(HERO);
  let library = await openExtensionPageSettled(session.browser, `${session.base}/library.html`);
  await until(library, (title) => [...document.querySelectorAll('.row-title')].some((a) => a.textContent === title), SEED_TITLE);
  expect(await rowTitles(library)).toEqual([SEED_TITLE]);

  // ---- the same profile after a restart, with the network gone ----
  await session.close();
  session = undefined;
  sites.offline = true;
  const servedBefore = sites.served.length;
  session = await launchFirefox({ profileDir, uuid, extensionDir: build.dir, sites });
  library = await openExtensionPageSettled(session.browser, `${session.base}/library.html`);
  await until(library, (title) => [...document.querySelectorAll('.row-title')].some((a) => a.textContent === title), SEED_TITLE);
  expect(await rowTitles(library)).toEqual([SEED_TITLE]);
  const href = await library.$eval('.row-title', (a) => a.getAttribute('href'));

  // ---- the reader: text and images from storage ----
  const reader = await openExtensionPageSettled(session.browser, `${session.base}/${href}`);
  await until(reader, (title) => document.querySelector('.rd-title')?.textContent === title, SEED_TITLE);
  expect(await reader.$eval('.rd-lead', (el) => el.textContent)).toContain(LEAD);
  // Chinese commas are full-width: Firefox kerning CJK punctuation drew them half-width ("选举后, 国内").
  const comma = await reader.$eval('.rd-lead', (el) => {
    const text = el.firstChild as Text;
    const range = document.createRange();
    range.setStart(text, text.data.indexOf('，'));
    range.setEnd(text, text.data.indexOf('，') + 1);
    return range.getBoundingClientRect().width / parseFloat(getComputedStyle(el).fontSize);
  });
  expect(comma).toBeGreaterThan(0.9);
  const lastVisible = await reader.evaluate((last: string) => {
    const p = [...document.querySelectorAll<HTMLElement>('.rd-body p')].find((el) => el.textContent?.includes(last));
    p?.scrollIntoView();
    return !!p && p.getBoundingClientRect().height > 0;
  }, LAST);
  expect(lastVisible).toBe(true);
  const text = await reader.$eval('.rd-article', (el) => (el as HTMLElement).innerText);
  expect(text).not.toContain('获取更多RSS');
  expect(text).not.toMatch(/feedx/i);
  // The hero, decoded from the stored blob; an image not saved would show the "not saved" box instead.
  const images = await until(reader, () => {
    const img = document.querySelector<HTMLImageElement>('.rd-article img');
    const missing = document.querySelectorAll('.rd-missing').length;
    const loaded = !!img && img.complete && img.naturalWidth > 0;
    return loaded || missing > 0 ? { src: img?.src ?? '', width: img?.naturalWidth ?? 0, missing } : null;
  });
  expect(images?.missing, 'images shown as "not saved"').toBe(0);
  expect(images?.src).toMatch(/^blob:/);
  expect(images?.width).toBe(320);
  // Nothing was fetched again: no image host was even asked.
  expect(sites.served.length).toBe(servedBefore);
  expect(sites.refused.filter((name) => /ftacademy|ftimg|cloudfront|images\.ft\.com/.test(name))).toEqual([]);

  // ---- what generic reader modes drop: byline, translator credit, the time the page prints ----
  expect(await reader.$eval('.rd-byline', (el) => el.textContent)).toBe(BYLINE);
  expect(await reader.$eval('.rd-translator', (el) => el.textContent)).toBe('译者：何黎');
  // In a phone-wide window each keeps together, on a line of its own if need be: 译者：何黎 was cut after 何.
  await reader.setViewport({ width: 360, height: 740 });
  expect(await reader.$$eval('.rd-byline, .rd-translator', (els) => els.map((el) => el.getClientRects().length))).toEqual([1, 1]);
  await reader.setViewport({ width: 800, height: 600 });
  const time = await reader.$eval('.rd-meta time', (el) => ({ iso: (el as HTMLTimeElement).dateTime, kind: el.className, text: el.textContent ?? '' }));
  expect(time).toMatchObject({ iso: UPDATED, kind: 'rd-updated' });
  // In the browser's time zone and language: 06:52 on 17 August in Beijing, 22:52 on the 16th in UTC.
  expect(time.text).toMatch(/^2020年8月1[67]日 \d\d:52$/);

  // ---- 简⇄繁 and back to the stored text ----
  await reader.click('#convert');
  await until(reader, (title) => document.querySelector('.rd-title')?.textContent === title, SEED_TITLE_HANT);
  expect(await reader.$eval('.rd-translator', (el) => el.textContent)).toBe('譯者：何黎');
  expect(await reader.$eval('#convert', (el) => el.textContent)).toBe('简体');
  await reader.click('#convert');
  await until(reader, (title) => document.querySelector('.rd-title')?.textContent === title, SEED_TITLE);

  // ---- the keyboard: j/k scroll, +/- text size, t theme, a archive, Esc back to the list at this article ----
  await reader.evaluate(() => (document.activeElement as HTMLElement | null)?.blur());
  const fontSize = () => reader.$eval('.rd-article', (el) => getComputedStyle(el).fontSize);
  const size = await fontSize();
  await reader.keyboard.press('+');
  await until(reader, (px) => getComputedStyle(document.querySelector('.rd-article')!).fontSize === px, `${parseFloat(size) + 1}px`);
  await reader.keyboard.press('-');
  await until(reader, (px) => getComputedStyle(document.querySelector('.rd-article')!).fontSize === px, size);
  await reader.evaluate(() => window.scrollTo({ top: 0, behavior: 'instant' }));
  await reader.keyboard.press('j');
  const down = await until(reader, () => (window.scrollY > 0 ? window.scrollY : 0));
  await reader.keyboard.press('k');
  await until(reader, (y) => window.scrollY < Number(y), String(down));
  const theme = () => reader.evaluate(() => ({ name: document.documentElement.dataset.theme, bg: getComputedStyle(document.body).backgroundColor }));
  const themes = [await theme()];
  for (let i = 0; i < 2; i++) {
    const before = themes.at(-1)!.name ?? '';
    await reader.keyboard.press('t');
    await until(reader, (name) => document.documentElement.dataset.theme !== name, before);
    themes.push(await theme());
  }
  expect(themes.map((t) => t.name)).toEqual(['system', 'light', 'dark']);
  expect(themes[2]!.bg).not.toBe(themes[1]!.bg);
  // a archives the article from the reader, and a again takes it back out.
  await reader.keyboard.press('a');
  await until(reader, () => document.querySelector('.rd-footer .rd-archive')?.textContent === '移出归档');
  await reader.keyboard.press('a');
  await until(reader, () => document.querySelector('.rd-footer .rd-archive')?.textContent === '归档');
  const id = new URL(href ?? '', 'moz-extension://x/').searchParams.get('id') ?? '';
  await reader.keyboard.press('Escape');
  await until(reader, (hash) => location.pathname.endsWith('/library.html') && location.hash === hash, `#${encodeURIComponent(id)}`);
  // Back at the article's own row, with the keyboard on it.
  await until(reader, () => document.activeElement?.matches('.row.current .row-title') ?? false);
  await reader.close();

  // ---- search by a phrase from the body ----
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

  // ---- delete, then undo ----
  await library.click('.row button[data-action="delete"]');
  await until(library, () => document.querySelectorAll('.row').length === 0 && !(document.querySelector('#toast') as HTMLElement).hidden);
  await library.click('#toast-undo');
  await until(library, () => document.querySelectorAll('.row').length === 1);
  expect(await rowTitles(library)).toEqual([SEED_TITLE]);
});

// Firefox drew a native menu's label at `line-height: normal`, and a Chinese label's fallback font made the line
// taller: the filters were 34px high in the Chinese UI and 29px in English, the text low and the arrow high.
test('the library menus are as high in the Chinese UI as in the English one, and as the search field beside them', async () => {
  test.setTimeout(60_000);
  const heights: Record<string, number[]> = {};
  const search: Record<string, number> = {};
  for (const locale of ['zh-CN', 'en-US'] as const) {
    session = await launchFirefox({ extensionDir: build.dir, locale });
    const library = await openExtensionPageSettled(session.browser, `${session.base}/library.html`);
    await until(library, () => !(document.querySelector('#state-empty') as HTMLElement).hidden);
    expect(await library.evaluate(() => document.documentElement.lang)).toBe(locale);
    heights[locale] = await library.$$eval('.filters select', (els) => els.map((el) => el.getBoundingClientRect().height));
    search[locale] = await library.$eval('.search input', (el) => el.getBoundingClientRect().height);
    await session.close();
    session = undefined;
  }
  const [zh, en] = [heights['zh-CN']!, heights['en-US']!];
  expect(zh).toHaveLength(3);
  for (const [i, height] of zh.entries()) {
    expect(Math.abs(height - en[i]!), `menu ${i + 1}: ${height}px in Chinese, ${en[i]}px in English`).toBeLessThanOrEqual(1);
    // Menus were 29.5px beside a 35px search field.
    expect(Math.abs(height - search['zh-CN']!), `menu ${i + 1}: ${height}px, search ${search['zh-CN']}px`).toBeLessThanOrEqual(1);
  }
});

// Firefox's own IndexedDB with saved articles in rows of their own, folded into numbered segments every 50:
// 120 saves leave two segments and 20 rows, and the list and the search find every article across both.
test('120 saves in Firefox are all listed and found, whether folded into segments or in rows of their own', async () => {
  test.setTimeout(90_000);
  session = await launchFirefox({ extensionDir: build.dir, profileDir, locale: 'en-US' });
  const page = await openExtensionPageSettled(session.browser, `${session.base}/library.html`);
  const failures = await page.evaluate(async () => {
    const failed: string[] = [];
    for (let i = 0; i < 120; i++) {
      const url = `https://www.ftchinese.com/story/fold-${i}`;
      const article = {
        title: `第${i}篇 折叠`, url, siteName: 'FT中文网', lang: 'zh-CN', lead: null, leadImage: null, byline: null, translator: null, published: null,
        updated: null, contentHtml: `<p>正文${i} 央行</p>`, textContent: `正文${i} 央行`, length: 8, readingMinutes: 1, partial: false, fullTextUrl: null, paywalled: false,
      };
      const reply = (await (globalThis as unknown as { browser: typeof chrome }).browser.runtime.sendMessage({ type: 'library.save', data: { article } })) as { ok?: boolean };
      if (!reply?.ok) failed.push(`${i}: ${JSON.stringify(reply)}`);
    }
    return failed;
  });
  expect(failures).toEqual([]);
  const keys = await page.evaluate(async () => {
    const db = await new Promise<IDBDatabase>((resolve, reject) => {
      const open = indexedDB.open('qingdu');
      open.onsuccess = () => resolve(open.result);
      open.onerror = () => reject(open.error);
    });
    const all = await new Promise<IDBValidKey[]>((resolve) => {
      const read = db.transaction('entrySegments').objectStore('entrySegments').getAllKeys();
      read.onsuccess = () => resolve(read.result);
    });
    db.close();
    return all.map((key) => typeof key);
  });
  expect(keys.filter((k) => k === 'number')).toHaveLength(2);
  expect(keys.filter((k) => k === 'string')).toHaveLength(20);
  await page.close();

  const library = await openExtensionPageSettled(session.browser, `${session.base}/library.html`);
  await until(library, () => /120/.test(document.querySelector('.summary')?.textContent ?? ''));
  for (const [query, title] of [['第7篇', '第7篇 折叠'], ['第111篇', '第111篇 折叠']] as const) {
    await library.$eval('#search', (el) => ((el as HTMLInputElement).value = ''));
    await library.type('#search', query);
    await until(library, (t) => [...document.querySelectorAll('.row-title')].map((el) => el.textContent).join('|') === t, title);
  }
});
