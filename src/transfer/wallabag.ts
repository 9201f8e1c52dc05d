/** wallabag v2 JSON (FORMATS.md §7a) export and import, and Omnivore's export (§5a). */
import type { ReadState, SavedArticle } from '../storage/types';
import { articleFront, CREDIT_WORDS } from './article-front';
import { recordFromHtml, urlId } from './records';
import type { ChunkOptions, ImportError, ImportItem, ParseResult, Sanitize } from './types';
import { decodeEntities, decodeUtf8, escapeHtml, fileJsonProblem, inArchive, isoFromDate, mapChunked, oneLine, safeUnzip, safeUrl, TransferError, urlProblem, UNKNOWN_TIME } from './util';

/** `2016-09-08T11:55:58+0000`: the serializer's shape, which PHP DateTime parses. */
function wallabagDate(iso: string | null): string | null {
  if (!iso) return null;
  const t = Date.parse(iso);
  return Number.isFinite(t) ? new Date(t).toISOString().replace(/\.\d{3}Z$/, '+0000') : null;
}

function hostOf(url: string): string | null {
  try {
    return new URL(url).hostname;
  } catch {
    return null;
  }
}

/**
 * The article's HTML with the standfirst before it and the translator's credit after, which wallabag has no field for.
 * Their classes mark them as Qingdu's, so that `qingduFront` takes them out again when the file comes back.
 */
function wallabagContent(a: SavedArticle): string {
  const { lead, translator } = articleFront(a);
  const before = lead.length ? `<p class="${STANDFIRST_CLASS}"><em>${lead.map(escapeHtml).join('<br>')}</em></p>` : '';
  const after = translator ? `<p class="${CREDIT_CLASS}">${escapeHtml(translator)}</p>` : '';
  return before + a.article.contentHtml + after;
}

const STANDFIRST_CLASS = 'qd-standfirst';
const CREDIT_CLASS = 'qd-credit';
/** The standfirst as `wallabagContent` writes it, first in the content: escaped lines between `<br>`s. */
const STANDFIRST = new RegExp(`^<p class="${STANDFIRST_CLASS}"><em>([^<]*(?:<br>[^<]*)*)</em></p>`);
/** The credit as `wallabagContent` writes it, last in the content, in any of the words `translatorCredit` gives it. */
const CREDIT = new RegExp(`<p class="${CREDIT_CLASS}">(?:${CREDIT_WORDS.join('|')})([^<]+)</p>$`);

/**
 * A Qingdu export's content taken apart again: the article's HTML, its
 * standfirst and its translator, so that the article comes back as it was
 * rather than with them in its text. Content from wallabag itself has
 * neither mark and is left whole.
 */
function qingduFront(content: string): { html: string; lead: string | null; translator: string | null } {
  let html = content;
  const standfirst = STANDFIRST.exec(html);
  if (standfirst) html = html.slice(standfirst[0].length);
  const credit = CREDIT.exec(html);
  if (credit) html = html.slice(0, credit.index);
  return {
    html,
    lead: standfirst ? (standfirst[1] as string).split('<br>').map((line) => decodeEntities(line)).join('\n') : null,
    translator: credit ? decodeEntities(credit[1] as string) : null,
  };
}

/** The tag a wallabag star becomes. */
const STARRED = 'starred';

/**
 * One article as a wallabag v2 entry; `i` is its place in the export (the
 * entry's id). Null for a URL that is not http(s).
 */
export function wallabagEntry(a: SavedArticle, i: number): string | null {
  const url = safeUrl(a.url);
  if (!url) return null;
  const archived = inArchive(a);
  // wallabag's star comes in as the tag "starred" (see parseWallabag), and goes back out as the star.
  const starred = a.tags.includes(STARRED);
  const entry = {
    // A blank title makes wallabag fetch the page again instead of keeping `content` (ContentProxy::validateContent).
    id: i + 1, uid: null, title: a.title.trim() ? a.title : url, url, given_url: url, origin_url: null,
    is_archived: archived ? 1 : 0, archived_at: archived ? wallabagDate(a.readAt ?? a.updatedAt) : null,
    // A link never fetched has only its description: as content, wallabag would keep that and never fetch the page.
    is_starred: starred ? 1 : 0, starred_at: null, content: a.linkOnly ? '' : wallabagContent(a),
    created_at: wallabagDate(a.savedAt), updated_at: wallabagDate(a.updatedAt), published_at: wallabagDate(a.published),
    published_by: a.byline ? [a.byline] : [], annotations: [], mimetype: 'text/html', language: a.lang,
    reading_time: a.readingMinutes, domain_name: hostOf(url), preview_picture: safeUrl(a.leadImage),
    http_status: '200', headers: [], is_not_parsed: false, is_public: false, tags: starred ? a.tags.filter((t) => t !== STARRED) : a.tags,
  };
  // Half a surrogate pair would be written as an escape PHP's json_decode refuses, and wallabag then imports nothing.
  return JSON.stringify(entry, (_key, value: unknown) => (typeof value === 'string' ? value.toWellFormed() : value));
}

/** wallabag v2 JSON with the full article HTML in `content`, so wallabag does not re-fetch (paywalled pages survive). */
export async function exportWallabag(articles: readonly SavedArticle[], opts: ChunkOptions = {}): Promise<string> {
  const rows = await mapChunked(articles, wallabagEntry, opts);
  return '[' + rows.filter((r): r is string => r !== null).join(',\n') + ']\n';
}

export interface FullImportOptions {
  sanitize: Sanitize;
  /** The storage's id function; defaults to a hash of the URL. */
  idFor?: (url: string) => string;
}

/** A wallabag flag: `1` or `true` as wallabag writes it, or `"1"` as other tools and older exports give it. */
const isSet = (v: unknown): boolean => v === 1 || v === true || v === '1';
const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const str = (v: unknown): string | null => (typeof v === 'string' ? v : null);
const strList = (v: unknown): string[] =>
  Array.isArray(v)
    ? v.map((t) => (typeof t === 'string' ? t : isObject(t) && typeof t.label === 'string' ? t.label : '')).map((t) => t.trim()).filter(Boolean)
    : [];

function parseJsonArray(text: string, what: string): unknown[] {
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (e) {
    // The refusal names the format first ("wallabag JSON: …"): the reason need not say it again.
    throw new TransferError(`the file is not valid JSON, probably truncated or damaged (${fileJsonProblem(e, text, 'the file ends before the export does')})`);
  }
  if (!Array.isArray(doc)) throw new TransferError(`not a ${what} export (expected a JSON list of entries)`);
  return doc;
}

/**
 * What wallabag writes as the content of a page it could not fetch (`ContentProxy::stockEntry`). It is no text: taken
 * as one, it would replace a stored article's body as a newer version. (The entry's `is_not_parsed` says the same, but
 * stays set when a later fetch worked: the content decides.)
 */
const FETCH_FAILED = "wallabag can't retrieve contents for this article";

const fetchFailed = (content: string): boolean => content.trimStart().startsWith(FETCH_FAILED);

/** wallabag v2 JSON: entries with `content` become full articles; without it (or with wallabag's note that it could not fetch the page), links to fetch. */
export function parseWallabag(text: string, opts: FullImportOptions): ParseResult {
  const entries = parseJsonArray(text, 'wallabag');
  const items: ImportItem[] = [];
  const errors: ImportError[] = [];
  const idFor = opts.idFor ?? urlId;
  entries.forEach((e, i) => {
    const where = `Entry ${i + 1}: `;
    if (!isObject(e)) {
      errors.push({ reason: `${where}not an object` });
      return;
    }
    const url = safeUrl(e.url) ?? safeUrl(e.given_url);
    if (!url) {
      errors.push({ reason: where + urlProblem(e.url) });
      return;
    }
    const state: ReadState = isSet(e.is_archived) ? 'archived' : 'unread';
    const tags = strList(e.tags);
    if (isSet(e.is_starred)) tags.push(STARRED);
    const title = oneLine(str(e.title)) || url;
    const savedAt = isoFromDate(e.created_at) ?? UNKNOWN_TIME;
    const content = str(e.content);
    if (content && content.trim() && !fetchFailed(content)) {
      const by = Array.isArray(e.published_by) ? e.published_by.filter((x): x is string => typeof x === 'string').join(', ') : null;
      const { html, lead, translator } = qingduFront(content);
      items.push({
        kind: 'article', images: [],
        article: recordFromHtml({
          url, title, html, sanitize: opts.sanitize, id: idFor(url), state, tags: [...new Set(tags)], savedAt,
          updatedAt: isoFromDate(e.updated_at), lang: str(e.language), byline: by || null, lead, translator, leadImage: safeUrl(e.preview_picture),
          published: isoFromDate(e.published_at), readAt: state === 'archived' ? isoFromDate(e.archived_at) : null,
        }),
      });
    } else {
      items.push({ kind: 'link', url, title, tags: [...new Set(tags)], state, savedAt });
    }
  });
  return { items, errors };
}

/**
 * Omnivore: a merged metadata JSON list, or the export zip (`metadata_*.json`
 * plus `content/{slug}.html`, which makes the entry a full article).
 */
export function parseOmnivore(input: string | Uint8Array, opts: FullImportOptions): ParseResult {
  let entries: unknown[];
  const contents = new Map<string, string>();
  if (typeof input === 'string') {
    entries = parseJsonArray(input, 'Omnivore');
  } else {
    const files = safeUnzip(input, (n) => /(^|\/)metadata_[^/]*\.json$/i.test(n) || /(^|\/)content\/[^/]+\.html$/i.test(n));
    const metas = Object.keys(files).filter((n) => n.endsWith('.json')).sort((a, b) => {
      const na = Number(/metadata_(\d+)/.exec(a)?.[1] ?? 0);
      const nb = Number(/metadata_(\d+)/.exec(b)?.[1] ?? 0);
      return na - nb;
    });
    if (metas.length === 0) throw new TransferError('the zip holds no Omnivore metadata_*.json files');
    entries = [];
    // Not spread into push(): a file of more than about 125,000 entries overflowed the call stack.
    for (const n of metas) entries = entries.concat(parseJsonArray(decodeUtf8(files[n] as Uint8Array), 'Omnivore'));
    for (const [n, b] of Object.entries(files)) {
      const slug = /content\/([^/]+)\.html$/i.exec(n)?.[1];
      if (slug) contents.set(slug, decodeUtf8(b));
    }
  }
  const idFor = opts.idFor ?? urlId;
  const items: ImportItem[] = [];
  const errors: ImportError[] = [];
  entries.forEach((e, i) => {
    const where = `Entry ${i + 1}: `;
    if (!isObject(e)) {
      errors.push({ reason: `${where}not an object` });
      return;
    }
    const url = safeUrl(e.url);
    if (!url) {
      errors.push({ reason: where + urlProblem(e.url) });
      return;
    }
    // Exports users posted say `Archived` / `Active`; Omnivore's export job (packages/api/src/jobs/export.ts) writes the stored `ARCHIVED` / `SUCCEEDED`.
    const state: ReadState = typeof e.state === 'string' && e.state.toLowerCase() === 'archived' ? 'archived' : 'unread';
    const title = oneLine(str(e.title)) || url;
    const tags = [...new Set(strList(e.labels))];
    const savedAt = isoFromDate(e.savedAt) ?? UNKNOWN_TIME;
    const html = typeof e.slug === 'string' ? contents.get(e.slug) : undefined;
    if (html && html.trim()) {
      const progress = typeof e.readingProgress === 'number' && e.readingProgress >= 0 ? Math.min(1, e.readingProgress / 100) : 0;
      items.push({
        kind: 'article', images: [],
        article: recordFromHtml({
          url, title, html, sanitize: opts.sanitize, id: idFor(url), state, tags, savedAt, updatedAt: isoFromDate(e.updatedAt),
          byline: str(e.author), lead: str(e.description), leadImage: safeUrl(e.thumbnail), published: isoFromDate(e.publishedAt), progress,
        }),
      });
    } else {
      const lead = str(e.description)?.trim();
      items.push({ kind: 'link', url, title, tags, state, savedAt, ...(lead ? { lead } : {}) });
    }
  });
  return { items, errors };
}
