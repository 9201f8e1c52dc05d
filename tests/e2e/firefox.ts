/**
 * Firefox ESR with the built extension (puppeteer-core over WebDriver BiDi,
 * Debian's /usr/bin/firefox-esr, installed as a temporary add-on).
 */
import { execFileSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { cpSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { createServer as createTlsServer } from 'node:https';
import type { AddressInfo, Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import puppeteer, { type Browser, type Page } from 'puppeteer-core';
import { DIST_FIREFOX, HERO_PNG } from './pages';
import type { PageTable } from './chromium';

export const FIREFOX = process.env.FIREFOX_PATH ?? '/usr/bin/firefox-esr';
export const GECKO_ID = 'qingdu@qingdu.app';

export interface FirefoxSession {
  browser: Browser;
  base: string;
  /** The extension's moz-extension UUID: launch again with it to reach the same storage. */
  uuid: string;
  close(): Promise<void>;
}

export interface FirefoxOptions {
  /**
   * A profile directory kept across launches (default: a fresh temporary profile).
   * The extension is installed again at each launch as a temporary add-on; with the
   * same `uuid` it finds the IndexedDB and storage it left in this profile.
   */
  profileDir?: string;
  /** The moz-extension UUID (default: a random one). */
  uuid?: string;
  /** The built extension to install (default: dist/firefox). */
  extensionDir?: string;
  /** Send the browser's own requests (the background page's image fetches) through this site server. */
  sites?: SiteServer;
  /** Save downloads into this directory without asking. */
  downloadDir?: string;
  /** The browser's UI language, which the extension's strings follow (default zh-CN; needs Debian's firefox-esr-l10n-zh-cn). */
  locale?: 'zh-CN' | 'en-US';
}

export async function launchFirefox(options: FirefoxOptions = {}): Promise<FirefoxSession> {
  const uuid = options.uuid ?? randomUUID();
  const prefs: Record<string, unknown> = {
    'extensions.webextensions.uuids': JSON.stringify({ [GECKO_ID]: uuid }),
    // Locale of the UI strings: Chinese by default, as most of our readers use.
    'intl.locale.requested': options.locale ?? 'zh-CN',
  };
  if (options.sites) {
    const port = options.sites.port;
    Object.assign(prefs, {
      'network.proxy.type': 1,
      'network.proxy.http': '127.0.0.1',
      'network.proxy.http_port': port,
      'network.proxy.ssl': '127.0.0.1',
      'network.proxy.ssl_port': port,
      'network.proxy.no_proxies_on': '',
    });
  }
  if (options.downloadDir) {
    Object.assign(prefs, {
      'browser.download.folderList': 2,
      'browser.download.dir': options.downloadDir,
      'browser.download.useDownloadDir': true,
      'browser.download.always_ask_before_handling_new_types': false,
      'browser.download.start_downloads_in_tmp_dir': false,
    });
  }
  const browser = await puppeteer.launch({
    browser: 'firefox',
    executablePath: FIREFOX,
    headless: true,
    args: ['--remote-allow-system-access'],
    // The site server's certificate is self-signed.
    acceptInsecureCerts: options.sites ? true : undefined,
    userDataDir: options.profileDir,
    extraPrefsFirefox: prefs,
  });
  await browser.installExtension(options.extensionDir ?? DIST_FIREFOX);
  return { browser, base: `moz-extension://${uuid}`, uuid, close: () => browser.close() };
}

/** A private copy of the Firefox build, so a rebuild of dist/ during a run cannot change it. */
export function copyFirefoxBuild(): { dir: string; remove(): void } {
  const dir = mkdtempSync(join(tmpdir(), 'qingdu-dist-firefox-'));
  cpSync(DIST_FIREFOX, dir, { recursive: true });
  return { dir, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

/**
 * The image hosts of the sites under test, served on 127.0.0.1 as the browser's
 * HTTP(S) proxy. Requests the background page makes (image fetches at save time)
 * never pass through a page's request interception under BiDi: they reach the
 * network stack, and the proxy answers them. HTTPS is answered with a self-signed
 * certificate (the browser is launched with `acceptInsecureCerts`). Nothing
 * reaches the network: other hosts are refused, and every host once `offline` is set.
 */
export interface SiteServer {
  port: number;
  /** `host/path` of every request answered with an image. */
  served: string[];
  /** `host/path` (or `CONNECT host:port`) of every request refused. */
  refused: string[];
  /** Refuse everything from now on. */
  offline: boolean;
  close(): Promise<void>;
}

/** Hosts whose images the fixtures show. */
export const IMAGE_HOSTS = /^(thumbor\.ftacademy\.cn|i\.ftimg\.net|d1sh1cgb4xvhl\.cloudfront\.net|dq4atoxl7csa1\.cloudfront\.net|images\.ft\.com)$/;

/**
 * @param pages HTML answered for these URLs (the background's own page fetches, such as fetching a
 *   saved link's text); every other request on `hosts` gets the test image.
 */
export async function startSiteServer(hosts: RegExp = IMAGE_HOSTS, pages: PageTable = new Map()): Promise<SiteServer> {
  const certDir = mkdtempSync(join(tmpdir(), 'qingdu-cert-'));
  const key = join(certDir, 'key.pem');
  const cert = join(certDir, 'cert.pem');
  execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '2', '-subj', '/CN=qingdu-test-sites', '-keyout', key, '-out', cert], {
    stdio: 'ignore',
  });
  const tlsOptions = { key: readFileSync(key), cert: readFileSync(cert) };
  rmSync(certDir, { recursive: true, force: true });

  const server: SiteServer = { port: 0, served: [], refused: [], offline: false, close: async () => undefined };
  // Keyed without the scheme: requests through the proxy's TLS side arrive as paths on a Host.
  const pageByName = new Map([...pages].map(([u, html]) => [u.replace(/^https?:\/\//, ''), html]));
  const pageHosts = new Set([...pages.keys()].map((u) => new URL(u).hostname));
  const hostOf = (req: IncomingMessage) => {
    try {
      return new URL(req.url ?? '/', `http://${req.headers.host ?? 'unknown'}`);
    } catch {
      return null;
    }
  };
  const answer = (req: IncomingMessage, res: ServerResponse) => {
    const url = hostOf(req);
    const name = url ? `${url.host}${url.pathname}${url.search}` : String(req.url);
    const html = pageByName.get(name);
    if (!server.offline && html !== undefined) {
      server.served.push(name);
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
      return void res.end(html);
    }
    if (!server.offline && url && hosts.test(url.hostname)) {
      server.served.push(name);
      res.writeHead(200, { 'content-type': 'image/png', 'content-length': HERO_PNG.length, 'access-control-allow-origin': '*' });
      return void res.end(HERO_PNG);
    }
    server.refused.push(name);
    res.writeHead(502, { 'content-type': 'text/plain' });
    res.end('offline');
  };
  const tls = createTlsServer(tlsOptions, answer);
  const proxy = createServer(answer);
  proxy.on('connect', (req: IncomingMessage, socket) => {
    const host = (req.url ?? '').replace(/:\d+$/, '');
    if (server.offline || !(hosts.test(host) || pageHosts.has(host))) {
      server.refused.push(`CONNECT ${req.url ?? ''}`);
      return void socket.end('HTTP/1.1 502 Bad Gateway\r\n\r\n');
    }
    socket.write('HTTP/1.1 200 Connection Established\r\n\r\n');
    tls.emit('connection', socket);
  });
  const sockets = new Set<Socket>();
  proxy.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => proxy.listen(0, '127.0.0.1', resolve));
  server.port = (proxy.address() as AddressInfo).port;
  server.close = async () => {
    for (const socket of sockets) socket.destroy();
    await new Promise<void>((resolve) => proxy.close(() => resolve()));
    tls.close();
  };
  return server;
}

/**
 * Answer every request from the fixture table; nothing reaches the network.
 * @param headers sent with every page from the table (a hostile page's CSP).
 */
export async function servePages(page: Page, pages: PageTable, headers: Record<string, string> = {}): Promise<void> {
  await page.setRequestInterception(true);
  // A request the page has already dropped (a hostile page's loads, cancelled as it goes on) has nobody to answer.
  const settle = (answer: Promise<void>) => void answer.catch(() => undefined);
  page.on('request', (request) => {
    const url = request.url();
    if (!/^https?:/.test(url)) return settle(request.continue());
    const html = pages.get(url);
    if (html !== undefined) {
      return settle(request.respond({ status: 200, contentType: 'text/html; charset=utf-8', headers, body: html }));
    }
    if (/\.(png|jpe?g|gif|webp)(\?|$)|thumbor|ftimg|cloudfront|images\.ft\.com/.test(url)) {
      return settle(request.respond({ status: 200, contentType: 'image/png', body: HERO_PNG }));
    }
    return settle(request.abort('internetdisconnected'));
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
      // A tab swapping from about:blank to the extension page can leave an evaluate unanswered: ask again next round.
      const href = await Promise.race([page.evaluate(() => location.href), new Promise<string>((resolve) => setTimeout(resolve, 2_000, ''))]).catch(() => '');
      if (href.startsWith(prefix)) {
        await page.waitForFunction(() => document.readyState !== 'loading');
        return page;
      }
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  throw new Error(`no page at ${prefix}`);
}

/**
 * `openExtensionPage`, tried up to three times: Firefox's BiDi evaluate sometimes
 * fails while the new tab is still swapping from about:blank to the extension page.
 */
export async function openExtensionPageSettled(browser: Browser, url: string): Promise<Page> {
  for (let attempt = 1; ; attempt++) {
    const before = new Set(await browser.pages());
    try {
      return await openExtensionPage(browser, url);
    } catch (error) {
      if (attempt === 3) throw error;
      for (const page of await browser.pages()) if (!before.has(page)) await page.close().catch(() => undefined);
      await new Promise((resolve) => setTimeout(resolve, 300));
    }
  }
}

/** Waits until `fn` (run in the page) returns something truthy, and returns it. */
export async function until<T>(page: Page, fn: (arg: string) => T, arg = '', timeout = 15_000): Promise<T> {
  const handle = await page.waitForFunction(fn, { timeout }, arg);
  return (await handle.jsonValue()) as T;
}

/**
 * As a toolbar click would: the article tab active, the popup opened beside it
 * (inactive). A popup tab that BiDi never answers for is opened again, up to
 * three times in all (seen in full runs: "no page at …/popup.html" after 15 s,
 * once twice in a row on the first test of a fresh Firefox).
 */
export async function openPopupFor(session: FirefoxSession, url: string): Promise<Page> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await openPopupOnce(session, url);
    } catch (error) {
      if (attempt === 3 || !(error instanceof Error) || !error.message.startsWith('no page at')) throw error;
    }
  }
}

async function openPopupOnce(session: FirefoxSession, url: string): Promise<Page> {
  const helper = await openExtensionPageSettled(session.browser, `${session.base}/reader.html`);
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

/**
 * Open `url` in a tab answered from `pages` (with `headers`), save it from the popup, and wait until the popup says
 * it is saved. The tab is closed, unless `keepTab`: then it is returned, with the content script still in it.
 */
export async function saveFromPopup(
  session: FirefoxSession,
  pages: PageTable,
  url: string,
  { headers, keepTab = false }: { headers?: Record<string, string>; keepTab?: boolean } = {},
): Promise<Page | null> {
  const page = await session.browser.newPage();
  await servePages(page, pages, headers);
  await page.goto(url);
  await page.waitForFunction(() => document.querySelector('h1') !== null);
  const popup = await openPopupFor(session, url);
  await until(popup, () => {
    const save = document.querySelector('#save');
    return !!save && !save.closest('[hidden]');
  });
  await popup.click('#save');
  // Polling the popup, a background tab, saw the change up to two seconds late: a change to the page is seen at once.
  const saved = () => /^(已保存|Saved)$/.test(document.querySelector('#save')?.textContent?.trim() ?? '');
  await popup.waitForFunction(saved, { polling: 'mutation', timeout: 30_000 }).catch(
    async (error: unknown) => {
      // Say why the save did not finish (the popup's status line), not just that it timed out.
      const status = await popup.$eval('#save-status', (el) => el.textContent).catch(() => null);
      throw new Error(`save did not finish: ${status ?? '(no status)'}`, { cause: error });
    },
  );
  await popup.close();
  if (keepTab) return page;
  await page.close();
  return null;
}
