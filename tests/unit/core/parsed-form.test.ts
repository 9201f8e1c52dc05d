import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { inParsedForm } from '../../../src/core/url';
import { STORY_HOSTS } from '../../../src/core/rules/story-hosts';
import { urlKey } from '../../../src/storage/ids';
import { safeUrl } from '../../../src/transfer/util';

const FIXTURES = join(import.meta.dirname, '../../fixtures');

/** What `urlKey` gives by way of the URL parser, never the shortcut: https, on the story host (see ids.ts), no fragment. */
function parsedKey(url: string): string {
  const parsed = URL.parse(url.trim());
  if (!parsed) return url.trim();
  if (parsed.protocol === 'http:' || parsed.protocol === 'https:') {
    const http = parsed.protocol === 'http:';
    const href = parsed.href.replace(/^http:/, 'https:');
    const rest = href.slice('https://'.length);
    const written = rest.replace(/[/?#].*$/s, '');
    const authority = http && parsed.port === '443' ? written.slice(0, -4) : written;
    return `https://${STORY_HOSTS.get(authority) ?? authority}${rest.slice(written.length)}`.replace(/#.*$/s, '');
  }
  return parsed.href.replace(/#.*$/s, '');
}

/** Every href and src of the fixture pages, resolved as a browser would. */
function fixtureUrls(): string[] {
  const urls = new Set<string>();
  for (const name of readdirSync(FIXTURES, { withFileTypes: true })) {
    if (!name.isDirectory()) continue;
    let html: string;
    try {
      html = readFileSync(join(FIXTURES, name.name, 'source.html'), 'utf8');
    } catch {
      continue;
    }
    for (const m of html.matchAll(/\b(?:href|src)="([^"]+)"/g)) {
      try {
        urls.add(new URL(m[1] as string, 'https://www.ftchinese.com/story/001').href);
      } catch {
        urls.add(m[1] as string);
      }
    }
  }
  return [...urls];
}

/** Strings near the edges of the shortcut: one character of a URL-ish alphabet changed, added or dropped at a time. */
function mutants(seed: string[], rounds: number): string[] {
  const alphabet = [...'aZ09-._~!$&\'()*+,;=:@/?#%2eE x\\[]{}|^`"<>\t'];
  const out: string[] = [];
  let n = 0x2545f491;
  const rand = (k: number) => {
    n ^= n << 13;
    n ^= n >>> 17;
    n ^= n << 5;
    return (n >>> 0) % k;
  };
  for (let i = 0; i < rounds; i++) {
    let s = seed[rand(seed.length)] as string;
    for (let edits = 1 + rand(3); edits > 0; edits--) {
      const at = rand(s.length + 1);
      const ch = alphabet[rand(alphabet.length)] as string;
      const op = rand(3);
      s = op === 0 ? s.slice(0, at) + ch + s.slice(at) : op === 1 ? s.slice(0, at) + ch + s.slice(at + 1) : s.slice(0, at) + s.slice(at + 1);
    }
    out.push(s);
  }
  return out;
}

const SEEDS = [
  'https://www.ftchinese.com/story/001088998',
  'http://cn.ft.com/story/001088998/ce?full=y&page=2',
  'https://example.com/a/b/c.html?x=1',
  'https://d1sh1cgb4xvhl.cloudfront.net/unsafe/600x338/picture/5/000123.jpeg',
  'http://1.2.3.4/x',
];

describe('URLs in parsed form', () => {
  it.each([
    ['https://www.ftchinese.com/story/001088998', true],
    ['https://example.com/', true],
    ['https://example.com/a?b=c&d=e/f?g', true],
    ['https://example.com', false], // the parser adds the path's slash
    ['https://Example.com/a', false], // and lowercases the host
    ['https://example.com:443/a', false],
    ['https://user@example.com/a', false],
    ['https://1.2.3.4/a', false],
    ['https://0x7f.1/a', false],
    ['https://xn--fiqs8s.cn/a', false],
    ['https://example.com/a/../b', false],
    ['https://example.com/a/./b', false],
    ['https://example.com/a/%2e%2e/b', false],
    ['https://example.com/it\'s', false],
    ['https://example.com/a b', false],
    ['https://example.com/中文', false],
    ['https://example.com/a#c', false],
    ['https://example.com/a\\b', false],
    ['javascript:alert(1)//example.com/', false],
    ['ftp://example.com/a', false],
  ])('%s: %s', (url, expected) => {
    expect(inParsedForm(url)).toBe(expected);
  });

  it('holds only URLs the parser gives back unchanged, over the fixtures and 20,000 near misses', () => {
    const urls = [...fixtureUrls(), ...mutants(SEEDS, 20_000)];
    let shortcuts = 0;
    for (const url of urls) {
      if (!inParsedForm(url)) continue;
      shortcuts++;
      expect(new URL(url).href, url).toBe(url);
    }
    // The test means something only when both kinds are many.
    expect(shortcuts).toBeGreaterThan(1000);
    expect(urls.length - shortcuts).toBeGreaterThan(1000);
  });

  it('leaves ids and the URLs imports accept as they were', () => {
    const urls = [...fixtureUrls(), ...mutants(SEEDS, 20_000)];
    for (const url of [...urls, ...urls.map((u) => ` ${u}#frag `)]) {
      expect(urlKey(url), url).toBe(parsedKey(url));
      let parsed: string | null = null;
      try {
        const u = new URL(url.trim());
        parsed = u.protocol === 'http:' || u.protocol === 'https:' ? u.href : null;
      } catch {
        // refused
      }
      expect(safeUrl(url), url).toBe(url.trim() ? parsed : null);
    }
  });
});
