/**
 * Hostile articles and forged messages in Firefox.
 *
 * The security corpus's payloads reach storage two ways: through a hostile FT
 * page saved from the popup (the content script extracts and sanitizes in
 * Firefox), and saved by an extension page with markup in every field, their
 * bodies then written back unsanitized into storage (the background sanitizes
 * what it saves, but storage and imports are not trusted: the reader sanitizes
 * again). The library lists
 * them and the reader opens each: nothing may run (no `__pwned` global, no
 * dialog), nothing may reach evil.example (every request the browser makes
 * goes through the site server, which records and refuses it), and no page may
 * navigate away. Then a web page and a content script try to change the
 * library by message, and are refused.
 */
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
import { forgedMessages, SEED_TITLE, SEED_URL, type ForgedMessage } from './pages';
import { findProblems, findStringProblems } from '../security/checks';
import { allCases, buildPage, containedWith, EVIL, EVIL_HOST, markerOf, PWN, type SecurityCase } from '../security/corpus';

/** The hostile page's own markup stays inert: whatever runs or loads is the extension's doing. */
const CSP = "default-src 'self'; script-src 'none'; object-src 'none'; frame-src 'none'; connect-src 'none'; base-uri 'none'; form-action 'none'";
/** Payloads that break out of their box get an article of their own: this many of them, spread over the corpus. */
const SOLO_SAMPLE = 6;
const END = '清读安全结尾：这一句在所有内容之后。';

let build: ReturnType<typeof copyFirefoxBuild>;
let sites: SiteServer;
let session: FirefoxSession | undefined;

test.beforeEach(async () => {
  build = copyFirefoxBuild();
  sites = await startSiteServer();
  session = await launchFirefox({ extensionDir: build.dir, sites });
});
test.afterEach(async () => {
  await session?.close();
  session = undefined;
  await sites.close();
  build.remove();
});

const evilRequests = () => sites.refused.filter((name) => name.includes(EVIL_HOST));

/**
 * The corpus: the cases whose payload stays in its box (one page or article holds them all), and one case for
 * each payload that does not (an unclosed `<textarea>` swallows what follows: each gets an article of its own).
 * Containment is judged by the browser's own parser, in `page`.
 */
async function corpus(page: Page): Promise<{ contained: SecurityCase[]; solo: SecurityCase[] }> {
  const cases = allCases();
  const flags = await page.evaluate(
    (source: string, payloads: string[]) => {
      const isContained = (new Function(`return (${source})`)() as (parser: DOMParser) => (payload: string) => boolean)(new DOMParser());
      return payloads.map(isContained);
    },
    containedWith.toString(),
    cases.map((c) => c.payload),
  );
  const contained: SecurityCase[] = [];
  const solo = new Map<string, SecurityCase>();
  cases.forEach((c, i) => {
    if (c.context === 'attr' || flags[i]) contained.push(c);
    else if (!solo.has(c.payload)) solo.set(c.payload, c);
  });
  return { contained, solo: [...solo.values()] };
}

interface RawArticle {
  title: string;
  url: string;
  marker: string;
  article: Record<string, unknown>;
}

function rawArticle(n: number, body: string, fields: Record<string, string | null> = {}): RawArticle {
  const marker = markerOf(n);
  const title = `安全测试 ${n}`;
  const url = `https://cn.ft.com/story/00108${String(n).padStart(4, '0')}`;
  const contentHtml = `<p>${marker}</p>\n${body}\n<p>${END}</p>`;
  return {
    title: fields.title ?? title,
    url,
    marker,
    article: {
      title, url, siteName: null, lang: 'zh-CN', lead: null, leadImage: null, byline: null, translator: null, published: '2025-06-15T00:00:00.000Z',
      updated: null, contentHtml, textContent: `${marker} ${END}`, length: 400, readingMinutes: 1, partial: false, fullTextUrl: null, paywalled: false,
      ...fields,
    },
  };
}

/**
 * Problems by the corpus's own checks, in `page`: in `html` parsed by DOMParser (which loads and runs nothing),
 * or else in an inert copy of the reader's body, with the reader's own chrome (image placeholders) left out.
 */
function problemsIn(page: Page, html: string | null = null): Promise<string[]> {
  return page.evaluate(
    (check: string, host: string, html: string | null) => {
      const findProblems = new Function(`return (${check})`)() as (root: Element, host: string) => string[];
      if (html !== null) return findProblems(new DOMParser().parseFromString(html, 'text/html').body, host);
      const body = document.querySelector('.rd-body');
      if (!body) return ['no .rd-body'];
      const copy = document.implementation.createHTMLDocument('').importNode(body, true);
      copy.removeAttribute('class');
      copy.querySelectorAll('.rd-missing').forEach((m) => m.remove());
      copy.querySelectorAll('img').forEach((img) => {
        img.removeAttribute('data-original');
        img.removeAttribute('decoding');
      });
      return findProblems(copy, host);
    },
    findProblems.toString(),
    EVIL_HOST,
    html,
  );
}

const pwnedIn = (page: Page) => page.evaluate(() => typeof (window as unknown as { __pwned?: unknown }).__pwned);

test('hostile articles in Firefox: saved, listed and read, nothing runs, nothing reaches the attacker, no page navigates', async () => {
  const s = session!;
  const dialogs: string[] = [];
  const watch = (page: Page, name: string) =>
    page.on('dialog', (dialog) => {
      dialogs.push(`${name}: ${dialog.type()} ${dialog.message()}`);
      void dialog.dismiss().catch(() => undefined);
    });
  const library = await openExtensionPageSettled(s.browser, `${s.base}/library.html`);
  watch(library, 'library');
  const { contained, solo } = await corpus(library);

  // ---- through the popup: a hostile FT page, extracted and sanitized by the content script ----
  // A refresh in the page would take the tab, and its content script, away before the save: those payloads are among
  // the ones written as they are, below.
  const inPage = contained.filter((c) => !/http-equiv\s*=\s*["']?refresh/i.test(c.payload));
  // The page has one headline, one standfirst and one head: one case of each, and every case for the body.
  const onePerPage = ['title', 'lead', 'page'].map((ctx) => inPage.find((c) => c.context === ctx)!);
  // The body's cases in their plain context only (the other contexts repeat the same payloads): the sanitizer sees each once.
  const built = buildPage(1, [...inPage.filter((c) => c.context === 'body'), ...onePerPage], true);
  await saveFromPopup(s, new Map([...defaultPages(), [built.url, built.html]]), built.url, { headers: { 'content-security-policy': CSP } });

  // ---- written as they are: the payloads that stay in their box in one article's body, a sample of the others in
  // articles of their own, and markup in every field the library and reader show ----
  const hostile = (where: string) => `<img src="${EVIL}/${where}.png" onerror="${PWN}(1)"><svg onload=${PWN}(1)>`;
  const everything = rawArticle(
    2,
    [...new Set(contained.filter((c) => c.context !== 'attr').map((c) => c.payload))].map((payload) => `<div>${payload}</div>`).join('\n'),
    { title: `安全测试 2 ${hostile('title')}`, siteName: hostile('site'), byline: hostile('byline'), translator: hostile('translator'), lead: hostile('lead'), leadImage: `${EVIL}/hero.png` },
  );
  const step = Math.max(1, Math.floor(solo.length / SOLO_SAMPLE));
  const alone = solo.filter((_, i) => i % step === 0).slice(0, SOLO_SAMPLE).map((c, i) => rawArticle(3 + i, c.payload));
  const raw = [everything, ...alone];
  const replies = await library.evaluate(
    async (articles: Record<string, unknown>[], tag: string) => {
      const runtime = (globalThis as unknown as { browser: typeof chrome }).browser.runtime;
      const out: string[] = [];
      const saved = new Map<string, Record<string, unknown>>();
      for (const article of articles) {
        const reply = (await runtime.sendMessage({ type: 'library.save', data: { article } })) as { ok?: boolean; entry?: { id: string } };
        if (!reply?.ok || !reply.entry) out.push(JSON.stringify(reply));
        else saved.set(reply.entry.id, article);
        if (reply?.entry && article.url === articles[0]!.url) await runtime.sendMessage({ type: 'library.update', data: { id: reply.entry.id, patch: { tags: [tag] } } });
      }
      // The background sanitized each body it saved: each row gets its hostile body back, as a damaged or forged profile would hold it.
      const db = await new Promise<IDBDatabase>((resolve, reject) => {
        const open = indexedDB.open('qingdu');
        open.onsuccess = () => resolve(open.result);
        open.onerror = () => reject(open.error);
      });
      const tx = db.transaction('bodies', 'readwrite');
      for (const [id, article] of saved) tx.objectStore('bodies').put(article, id);
      await new Promise((resolve, reject) => {
        tx.oncomplete = resolve;
        tx.onerror = () => reject(tx.error);
      });
      // Read back: the reader below gets these bodies as they are.
      for (const [id, article] of saved) {
        const row = await new Promise<{ contentHtml?: string } | undefined>((resolve) => {
          const read = db.transaction('bodies').objectStore('bodies').get(id);
          read.onsuccess = () => resolve(read.result as { contentHtml?: string } | undefined);
        });
        if (row?.contentHtml !== article.contentHtml) out.push(`${id}: the raw body was not written back`);
      }
      db.close();
      return out;
    },
    raw.map((r) => r.article),
    hostile('tag'),
  );
  expect(replies).toEqual([]);
  // What the popup's save stored went through the content script's sanitizer.
  const stored = await library.evaluate(async (url: string) => {
    const db = await new Promise<IDBDatabase>((resolve, reject) => {
      const open = indexedDB.open('qingdu');
      open.onsuccess = () => resolve(open.result);
      open.onerror = () => reject(open.error);
    });
    const all = await new Promise<{ url: string; contentHtml: string }[]>((resolve) => {
      const read = db.transaction('bodies').objectStore('bodies').getAll();
      read.onsuccess = () => resolve(read.result as { url: string; contentHtml: string }[]);
    });
    db.close();
    return all.find((a) => a.url === url)?.contentHtml ?? null;
  }, built.url);
  expect(stored).toContain(built.marker);
  expect([...(await problemsIn(library, stored)), ...findStringProblems(stored ?? '', EVIL_HOST)]).toEqual([]);

  // From here on the extension's pages have everything from storage: none of them may ask the attacker for anything.
  const before = evilRequests().length;
  const titles = [built.title, ...raw.map((r) => r.title)];
  await until(library, (n) => document.querySelectorAll('.row').length === Number(n), String(titles.length));
  const rows = await library.$$eval('.row-title', (els) => els.map((el) => el.textContent ?? ''));
  // The page's headline keeps the text of the payload in it.
  expect(rows.map((row) => (row.startsWith(built.title) ? built.title : row)).sort()).toEqual([...titles].sort());
  // The fields are shown as text: the library made every element in its list itself.
  const listed = await library.evaluate(() => ({
    tags: [...new Set([...document.querySelectorAll('#list *')].map((el) => el.localName))].sort(),
    text: document.querySelector('#list')?.textContent ?? '',
  }));
  expect(listed.tags.filter((tag) => !['a', 'button', 'div', 'input', 'span', 'time'].includes(tag))).toEqual([]);
  expect(listed.text).toContain(hostile('site'));
  expect(listed.text).toContain(`#${hostile('tag')}`);

  const hrefs = await library.$$eval('.row-title', (els) => els.map((el) => [el.textContent ?? '', el.getAttribute('href') ?? ''] as const));
  const readers: { title: string; url: string; reader: Page }[] = [];
  for (const [title, href] of hrefs) {
    const marker = title.startsWith(built.title) ? built.marker : raw.find((r) => r.title === title)!.marker;
    const url = `${s.base}/${href}`;
    const reader = await openExtensionPageSettled(s.browser, url);
    watch(reader, title);
    // Shown, or gone elsewhere (reported below).
    await reader.waitForFunction(
      (text: string, at: string) => location.href !== at || (document.querySelector('.rd-body')?.textContent ?? '').includes(text),
      { timeout: 5_000 },
      marker,
      url,
    ).catch(async (error: unknown) => {
      // Say what the reader shows instead: its state and the start of its text.
      const looking = reader.evaluate(() => `${document.querySelector('[id^=state-]:not([hidden])')?.id ?? 'no state'}: ${(document.querySelector('.rd-body, #error-detail')?.textContent ?? '').slice(0, 200)}`);
      const shown = await Promise.race([looking, new Promise<string>((resolve) => setTimeout(resolve, 3_000, 'no answer'))]).catch(() => 'page unreachable');
      throw new Error(`the reader of "${title}" did not show its text (${shown})`, { cause: error });
    });
    readers.push({ title, url, reader });
  }
  // Let late loads (images, media, refreshes) happen before looking.
  await new Promise((resolve) => setTimeout(resolve, 300));
  const problems: string[] = [];
  for (const { title, url, reader } of readers) {
    problems.push(...(await problemsIn(reader)).map((p) => `${title}: ${p}`));
    if ((await pwnedIn(reader)) !== 'undefined') problems.push(`${title}: window.__pwned set in the reader`);
    if ((await reader.evaluate(() => location.href)) !== url) problems.push(`${title}: the reader navigated away`);
  }
  expect(problems).toEqual([]);
  expect(await pwnedIn(library)).toBe('undefined');
  expect(await library.evaluate(() => location.pathname)).toBe('/library.html');
  expect(dialogs).toEqual([]);
  expect(evilRequests().slice(before)).toEqual([]);

  const reader = readers.find((r) => r.title === everything.title)!.reader;
  // Nothing in the article with every contained payload swallowed the text after it.
  expect(await reader.$eval('.rd-body', (el) => el.textContent)).toContain(END);
  // Each field is text where the reader shows it.
  const shown = await reader.evaluate(() =>
    ['.rd-title', '.rd-site', '.rd-byline', '.rd-translator', '.rd-lead'].map((sel) => {
      const el = document.querySelector(sel);
      return el ? `${el.textContent ?? ''} (${el.children.length} elements)` : `no ${sel}`;
    }),
  );
  expect(shown).toEqual(
    [everything.title, hostile('site'), hostile('byline'), `译者：${hostile('translator')}`, hostile('lead')].map((text) => `${text} (0 elements)`),
  );
  // The hero was never saved: a placeholder, not the attacker's address.
  expect(await reader.$$eval('.rd-missing', (els) => els.map((el) => (el as HTMLElement).dataset.url))).toContain(`${EVIL}/hero.png`);
});

test('a web page cannot reach the background in Firefox, and a content script cannot write to the library', async () => {
  const s = session!;
  const page = (await saveFromPopup(s, defaultPages(), SEED_URL, { keepTab: true }))!;
  const library = await openExtensionPageSettled(s.browser, `${s.base}/library.html`);
  await until(library, (title) => [...document.querySelectorAll('.row-title')].some((a) => a.textContent === title), SEED_TITLE);
  const id = await library.$eval('.row', (row) => (row as HTMLElement).dataset.id ?? '');
  expect(id).not.toBe('');

  // The page's own world: no extension API to message us with, and window messages go nowhere.
  const fromPage = await page.evaluate(async (id: string) => {
    const w = window as unknown as { browser?: { runtime?: unknown }; chrome?: { runtime?: { sendMessage?: unknown } } };
    const kinds = { browser: typeof w.browser?.runtime, chrome: typeof w.chrome?.runtime?.sendMessage };
    let answered = false;
    window.addEventListener('message', (e) => {
      if (e.source !== window || (e.data as { type?: string })?.type === undefined) answered = true;
    });
    for (const type of ['library.delete', 'content.extract', 'library.save']) window.postMessage({ type, data: { id, article: {} } }, '*');
    await new Promise((resolve) => setTimeout(resolve, 300));
    return { kinds, answered };
  }, id);
  expect(fromPage.kinds).toEqual({ browser: 'undefined', chrome: 'undefined' });
  expect(fromPage.answered).toBe(false);

  // The content script's world: it shares our id, but the background serves only extension pages.
  const attempts = await library.evaluate(
    async (pageUrl: string, messages: ForgedMessage[]) => {
      const api = (globalThis as unknown as { browser: typeof chrome }).browser;
      const [tab] = await api.tabs.query({ url: pageUrl });
      if (!tab?.id) throw new Error('no tab');
      const [injection] = await api.scripting.executeScript({
        target: { tabId: tab.id },
        args: [messages],
        func: async (messages: ForgedMessage[]) => {
          const runtime = (globalThis as unknown as { browser: typeof chrome }).browser.runtime;
          const out: string[] = [];
          for (const m of messages) {
            try {
              out.push(`${m.type}: ${JSON.stringify(await runtime.sendMessage(m)) ?? 'no answer'}`);
            } catch (e) {
              out.push(`${m.type}: refused (${e instanceof Error ? e.message : String(e)})`);
            }
          }
          return out;
        },
      });
      return injection?.result as string[];
    },
    SEED_URL,
    forgedMessages(id),
  );
  expect(attempts).toHaveLength(6);
  for (const line of attempts) expect(line).toMatch(/: (refused|no answer)/);

  // Still there, unchanged, and nothing forged was added.
  const again = await openExtensionPageSettled(s.browser, `${s.base}/library.html`);
  await until(again, () => document.querySelectorAll('.row').length > 0);
  expect(await again.$$eval('.row', (rows) => rows.map((row) => [row.querySelector('.row-title')?.textContent, row.className]))).toEqual([
    [SEED_TITLE, 'row state-unread'],
  ]);
});
