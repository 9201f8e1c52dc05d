/** Runs an extracted article through every export format and reports what an export must never contain. */
import { strFromU8, unzipSync } from 'fflate';
import type { Article } from '../../src/core/types';
import type { SavedArticle } from '../../src/storage/types';
import { articleMarkdown, exportBackup, exportBookmarks, exportEpub, htmlToXhtml } from '../../src/transfer/index';
import { findStringProblems, tagsOf } from './checks';
import { EVIL_HOST } from './corpus';
import { WIN } from './node';

export function savedFrom(article: Article, id: string): SavedArticle {
  const now = '2025-06-15T00:00:00.000Z';
  return {
    id, url: article.url, title: article.title, siteName: article.siteName, lang: article.lang, byline: article.byline, lead: article.lead,
    leadImage: article.leadImage, published: article.published, savedAt: now, updatedAt: now, readAt: null, state: 'unread', tags: ['安全'],
    readingMinutes: article.readingMinutes, length: article.length, partial: article.partial, progress: 0, linkOnly: false,
    bodyBytes: article.contentHtml.length, imageBytes: 0, missingImages: [], article,
  };
}

const env = { DOMParser: WIN.DOMParser, XMLSerializer: WIN.XMLSerializer };

/**
 * Markdown may carry HTML through to whatever renders it: raw tags are a
 * problem there (text `<` must come out escaped), and so is any link or
 * image destination with a script scheme.
 */
export function markdownProblems(md: string): string[] {
  const problems: string[] = [];
  // Front matter is JSON-quoted YAML. Image alt text and link titles are rendered as attribute values
  // (escaped) by CommonMark renderers, so markup-looking text there stays text.
  const body = md
    .replace(/^---\n[\s\S]*?\n---\n/, '')
    .replace(/!\[(?:\\.|[^\]\\])*\]/g, '![]')
    .replace(/\s"(?:\\.|[^"\\])*"\)/g, ')')
    // Code blocks and code spans show their content as text in every CommonMark renderer,
    // and a backslash-escaped `\<` is a literal character, not a tag.
    .replace(/^```[^\n]*\n[\s\S]*?\n```$/gm, '')
    .replace(/(`+)[^`]*?\1/g, '')
    .replace(/\\</g, '');
  const raw = /<\/?(script|iframe|object|embed|form|style|svg|math|img|a|base|meta|link|details|video|audio|input|body|xmp|noscript|template|title|textarea)\b[^>]*>?/i.exec(body);
  if (raw) problems.push(`raw HTML tag in Markdown: ${raw[0].slice(0, 60)}`);
  if (/\]\(\s*<?\s*(javascript|vbscript|data):/i.test(body)) problems.push('script/data URL as a Markdown link destination');
  if (new RegExp(`!\\[[^\\]]*\\]\\(<?https?://${EVIL_HOST.replace('.', '\\.')}`).test(body)) problems.push(`Markdown image from ${EVIL_HOST}`);
  return problems;
}

export interface ExportReport {
  bookmarks: string[];
  xhtml: string[];
  epub: string[];
  markdown: string[];
  backup: string[];
}

export async function exportProblems(saved: SavedArticle[]): Promise<ExportReport> {
  const bookmarks = await exportBookmarks(saved);
  // The header's META (Netscape format) is expected; rows must carry nothing active.
  const rows = bookmarks.slice(bookmarks.indexOf('<DL><p>'));
  const report: ExportReport = { bookmarks: [], xhtml: [], epub: [], markdown: [], backup: [] };
  const BOOKMARK_TAGS = new Set(['dl', 'dt', 'dd', 'a', 'p', 'h3']);
  const BOOKMARK_ATTRS = new Set(['href', 'add_date', 'last_modified', 'tags', 'toread']);
  for (const { name, attrs } of tagsOf(rows)) {
    if (!BOOKMARK_TAGS.has(name)) report.bookmarks.push(`<${name}> in a bookmark row`);
    for (const [k, v] of attrs) {
      if (!BOOKMARK_ATTRS.has(k)) report.bookmarks.push(`${k}= on <${name}> in a bookmark row`);
      if (k === 'href' && !/^https?:\/\//.test(v)) report.bookmarks.push(`bookmark HREF ${v.slice(0, 20)}`);
    }
  }
  for (const a of saved) {
    const xhtml = htmlToXhtml(a.article.contentHtml, env, () => null);
    report.xhtml.push(...findStringProblems(xhtml, EVIL_HOST).map((p) => `${a.id}: ${p}`));
    report.markdown.push(...markdownProblems(articleMarkdown(a)).map((p) => `${a.id}: ${p}`));
  }
  const epub = unzipSync(await exportEpub(saved, undefined, { env, now: new Date('2025-06-15T00:00:00Z'), identifier: 'urn:uuid:0' }));
  for (const [name, bytes] of Object.entries(epub)) {
    if (!/\.x?html$/.test(name)) continue;
    const text = strFromU8(bytes);
    // The chapter head legitimately has <meta charset> and a stylesheet link to the book's own CSS.
    const body = text.replace(/<head>[\s\S]*?<\/head>/, '');
    report.epub.push(...findStringProblems(body, EVIL_HOST).map((p) => `${name}: ${p}`));
  }
  const backup = (await exportBackup(saved)).join('');
  const parsed = JSON.parse(backup) as { articles: SavedArticle[] };
  if (parsed.articles.length !== saved.length) report.backup.push('backup lost articles');
  for (const a of parsed.articles) {
    if (a.article.contentHtml !== saved.find((s) => s.id === a.id)?.article.contentHtml) report.backup.push(`${a.id}: body changed in the backup`);
    report.backup.push(...findStringProblems(a.article.contentHtml, EVIL_HOST).map((p) => `${a.id}: ${p}`));
  }
  return report;
}
