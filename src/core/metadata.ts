/**
 * Page metadata fallbacks, used after site rules: JSON-LD → Open Graph /
 * article meta → `<html lang>` → `<title>`. Plus language detection for
 * Chinese text (Simplified vs Traditional).
 */
import { oneLine, queryAll, queryOne } from './dom';
import { parseDate } from './dates';

export interface PageMetadata {
  title: string | null;
  description: string | null;
  image: string | null;
  siteName: string | null;
  author: string | null;
  published: string | null;
  updated: string | null;
  lang: string | null;
}

function meta(doc: Document, ...keys: string[]): string | null {
  for (const k of keys) {
    const v = queryOne(doc, `meta[property="${k}"], meta[name="${k}"]`)?.getAttribute('content');
    if (v && oneLine(v) && !/[<>{}]|<%|\$/.test(v)) return oneLine(v);
  }
  return null;
}

function jsonLd(doc: Document): Record<string, unknown> {
  for (const s of queryAll(doc, 'script[type="application/ld+json"]')) {
    try {
      const data: unknown = JSON.parse(s.textContent ?? '');
      const items = Array.isArray(data) ? data : [data];
      const found = items.find((d) => typeof d === 'object' && d && /Article|Posting|Report/.test(String((d as { '@type'?: unknown })['@type'])));
      if (found) return found as Record<string, unknown>;
    } catch {
      /* ignore malformed JSON-LD */
    }
  }
  return {};
}

export function readPageMetadata(doc: Document): PageMetadata {
  const ld = jsonLd(doc);
  const str = (v: unknown): string | null => (typeof v === 'string' && v.trim() ? oneLine(v) : null);
  const ldAuthor = ld.author as { name?: unknown } | { name?: unknown }[] | undefined;
  const author = Array.isArray(ldAuthor) ? ldAuthor.map((a) => str(a.name)).filter(Boolean).join(', ') || null : str(ldAuthor?.name);
  const ldImage = ld.image as unknown;
  return {
    title: str(ld.headline) ?? meta(doc, 'og:title', 'twitter:title') ?? (oneLine(doc.title) || null),
    description: str(ld.description) ?? meta(doc, 'og:description', 'description', 'twitter:description'),
    image: str(typeof ldImage === 'object' && ldImage ? (ldImage as { url?: unknown }).url : ldImage) ?? meta(doc, 'og:image', 'twitter:image'),
    siteName: meta(doc, 'og:site_name', 'application-name'),
    author: author ?? meta(doc, 'author', 'article:author'),
    published: parseDate(str(ld.datePublished)) ?? parseDate(meta(doc, 'article:published_time', 'pubdate', 'date')),
    updated: parseDate(str(ld.dateModified)) ?? parseDate(meta(doc, 'article:modified_time')),
    lang: doc.documentElement?.getAttribute('lang')?.trim() || null,
  };
}

/** Characters written only in Traditional Chinese, and their Simplified counterparts. */
const TRADITIONAL = /[這們來時國說為爲對會過還發個從後實與當體關點開經應麼樣將進東車長門問題現電話們蘭灣總統義濟華]/gu;
const SIMPLIFIED = /[这们来时国说为对会过还发个从后实与当体关点开经应么样将进东车长门问题现电话兰湾总统义济华]/gu;

/** `zh-TW` when Traditional characters dominate, `zh-CN` when Simplified do, null for too little Chinese. */
export function detectChinese(text: string): 'zh-TW' | 'zh-CN' | null {
  const t = text.match(TRADITIONAL)?.length ?? 0;
  const s = text.match(SIMPLIFIED)?.length ?? 0;
  if (t + s < 5) return null;
  return t > s ? 'zh-TW' : 'zh-CN';
}
