/**
 * The background's DOM work in Chrome, where the service worker has none: one
 * offscreen document for every caller, however many ask at once, and opened
 * again once when it went away. Chrome refuses a second document.
 */
import { beforeEach, describe, expect, it, vi } from 'vitest';

const chromeState = vi.hoisted(() => ({ open: false, creates: 0 }));

vi.mock('../../../src/platform/browser', () => ({
  default: { runtime: { getURL: (p: string) => `chrome-extension://qingdu/${p}` } },
}));
vi.mock('../../../src/platform/messages', () => ({
  // The offscreen document answers while it is open; a message to none fails, as Chrome's does.
  sendMessage: async (type: string, data: { html: string }) => {
    await new Promise((resolve) => setTimeout(resolve, 1));
    if (!chromeState.open) throw new Error('Could not establish connection. Receiving end does not exist.');
    return type === 'offscreen.sanitize' ? `clean:${data.html}` : undefined;
  },
}));

Object.assign(globalThis, {
  chrome: {
    runtime: { getContexts: async () => (chromeState.open ? [{ contextType: 'OFFSCREEN_DOCUMENT' }] : []) },
    offscreen: {
      createDocument: async () => {
        await new Promise((resolve) => setTimeout(resolve, 5));
        if (chromeState.open) throw new Error('Only a single offscreen document may be created.');
        chromeState.creates++;
        chromeState.open = true;
      },
    },
  },
});

const { sanitizeInBackground } = await import('../../../src/background/dom-work');

beforeEach(() => {
  chromeState.open = false;
  chromeState.creates = 0;
});

describe('sanitizing in the offscreen document', () => {
  it('opens one document for twenty saves at once, and opens it once more after it went away', async () => {
    const many = () => Promise.all(Array.from({ length: 20 }, (_, i) => sanitizeInBackground(`<p>${i}</p>`)));
    expect(await many()).toEqual(Array.from({ length: 20 }, (_, i) => `clean:<p>${i}</p>`));
    expect(chromeState.creates).toBe(1);
    chromeState.open = false;
    expect(await many()).toHaveLength(20);
    expect(chromeState.creates).toBe(2);
  });
});
