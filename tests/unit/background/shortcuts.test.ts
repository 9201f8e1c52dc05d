// @vitest-environment jsdom
/**
 * Saving without the popup: the keyboard shortcut and the context menus, run
 * against the real background modules, the real core and a real (in-memory)
 * IndexedDB. Only the extension APIs and the network are stand-ins.
 */
import 'fake-indexeddb/auto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { extractArticle, htmlToDocument, parseSeed } from '../../../src/core/index';

type Listener = (...args: never[]) => unknown;
const listeners: Record<string, Listener> = {};
const on = (name: string) => ({ addListener: (fn: Listener) => void (listeners[name] = fn) });
const granted = new Set<string>();
const badge: { text?: string; title?: string } = {};

const SEED = readFileSync(join(import.meta.dirname, '../../fixtures/cn.ft.com--feedx-seed-001088998/source.txt'), 'utf8');
const SEED_URL = 'https://cn.ft.com/story/001088998?full=y';

vi.mock('../../../src/platform/browser', () => ({
  default: {
    runtime: { id: 'qingdu', onInstalled: on('installed'), getURL: (p: string) => `chrome-extension://qingdu/${p}` },
    contextMenus: { removeAll: async () => undefined, create: () => undefined, onClicked: on('menu') },
    commands: { onCommand: on('command') },
    i18n: { getMessage: (key: string) => ({ saved: '已保存', saveFailed: '保存失败：', linkNoAccess: '清读无权读取该网站。', linkNotWeb: '这个链接不是网页，无法保存。' })[key] ?? '' },
    permissions: {
      // As the browsers do, a pattern that is no web origin (`null/*` for a mailto: link, `a*b` for a host) is an error, not false.
      contains: async ({ origins }: { origins: string[] }) => {
        const bad = origins.find((o) => !/^https?:\/\/(?:\*\.)?[^/*]+\/\*$/.test(o));
        if (bad) throw new Error(`Invalid value for origin pattern ${bad}`);
        return origins.every((o) => granted.has(o));
      },
    },
    scripting: { executeScript: async () => [] },
    tabs: {
      // The tab's content script answers with the seed page's article.
      sendMessage: async () => {
        const item = parseSeed(SEED)!;
        const doc = htmlToDocument(item.html, window);
        return extractArticle(doc, SEED_URL, { window, known: { title: item.title, published: item.published } });
      },
      query: async () => [{ id: 7 }],
    },
    action: {
      setBadgeText: async ({ text }: { text: string }) => void (badge.text = text),
      setBadgeBackgroundColor: async () => undefined,
      setTitle: async ({ title }: { title: string }) => void (badge.title = title),
    },
  },
}));

const { registerShortcuts } = await import('../../../src/background/shortcuts');
const { getLibrary } = await import('../../../src/background/library');
const { fetchLinkEntry } = await import('../../../src/background/saves');
const { linkRecord } = await import('../../../src/library/transfer-plan');
const { idForUrl } = await import('../../../src/storage/ids');

async function settle(): Promise<void> {
  await vi.waitFor(() => expect(badge.text).toBeTruthy(), { timeout: 10_000 });
}

describe('saving from the shortcut and the context menus', () => {
  beforeEach(async () => {
    badge.text = badge.title = undefined;
    granted.clear();
    // The image host answers; the page host serves the seed as a story page.
    vi.stubGlobal('fetch', async (url: string) =>
      url.includes('thumbor')
        ? new Response(new Uint8Array([137, 80, 78, 71]), { headers: { 'content-type': 'image/png' } })
        : new Response(`<html><body><h1 class="story-headline">链接里的文章</h1><div id="story-body-container">${'<p>这是一段足够长的正文，用来确认链接保存会抓取并提取文章。</p>'.repeat(6)}</div></body></html>`, {
            headers: { 'content-type': 'text/html' },
          }),
    );
    if (!listeners.command) registerShortcuts();
  });

  it('the keyboard shortcut saves the current tab and says so on the toolbar badge', async () => {
    (listeners.command as (c: string, tab: { id: number }) => void)('save-page', { id: 7 });
    await settle();
    expect(badge.text).toBe('✓');
    expect(badge.title).toContain('俄罗斯表示准备军事支持白俄罗斯');
    const library = await getLibrary();
    const [entry] = await library.list();
    expect(entry?.url).toBe('https://cn.ft.com/story/001088998');
    expect(entry?.missingImages).toEqual([]);
  });

  it('a link on a site Qingdu may not read is refused with the reason', async () => {
    (listeners.menu as (info: object, tab: object) => void)({ menuItemId: 'qingdu-save-link', linkUrl: 'https://news.example/a' }, { id: 7 });
    await settle();
    expect(badge.text).toBe('!');
    expect(badge.title).toContain('清读无权读取该网站');
  });

  it.each(['mailto:editor@ftchinese.com', 'javascript:void(0)', 'file:///home/me/a.html', 'https://a*b.example/story'])('a link that is no web page (%s) is refused with the reason', async (linkUrl) => {
    const fetched: string[] = [];
    vi.stubGlobal('fetch', async (url: string) => (fetched.push(url), new Response('')));
    (listeners.menu as (info: object, tab: object) => void)({ menuItemId: 'qingdu-save-link', linkUrl }, { id: 7 });
    await settle();
    expect(badge.text).toBe('!');
    expect(badge.title).toContain('这个链接不是网页，无法保存。');
    expect(fetched).toEqual([]);
  });

  it('a link on a site Qingdu may read is fetched, extracted and saved', async () => {
    granted.add('https://www.ftchinese.com/*');
    (listeners.menu as (info: object, tab: object) => void)({ menuItemId: 'qingdu-save-link', linkUrl: 'https://www.ftchinese.com/story/001099999' }, { id: 7 });
    await settle();
    expect(badge.title).toContain('链接里的文章');
    const library = await getLibrary();
    expect((await library.list()).map((e) => e.title)).toContain('链接里的文章');
  });
});

describe("fetching an imported bookmark's text", () => {
  /** Stores a bookmark as an import does: a link-only row with an empty body. */
  async function bookmark(url: string, tags: string[], state: 'unread' | 'archived' = 'unread'): Promise<string> {
    const id = idForUrl(url);
    const record = linkRecord({ kind: 'link', url, title: 'A bookmark', tags, state, savedAt: '2024-05-01T08:00:00.000Z' }, id);
    await (await getLibrary()).importRecords([record]);
    return id;
  }

  it('stores the text in place, keeping the bookmark\'s tags and saved time', async () => {
    granted.add('https://www.ftchinese.com/*');
    const id = await bookmark('https://www.ftchinese.com/story/001100001', ['通勤']);
    const outcome = await fetchLinkEntry(id);
    expect(outcome.ok).toBe(true);
    const library = await getLibrary();
    const saved = await library.get(id);
    expect(saved?.linkOnly).toBe(false);
    expect(saved?.title).toBe('链接里的文章');
    expect(saved?.tags).toEqual(['通勤']);
    expect(saved?.savedAt).toBe('2024-05-01T08:00:00.000Z');
    expect(saved?.article.textContent).toContain('链接保存会抓取并提取文章');
  });

  it('moves what the bookmark kept to the article when the link redirects elsewhere, and drops the bookmark row', async () => {
    granted.add('https://www.ftchinese.com/*');
    const id = await bookmark('https://www.ftchinese.com/story/001100002?from=pocket', ['稍后读'], 'archived');
    const library = await getLibrary();
    await library.update(id, { progress: 0.6, readAt: '2024-06-01T08:00:00.000Z' });
    const page = await fetch('https://www.ftchinese.com/story/001100003');
    // A tag set while the page is fetched is the bookmark's too.
    vi.stubGlobal('fetch', async () => {
      await library.update(id, { tags: ['稍后读', '路上'] });
      return Object.defineProperty(page.clone(), 'url', { value: 'https://www.ftchinese.com/story/001100003' });
    });
    const outcome = await fetchLinkEntry(id);
    expect(outcome.ok).toBe(true);
    expect(await library.getEntry(id)).toBeUndefined();
    const moved = await library.get(idForUrl('https://www.ftchinese.com/story/001100003'));
    expect(moved).toMatchObject({ tags: ['稍后读', '路上'], state: 'archived', savedAt: '2024-05-01T08:00:00.000Z', readAt: '2024-06-01T08:00:00.000Z', progress: 0.6, linkOnly: false });
    expect(moved?.article.textContent).toContain('链接保存会抓取并提取文章');
    expect(outcome).toMatchObject({ ok: true, entry: { savedAt: '2024-05-01T08:00:00.000Z', tags: ['稍后读', '路上'] } });
  });

  it('on a site Qingdu may not read, says why and leaves the bookmark as it was', async () => {
    const id = await bookmark('https://news.example/b', ['x']);
    const outcome = await fetchLinkEntry(id);
    expect(outcome).toMatchObject({ ok: false, error: 'no-access' });
    expect((await (await getLibrary()).getEntry(id))?.linkOnly).toBe(true);
  });
});

