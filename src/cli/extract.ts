/**
 * Command-line extraction: `npm run -s extract -- <file> [--url <url>] [--format json|md|html]`.
 *
 * Reads a saved HTML page (charset from BOM or <meta>; GBK/GB18030 via
 * TextDecoder), a seed-format feed item, or an RSS/Atom file, and prints one
 * JSON object (an array for a feed). Exit codes: 0 ok, 1 usage or unreadable
 * input, 2 missing file, 3 no article.
 */
import { readFileSync, existsSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { JSDOM, VirtualConsole } from 'jsdom';
import { extractArticle, isFeed, parseFeed, parseSeed, type Article, type ExtractResult } from '../core/index';
import type { WindowLike } from 'dompurify';
import { createTurndown, standfirstQuote } from '../transfer/markdown';
import { leadLines } from '../transfer/article-front';
import { tokenizeHtml } from '../transfer/html-scan';
import { safeUrl } from '../transfer/util';

type Format = 'json' | 'md' | 'html';

interface Args { file: string; url: string | null; format: Format }

function parseArgs(argv: string[]): Args | string {
  let file: string | null = null, url: string | null = null, format: Format = 'json';
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--url') url = argv[++i] ?? null;
    else if (a === '--format') {
      const f = argv[++i];
      if (f !== 'json' && f !== 'md' && f !== 'html') return `unknown format: ${String(f)} (json, md or html)`;
      format = f;
    } else if (a?.startsWith('--')) return `unknown option: ${a}`;
    else if (a) file = a;
  }
  return file ? { file, url, format } : 'usage: extract <file> [--url <url>] [--format json|md|html]';
}

/** Charset from a BOM, else from `<meta charset>` / `http-equiv` in the first 4 KB, else UTF-8. */
export function decodeHtml(bytes: Uint8Array): string {
  if (bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) return new TextDecoder('utf-8').decode(bytes.subarray(3));
  if (bytes[0] === 0xff && bytes[1] === 0xfe) return new TextDecoder('utf-16le').decode(bytes.subarray(2));
  if (bytes[0] === 0xfe && bytes[1] === 0xff) return new TextDecoder('utf-16be').decode(bytes.subarray(2));
  const head = new TextDecoder('latin1').decode(bytes.subarray(0, 4096));
  const m = /<meta[^>]+charset\s*=\s*["']?\s*([\w-]+)/i.exec(head) ?? /<\?xml[^>]+encoding\s*=\s*["']([\w-]+)/i.exec(head);
  const label = (m?.[1] ?? 'utf-8').toLowerCase();
  const charset = label === 'gb2312' || label === 'gbk' ? 'gb18030' : label;
  return new TextDecoder(charset, { fatal: charset === 'utf-8' ? false : true }).decode(bytes);
}

/** How much of a page is searched for the address it names as its own: its head, with room for inline styles and scripts. */
const HEAD_CHARS = 1 << 18;

/**
 * The web address a saved page names as its own, for a page read without
 * `--url`: its canonical link, its `og:url`, or the note a browser's "Save
 * page as" (`<!-- saved from url=(0042)… -->`) or SingleFile writes at the
 * top. Site rules are chosen by host: read under its file:// address, a saved
 * FT page got none, and lost its standfirst, hero image and times.
 */
export function ownAddress(html: string): string | null {
  const head = html.slice(0, HEAD_CHARS);
  const found: string[] = [];
  for (const token of tokenizeHtml(head)) {
    if (token.type !== 'open') continue;
    if (token.name === 'body') break;
    const { rel, href, property, name, content } = token.attrs;
    if (token.name === 'link' && href && /(?:^|\s)canonical(?:\s|$)/i.test(rel ?? '')) found.unshift(href);
    else if (token.name === 'meta' && content && /^og:url$/i.test(property ?? name ?? '')) found.push(content);
  }
  const noted = /<!--\s*saved from url=\(\d+\)(\S+?)\s*-->|<!--[^>]*?Page saved with SingleFile\s+url:\s*(\S+)/i.exec(head);
  if (noted) found.push((noted[1] ?? noted[2]) as string);
  for (const address of found) {
    if (!/^https?:\/\//i.test(address)) continue;
    try {
      return new URL(address).href;
    } catch {
      // Not an address: the next one.
    }
  }
  return null;
}

function makeDom(html: string, url: string): JSDOM {
  // jsdom reports CSS it cannot parse on the virtual console; those pages still parse.
  const virtualConsole = new VirtualConsole();
  return new JSDOM(html, { url, virtualConsole });
}

function extractHtml(html: string, url: string, known?: { title?: string | null; published?: string | null; byline?: string | null }): ExtractResult {
  const dom = makeDom(html, url);
  try {
    return extractArticle(dom.window.document, url, { window: dom.window as unknown as WindowLike, known });
  } finally {
    dom.window.close();
  }
}

function toMarkdown(a: Article): string {
  // The export's rules: tables, pictures by their http(s) URL, markup in text kept as text.
  const td = createTurndown(safeUrl);
  const meta = [
    a.byline && `- 作者 / Byline: ${a.byline}`,
    a.translator && `- 译者 / Translator: ${a.translator}`,
    a.published && `- Published: ${a.published}`,
    a.updated && `- Updated: ${a.updated}`,
    `- Source: <${a.url}>`,
  ].filter(Boolean);
  const lead = standfirstQuote(leadLines(a.lead), td);
  return [`# ${a.title}`, '', ...meta, '', lead ? `${lead}\n` : '', td.turndown(a.contentHtml), ''].join('\n');
}

function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] ?? c);
}

function toHtml(a: Article): string {
  return `<!doctype html>
<html lang="${escapeHtml(a.lang ?? 'und')}"><head><meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; img-src https: http:; style-src 'unsafe-inline'">
<title>${escapeHtml(a.title)}</title>
<style>body{max-width:42em;margin:2em auto;padding:0 1em;font:18px/1.8 system-ui,sans-serif}img{max-width:100%}.qd-pair{display:grid;grid-template-columns:1fr 1fr;gap:1em}</style>
</head><body><article>
<h1>${escapeHtml(a.title)}</h1>
${leadLines(a.lead).map((line) => `<p><em>${escapeHtml(line)}</em></p>`).join('')}
<p><small>${escapeHtml([a.byline, a.translator && `译者 ${a.translator}`, a.published ?? a.updated].filter(Boolean).join(' · '))}</small></p>
${a.contentHtml}
<p><a href="${escapeHtml(a.url)}">${escapeHtml(a.url)}</a></p>
</article></body></html>
`;
}

function render(a: Article, format: Format): string {
  if (format === 'md') return toMarkdown(a);
  if (format === 'html') return toHtml(a);
  return JSON.stringify(a, null, 2);
}

export function main(argv: string[]): number {
  const args = parseArgs(argv);
  if (typeof args === 'string') { console.error(args); return 1; }
  if (!existsSync(args.file)) { console.error(`extract: no such file: ${args.file}`); return 2; }
  let text: string;
  try {
    text = decodeHtml(readFileSync(args.file));
  } catch (e) {
    console.error(`extract: cannot decode ${args.file}: ${e instanceof Error ? e.message : String(e)}`);
    return 1;
  }
  const fileUrl = pathToFileURL(args.file).href;

  if (isFeed(text)) {
    const dom = makeDom('', 'https://feed.invalid/');
    let items;
    try {
      items = parseFeed(text, dom.window as unknown as { DOMParser: typeof DOMParser });
    } catch (e) {
      console.error(`extract: ${e instanceof Error ? e.message : String(e)}`);
      return 1;
    }
    const results = items.map((it) => extractHtml(`<body>${it.html}</body>`, it.link || args.url || fileUrl, { title: it.title, published: it.published, byline: it.author }));
    if (args.format === 'json') console.log(JSON.stringify(results.map((r) => (r.ok ? r.article : r)), null, 2));
    else console.log(results.map((r) => (r.ok ? render(r.article, args.format) : `<!-- ${r.reason}: ${r.message} -->`)).join('\n\n'));
    return results.some((r) => r.ok) || results.length === 0 ? 0 : 3;
  }

  const seed = parseSeed(text);
  let pageUrl = args.url;
  if (!seed && !pageUrl) {
    pageUrl = ownAddress(text);
    if (!pageUrl) console.error(`extract: ${args.file} names no web address of its own: read with no site's rules (give one with --url)`);
  }
  const result = seed
    ? extractHtml(seed.html, args.url ?? seed.url, { title: seed.title, published: seed.published })
    : extractHtml(text, pageUrl ?? fileUrl);
  if (!result.ok) {
    console.error(`extract: ${result.reason}: ${result.message}`);
    return result.reason === 'no-article' ? 3 : 1;
  }
  console.log(render(result.article, args.format));
  return 0;
}

process.exitCode = main(process.argv.slice(2));
