/**
 * The article every part of Qingdu speaks: produced by the extraction core,
 * stored by the background, rendered by the reader, written by the exporters.
 * Field names are a public contract (the CLI prints them as JSON).
 */
export interface Article {
  /** Headline as the site shows it (never the `<title>` suffix). */
  title: string;
  /** Canonical URL: tracking parameters dropped, site-specific normalisation applied. */
  url: string;
  siteName: string | null;
  /** BCP 47 language tag, e.g. `zh-CN`, `zh-TW`, `en`. */
  lang: string | null;
  /** Standfirst / dek, plain text. */
  lead: string | null;
  /** Hero image URL (absolute). */
  leadImage: string | null;
  byline: string | null;
  translator: string | null;
  /** ISO 8601 (UTC, `Z`). */
  published: string | null;
  updated: string | null;
  /** Body HTML, sanitized by DOMPurify. */
  contentHtml: string;
  textContent: string;
  /** Chinese characters plus words in other scripts. */
  length: number;
  readingMinutes: number;
  /** True when the body is not the whole text (one page of several, or a paywall cut). */
  partial: boolean;
  /** Where the whole text lives when `partial` (e.g. FT's `?full=y`). */
  fullTextUrl: string | null;
  paywalled: boolean;
}

/** What extraction returns: an article, or a plain reason there is none. */
export type ExtractResult =
  | { ok: true; article: Article }
  | { ok: false; reason: 'no-article' | 'not-html' | 'too-large'; message: string };
