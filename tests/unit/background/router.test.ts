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
const { Library } = await import('../../../src/storage/library');
const { StorageError } = await import('../../../src/storage/errors');
const PAGE = { id: 'qingdu', url: 'chrome-extension://qingdu/library.html' };
const send = (message: unknown) => (listeners.message as (m: unknown, s: typeof PAGE) => unknown)(message, PAGE);
/** Saves an article of one paragraph through the router, as the popup does. */
const save = (url: string, title: string, text: string) =>
  send({ type: 'library.save', data: { article: {
    title, url, siteName: null, lang: 'zh-CN', lead: null, leadImage: null, byline: null, translator: null, published: null, updated: null,
    contentHtml: `<p>${text}</p>`, textContent: text, length: text.length, readingMinutes: 1, partial: false, fullTextUrl: null, paywalled: false,
  } } }) as Promise<{ ok: boolean; entry: { id: string } }>;

describe('the background\'s message router', () => {
  it('answers a message the protocol names', async () => {
    expect(await send({ type: 'library.lookup', data: { url: 'https://example.com/never-saved' } })).toBeNull();
  });

  it('lists the library\'s tags, the most used first', async () => {
    const [a, b] = await Promise.all([save('https://example.com/tags-a', '甲', '正文一'), save('https://example.com/tags-b', '乙', '正文二')]);
    await send({ type: 'library.update', data: { id: a.entry.id, patch: { tags: ['少用', '常用'] } } });
    await send({ type: 'library.update', data: { id: b.entry.id, patch: { tags: ['常用'] } } });
    const tags = (await send({ type: 'library.tags', data: {} })) as string[];
    expect(tags.filter((tag) => ['少用', '常用'].includes(tag))).toEqual(['常用', '少用']);
  });

  it.each(['constructor', 'toString', 'valueOf', 'hasOwnProperty', '__proto__', '__defineGetter__'])(
    'leaves a message named after an inherited property (%s) unanswered',
    (type) => {
      expect(send({ type, data: {} })).toBeUndefined();
    },
  );

  it('keeps a read time only when it is a time, written as the library writes times', async () => {
    const saved = await save('https://example.com/read-at', '读过的文章', '正文');
    expect(saved.ok).toBe(true);
    const update = (readAt: unknown) => send({ type: 'library.update', data: { id: saved.entry.id, patch: { readAt } } }) as Promise<{ readAt: string | null }>;
    expect((await update('2026-11-26T08:00:00+08:00')).readAt).toBe('2026-11-26T00:00:00.000Z');
    expect((await update('<img src=x onerror=alert(1)>')).readAt).toBe('2026-11-26T00:00:00.000Z');
    expect((await update(null)).readAt).toBeNull();
  });

  // A content script runs in the web page's process: what it sends is sanitized again before it is stored.
  it('stores the body of a saved article sanitized, whatever the page sent', async () => {
    const saved = await save('https://example.com/hostile-body', '敌意正文', '正文<img src="https://evil.example/x.png" onerror="alert(1)"><script>alert(2)</script><a href="javascript:alert(3)">链接</a>');
    expect(saved.ok).toBe(true);
    const body = (await (await Library.open()).getBody(saved.entry.id))?.contentHtml ?? '';
    expect(body).toContain('正文');
    expect(body).toContain('链接');
    expect(body).not.toMatch(/onerror|<script|javascript:/);
  });

  // The copy Undo puts back was taken before the write: a write that failed (a full disk) lost the article for good.
  it('keeps a deleted article for another Undo when putting it back fails', async () => {
    const saved = await save('https://example.com/undo-fails', '要删除的文章', '删除后撤销');
    await send({ type: 'library.update', data: { id: saved.entry.id, patch: { tags: ['留着'] } } });
    const { undoToken } = (await send({ type: 'library.delete', data: { id: saved.entry.id } })) as { undoToken: string };
    const full = vi.spyOn(Library.prototype, 'restoreMany').mockRejectedValueOnce(new StorageError('quota', 'There is not enough space.'));
    expect(await send({ type: 'library.undoDelete', data: { undoToken } })).toEqual({ ok: false, error: 'quota', message: 'There is not enough space.' });
    expect(await send({ type: 'library.lookup', data: { url: 'https://example.com/undo-fails' } })).toBeNull();
    full.mockRestore();
    expect(await send({ type: 'library.undoDelete', data: { undoToken } })).toEqual({ ok: true });
    expect(await send({ type: 'library.lookup', data: { url: 'https://example.com/undo-fails' } })).toMatchObject({ tags: ['留着'] });
    // Taken by the Undo that worked: a third one has nothing to put back.
    expect(await send({ type: 'library.undoDelete', data: { undoToken } })).toEqual({ ok: false });
  });

  // The Undo of Archive or Mark read: each row's state, read time and progress put back in one write.
  it('puts back many rows\' read states in one message, and refuses a list with anything but patches in it', async () => {
    const [a, b] = [await save('https://example.com/many-a', '甲', '第一篇'), await save('https://example.com/many-b', '乙', '第二篇')];
    await send({ type: 'library.setState', data: { ids: [a.entry.id, b.entry.id], state: 'archived' } });
    const back = (await send({ type: 'library.updateMany', data: { patches: [
      { id: a.entry.id, patch: { state: 'read', readAt: '2026-11-26T08:00:00.000Z', progress: 0.4 } },
      { id: b.entry.id, patch: { state: 'unread', readAt: null, progress: 0 } },
      { id: 'not-stored', patch: { state: 'read' } },
    ] } })) as { id: string; state: string; readAt: string | null; progress: number }[];
    expect(back.map(({ id, state, readAt, progress }) => ({ id, state, readAt, progress }))).toEqual([
      { id: a.entry.id, state: 'read', readAt: '2026-11-26T08:00:00.000Z', progress: 0.4 },
      { id: b.entry.id, state: 'unread', readAt: null, progress: 0 },
    ]);
    for (const patches of [[{ id: a.entry.id, patch: { state: 'archived' } }, 'archived'], [{ id: 7, patch: {} }], 'all']) {
      expect(await send({ type: 'library.updateMany', data: { patches } })).toBeNull();
    }
    expect(await send({ type: 'library.lookup', data: { url: 'https://example.com/many-a' } })).toMatchObject({ state: 'read' });
  });

  it('answers a request to fetch images without an article id with a reason', async () => {
    expect(await send({ type: 'library.retryImages', data: { id: { length: 1 } } })).toMatchObject({ ok: false, error: 'invalid' });
  });
});
