/**
 * Page metadata fallbacks, used after site rules: JSON-LD → Open Graph /
 * article meta → `<html lang>` → `<title>`. Plus language detection for
 * Chinese text (Simplified vs Traditional).
 */
import { oneLine, queryAll } from './dom';
import { DEFAULT_TZ_OFFSET_MINUTES, parseDate } from './dates';

export interface PageMetadata {
  title: string | null;
  description: string | null;
  image: string | null;
  siteName: string | null;
  author: string | null;
  published: string | null;
  updated: string | null;
  lang: string | null;
  /** The text of the page's first `<h1>`s: a `<title>` that starts with one is that heading and the site's name. */
  headings: string[];
}

/** Each `property` and `name` value of the page's `<meta>` elements → the first element carrying it (one pass, not one query per key). */
type MetaIndex = Map<string, Element>;

function indexMeta(doc: Document): MetaIndex {
  const index: MetaIndex = new Map();
  const metas = doc.getElementsByTagName('meta');
  for (let i = 0; i < metas.length; i++) {
    const el = metas[i] as Element;
    for (const attr of ['property', 'name']) {
      const key = el.getAttribute(attr);
      if (key !== null && !index.has(key)) index.set(key, el);
    }
  }
  return index;
}

/** Content of the first `<meta property|name="key">` for the first key whose content is usable. */
function meta(index: MetaIndex, ...keys: string[]): string | null {
  for (const k of keys) {
    const v = index.get(k)?.getAttribute('content');
    if (v && oneLine(v) && !/[<>{}]|<%|\$/.test(v)) return oneLine(v);
  }
  return null;
}

function jsonLd(doc: Document): Record<string, unknown> {
  for (const s of queryAll(doc, 'script[type="application/ld+json"]')) {
    try {
      const data: unknown = JSON.parse(s.textContent ?? '');
      // WordPress and other CMSs put the article among the page's other nodes, in one @graph.
      const graph = typeof data === 'object' && data && !Array.isArray(data) ? (data as { '@graph'?: unknown })['@graph'] : undefined;
      const items: unknown[] = Array.isArray(data) ? data : Array.isArray(graph) ? graph : [data];
      const found = items.find((d) => typeof d === 'object' && d && /Article|Posting|Report/.test(String((d as { '@type'?: unknown })['@type'])));
      if (found) return found as Record<string, unknown>;
    } catch {
      /* ignore malformed JSON-LD */
    }
  }
  return {};
}

/** File names of a site's stand-in picture, the same on every page: a logo, an icon, a default share image. */
const STAND_IN = /(?:^|[^a-z])(?:fb|og|site)?(?:logo|favicon|icon?|placeholder)s?(?:[^a-z]|$)|^(?:(?:og|share|social)[-_])?default[-_.]/i;

/** The page's picture, unless its file name says it is the site's stand-in (Yahoo! Japan's fbico_ogp_600x600.png). */
function ownPicture(url: string | null): string | null {
  const file = url?.replace(/[?#].*$/s, '').split('/').pop() ?? '';
  return STAND_IN.test(file) ? null : url;
}

export function readPageMetadata(doc: Document): PageMetadata {
  const ld = jsonLd(doc);
  const m = indexMeta(doc);
  const str = (v: unknown): string | null => (typeof v === 'string' && v.trim() ? oneLine(v) : null);
  const ldAuthor = ld.author as { name?: unknown } | { name?: unknown }[] | undefined;
  const author = Array.isArray(ldAuthor) ? ldAuthor.map((a) => str(a.name)).filter(Boolean).join(', ') || null : str(ldAuthor?.name);
  const ldImage = ld.image as unknown;
  const lang = doc.documentElement?.getAttribute('lang')?.trim() || null;
  const title = str(ld.headline) ?? meta(m, 'og:title', 'twitter:title') ?? (oneLine(doc.title) || null);
  const description = str(ld.description) ?? meta(m, 'og:description', 'description', 'twitter:description');
  // A Chinese page's "2024-09-20 08:30:00" is the wall clock it prints beside it: Beijing (or Taipei, Hong Kong) time, UTC+8.
  const chinese = lang ? /^zh\b/i.test(lang) : detectChinese(`${title ?? ''}${description ?? ''}`) !== null;
  const date = (v: string | null): string | null => parseDate(v, DEFAULT_TZ_OFFSET_MINUTES, chinese ? DEFAULT_TZ_OFFSET_MINUTES : 0);
  return {
    title,
    description,
    image: ownPicture(str(typeof ldImage === 'object' && ldImage ? (ldImage as { url?: unknown }).url : ldImage) ?? meta(m, 'og:image', 'twitter:image')),
    siteName: meta(m, 'og:site_name', 'application-name'),
    // Open Graph's article:author is often the author's profile page: a URL is no name to show.
    author: author ?? [meta(m, 'author'), meta(m, 'article:author')].find((name) => name && !/^https?:\/\//i.test(name)) ?? null,
    // After Open Graph's name, those Chinese portals and Dublin Core use (光明网 gives only publishdate).
    published: date(str(ld.datePublished)) ?? date(meta(m, 'article:published_time', 'pubdate', 'publishdate', 'date', 'weibo:article:create_at', 'dcterms.created', 'dcterms.issued')),
    updated: date(str(ld.dateModified)) ?? date(meta(m, 'article:modified_time')),
    lang,
    headings: queryAll(doc, 'h1').slice(0, 5).map((h) => oneLine(h.textContent)).filter(Boolean),
  };
}

/** Characters written only in Traditional Chinese, and their Simplified counterparts (all in the BMP; the sets do not overlap). */
const TRADITIONAL = '這們來時國說為爲對會過還發個從後實與當體關點開經應麼樣將進東車長門問題現電話們蘭灣總統義濟華';
const SIMPLIFIED = '这们来时国说为对会过还发个从后实与当体关点开经应么样将进东车长门问题现电话兰湾总统义济华';
/** Everything but those characters, and everything but the Traditional ones. */
const NEITHER = new RegExp(`[^${TRADITIONAL}${SIMPLIFIED}]+`, 'g');
const NOT_TRADITIONAL = new RegExp(`[^${TRADITIONAL}]+`, 'g');
const NOT_KANA = /[^\u3041-\u309f\u30a1-\u30ff]+/g;
const NOT_HAN_OR_KANA = /[^\p{Script=Han}\u3041-\u309f\u30a1-\u30ff]+/gu;

/** `zh-TW` when Traditional characters dominate, `zh-CN` when Simplified do, null for too little Chinese. */
export function detectChinese(text: string): 'zh-TW' | 'zh-CN' | null {
  // Two native passes, the second over the few telling characters only.
  const telling = text.replace(NEITHER, '');
  if (telling.length < 5) return null;
  // Japanese writes many of the same characters (時, 問題, 電話) among its kana; Chinese has kana only as a rare flourish (台灣の味).
  const kana = text.replace(NOT_KANA, '').length;
  if (kana * 10 > text.replace(NOT_HAN_OR_KANA, '').length) return null;
  const t = telling.replace(NOT_TRADITIONAL, '').length;
  return t > telling.length - t ? 'zh-TW' : 'zh-CN';
}
