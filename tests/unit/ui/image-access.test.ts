/**
 * The popup's one-time request for access to an article's image hosts: a host
 * that cannot be written as a match pattern is left out, so the browser still
 * takes the request for the others.
 */
import { beforeEach, describe, expect, it, vi } from 'vitest';
import type { Article } from '../../../src/core/types';

const stored: Record<string, unknown> = {};
const requested: string[][] = [];

/** What Chromium accepts as a host pattern here: a pattern it cannot parse fails the whole call, as in the browser. */
function check(origins: string[]): void {
  const bad = origins.find((o) => !/^https?:\/\/(\*|(\*\.)?[a-z0-9_.-]+|\[[0-9a-f:.]+\])(:\d+)?\/\*$/.test(o));
  if (bad) throw new Error(`Invalid value for origin pattern ${bad}`);
}

vi.mock('../../../src/platform/browser', () => ({
  default: {
    storage: {
      local: {
        get: async (key: string) => (key in stored ? { [key]: stored[key] } : {}),
        set: async (items: Record<string, unknown>) => void Object.assign(stored, items),
      },
    },
    permissions: {
      contains: async ({ origins }: { origins: string[] }) => (check(origins), false),
      request: async ({ origins }: { origins: string[] }) => (check(origins), requested.push(origins), true),
    },
  },
}));

const { askForOrigins, originsToAsk } = await import('../../../src/popup/image-access');

function article(...srcs: string[]): Article {
  return articleAt('https://news.example/story', ...srcs);
}

function articleAt(url: string, ...srcs: string[]): Article {
  return { url, contentHtml: srcs.map((src) => `<p><img src="${src}"></p>`).join(''), leadImage: null } as unknown as Article;
}

describe('asking for access to image hosts', () => {
  beforeEach(() => {
    requested.length = 0;
    for (const key of Object.keys(stored)) delete stored[key];
  });

  it.each([
    // Chromium's parser writes the host as img%2Acdn.example, the standard one (Firefox's, Node's) keeps the *.
    ['a host with * in it', 'https://img*cdn.example/b.png'],
    ['a host that starts *.', 'https://*.example/b.png'],
  ])('leaves out %s and asks for the other hosts', async (_, odd) => {
    const origins = await originsToAsk(article('https://a.example/1.png', odd, 'http://b.example:8080/2.png'));
    expect(origins).toEqual(['https://a.example/*', 'http://b.example:8080/*']);
    askForOrigins(origins);
    await vi.waitFor(() => expect(requested).toEqual([['https://a.example/*', 'http://b.example:8080/*']]));
  });

  it('never asks for a host on this machine or the local network for a public page, which would not be fetched', async () => {
    const local = ['http://192.168.1.1/a.png', 'http://localhost:8080/b.png', 'http://printer.local/c.png'];
    expect(await originsToAsk(article('https://a.example/1.png', ...local))).toEqual(['https://a.example/*']);
    expect(await originsToAsk(articleAt('http://192.168.1.20/wiki', ...local))).toEqual([
      'http://192.168.1.1/*', 'http://localhost:8080/*', 'http://printer.local/*',
    ]);
  });
});
