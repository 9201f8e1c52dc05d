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
});
