// @vitest-environment jsdom
/**
 * The background's message router: only our own pages are heard, and only
 * messages named in the protocol reach a handler.
 */
import 'fake-indexeddb/auto';
import { describe, expect, it, vi } from 'vitest';

type Listener = (...args: never[]) => unknown;
const listeners: Record<string, Listener> = {};
const on = (name: string) => ({ addListener: (fn: Listener) => void (listeners[name] = fn) });

vi.mock('../../../src/platform/browser', () => ({
  default: {
    runtime: { id: 'qingdu', onMessage: on('message'), onInstalled: on('installed'), getURL: (p: string) => `chrome-extension://qingdu/${p}` },
    contextMenus: { removeAll: async () => undefined, create: () => undefined, onClicked: on('menu') },
    commands: { onCommand: on('command') },
    permissions: { onAdded: on('permissionsAdded') },
    i18n: { getMessage: () => '' },
  },
}));

await import('../../../src/background/index');
const PAGE = { id: 'qingdu', url: 'chrome-extension://qingdu/library.html' };
const send = (message: unknown) => (listeners.message as (m: unknown, s: typeof PAGE) => unknown)(message, PAGE);

describe('the background\'s message router', () => {
  it('answers a message the protocol names', async () => {
    expect(await send({ type: 'library.lookup', data: { url: 'https://example.com/never-saved' } })).toBeNull();
  });

  it.each(['constructor', 'toString', 'valueOf', 'hasOwnProperty', '__proto__', '__defineGetter__'])(
    'leaves a message named after an inherited property (%s) unanswered',
    (type) => {
      expect(send({ type, data: {} })).toBeUndefined();
    },
  );

  it('keeps a read time only when it is a time, written as the library writes times', async () => {
    const saved = (await send({ type: 'library.save', data: { article: {
      title: '读过的文章', url: 'https://example.com/read-at', siteName: null, lang: 'zh-CN', lead: null, leadImage: null, byline: null,
      translator: null, published: null, updated: null, contentHtml: '<p>正文</p>', textContent: '正文', length: 2, readingMinutes: 1,
      partial: false, fullTextUrl: null, paywalled: false,
    } } })) as { ok: boolean; entry: { id: string } };
    expect(saved.ok).toBe(true);
    const update = (readAt: unknown) => send({ type: 'library.update', data: { id: saved.entry.id, patch: { readAt } } }) as Promise<{ readAt: string | null }>;
    expect((await update('2026-11-26T08:00:00+08:00')).readAt).toBe('2026-11-26T00:00:00.000Z');
    expect((await update('<img src=x onerror=alert(1)>')).readAt).toBe('2026-11-26T00:00:00.000Z');
    expect((await update(null)).readAt).toBeNull();
  });

  it('answers a request to fetch images without an article id with a reason', async () => {
    expect(await send({ type: 'library.retryImages', data: { id: { length: 1 } } })).toMatchObject({ ok: false, error: 'invalid' });
  });
});
