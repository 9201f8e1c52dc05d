/** Generated library records for the transfer tests and bench. */
import type { SavedArticle, StoredImage } from '../../../src/storage/types';

/** Smallest valid PNG (1×1, transparent) and a minimal JPEG header-bearing blob. */
export const PNG_1x1 = Uint8Array.from(
  atob('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg=='),
  (c) => c.charCodeAt(0),
);

const STATES = ['unread', 'read', 'archived'] as const;
const TAG_POOL = ['经济', 'tech', 'long read', '中国', 'a,b', '😀emoji', 'pipe|tag', '=formula'];

export interface GenOptions {
  /** Body paragraphs per article. */
  paragraphs?: number;
  /** Add an <img> to every third article. */
  images?: boolean;
}

export function makeArticle(i: number, opts: GenOptions = {}): SavedArticle {
  const url = `https://www.ftchinese.com/story/${1000000 + i}?page=${i % 3}&x=${i}`;
  const zh = i % 2 === 0;
  const title = zh ? `第${i}篇：中国经济“软着陆”的代价 — ${i % 7 === 0 ? '=SUM(A1)' : '分析'} 😀` : `Article ${i}: "Quotes", commas, and <angle> & amp`;
  const paras = opts.paragraphs ?? 2;
  const body: string[] = [];
  for (let p = 0; p < paras; p++) {
    body.push(zh ? `<p>这是第${p + 1}段。美联储在周三宣布维持利率不变，市场反应平淡。𠀋𩸽</p>` : `<p>Paragraph ${p + 1} with <em>emphasis</em> &amp; a <a href="https://example.com/${p}">link</a>.</p>`);
  }
  if (opts.images && i % 3 === 0) body.splice(1, 0, `<figure><img src="https://img.example.com/${i}.png" alt="图 ${i}"><figcaption>图注 ${i}</figcaption></figure>`);
  const contentHtml = body.join('');
  const savedAt = new Date(Date.UTC(2025, 0, 1) + i * 3_600_000).toISOString();
  const state = STATES[i % 3] as SavedArticle['state'];
  const tags = i % 4 === 0 ? [] : [TAG_POOL[i % TAG_POOL.length] as string, TAG_POOL[(i * 3) % TAG_POOL.length] as string].filter((t, k, all) => all.indexOf(t) === k);
  return {
    id: `id-${i}`,
    url,
    title,
    siteName: zh ? 'FT中文网' : 'Example',
    lang: zh ? 'zh-CN' : 'en',
    byline: i % 5 === 0 ? null : zh ? '王小明' : 'Jane Doe',
    lead: i % 6 === 0 ? null : zh ? '导语：一个\n两行的导语' : 'A standfirst, with a comma',
    leadImage: opts.images && i % 3 === 0 ? `https://img.example.com/${i}.png` : null,
    published: i % 4 === 0 ? null : savedAt,
    savedAt,
    updatedAt: new Date(Date.parse(savedAt) + 60_000).toISOString(),
    readAt: state === 'unread' ? null : savedAt,
    state,
    tags,
    readingMinutes: 1 + (i % 9),
    length: 300 + i,
    partial: i % 10 === 0,
    progress: state === 'unread' ? 0 : (i % 100) / 100,
    linkOnly: false,
    bodyBytes: contentHtml.length,
    imageBytes: 0,
    missingImages: i % 11 === 0 ? [`https://img.example.com/missing-${i}.jpg`] : [],
    article: {
      title, url, siteName: zh ? 'FT中文网' : 'Example', lang: zh ? 'zh-CN' : 'en', lead: null,
      leadImage: opts.images && i % 3 === 0 ? `https://img.example.com/${i}.png` : null, byline: null, translator: zh ? '李四' : null,
      published: null, updated: null, contentHtml, textContent: contentHtml.replace(/<[^>]+>/g, ''), length: 300 + i,
      readingMinutes: 1 + (i % 9), partial: i % 10 === 0, fullTextUrl: i % 10 === 0 ? `${url}&full=y` : null, paywalled: i % 10 === 0,
    },
  };
}

export function makeLibrary(n: number, opts: GenOptions = {}): SavedArticle[] {
  return Array.from({ length: n }, (_, i) => makeArticle(i, opts));
}

/** An image lookup over generated articles: every `img.example.com/<n>.png` exists, `missing-*` do not. */
export function makeImageLookup(): (articleId: string, url: string) => StoredImage | undefined {
  return (articleId, url) => (/img\.example\.com\/\d+\.png$/.test(url) ? { articleId, url, type: 'image/png', bytes: PNG_1x1 } : undefined);
}

export function joinParts(parts: string[]): string {
  return parts.join('');
}

const legacyTables = new Map<string, Map<string, number[]>>();

/**
 * `text` in GBK or Big5, as a spreadsheet on Chinese Windows saves it (no
 * BOM). TextEncoder writes only UTF-8: the table is the one the runtime's own
 * decoder reads, every two-byte code decoded once. Throws for a character the
 * encoding has no code for.
 */
export function encodeLegacy(text: string, encoding: 'gbk' | 'big5'): Uint8Array<ArrayBuffer> {
  let table = legacyTables.get(encoding);
  if (!table) {
    table = new Map();
    const decoder = new TextDecoder(encoding);
    for (let lead = 0x81; lead <= 0xfe; lead++) {
      for (let trail = 0x40; trail <= 0xfe; trail++) {
        if (trail === 0x7f) continue;
        const ch = decoder.decode(Uint8Array.of(lead, trail));
        if (ch !== '\ufffd' && [...ch].length === 1 && !table.has(ch)) table.set(ch, [lead, trail]);
      }
    }
    legacyTables.set(encoding, table);
  }
  const out: number[] = [];
  for (const ch of text) {
    const code = ch.codePointAt(0) as number;
    if (code < 0x80) out.push(code);
    else {
      const bytes = table.get(ch);
      if (!bytes) throw new Error(`no ${encoding} code for ${ch}`);
      out.push(...bytes);
    }
  }
  return Uint8Array.from(out);
}
