/**
 * Saving: from the popup (article already extracted), from a tab (shortcut,
 * page menu) or from a link (link menu). All of them end in `saveArticle`.
 */
import { MAX_HTML_CHARS } from '../core';
import type { Article } from '../core/types';
import browser from '../platform/browser';
import type { SaveOutcome } from '../platform/messages';
import { withoutPack } from '../storage/records';
import { extractInTab } from '../platform/tab-access';
import { announceChange } from '../storage/changes';
import { describeError, getLibrary } from './library';
import { imageUrls, originPattern } from '../core/article-images';
import { fetchImages } from './images';
import { pageText } from './page-text';
import { readAtMost } from './read-at-most';
import { extractFromHtml, sanitizeInBackground } from './dom-work';
import { validateArticle } from '../transfer/backup';

export async function saveArticle(raw: unknown): Promise<SaveOutcome> {
  let article: Article;
  try {
    // The background stores nothing it has not checked, even from our own pages.
    article = validateArticle(raw);
  } catch (error) {
    return { ok: false, error: 'invalid', message: `The article data is malformed: ${error instanceof Error ? error.message : String(error)}` };
  }
  try {
    article = { ...article, contentHtml: await sanitizeInBackground(article.contentHtml) };
    const library = await getLibrary();
    const id = library.idForUrl(article.url);
    const { images, missing, overBudget } = await fetchImages({ id, url: article.url }, imageUrls(article));
    // The page has the article it sent: answer with the index row only, not a copy of the body.
    const { article: _body, ...entry } = await library.save(article, { images, missingImages: missing });
    announceChange([entry.id]);
    // A re-save keeps the first savedAt and moves updatedAt on: no separate read needed to tell.
    return { ok: true, entry, created: entry.savedAt === entry.updatedAt, missingImages: missing, imagesOverBudget: overBudget };
  } catch (error) {
    return { ok: false, ...describeError(error) };
  }
}

export async function saveFromTab(tabId: number): Promise<SaveOutcome> {
  try {
    const result = await extractInTab(tabId);
    if (!result) return { ok: false, error: 'unreachable', message: browser.i18n.getMessage('cannotReadTab') };
    if (!result.ok) return { ok: false, error: result.reason, message: result.message };
    return await saveArticle(result.article);
  } catch (error) {
    return { ok: false, error: 'unreachable', message: error instanceof Error ? error.message : String(error) };
  }
}

const LINK_TIMEOUT_MS = 30_000;
/** A linked page's bytes read at most: the extraction's limit of HTML, were every character three bytes of UTF-8. */
const MAX_LINK_BYTES = MAX_HTML_CHARS * 3;

/** A link is fetched and extracted here only where the extension already has host access. */
export async function saveLink(url: string): Promise<SaveOutcome> {
  // A mailto:, javascript: or file: link has no origin to ask about (the browser refuses `null/*` with an error),
  // nor has a host no match pattern can spell (`a*b.example`).
  const origin = originPattern(url);
  if (!origin) return { ok: false, error: 'invalid', message: browser.i18n.getMessage('linkNotWeb') || 'That link is not a web page.' };
  if (!(await browser.permissions.contains({ origins: [origin] }))) {
    return {
      ok: false,
      error: 'no-access',
      message: browser.i18n.getMessage('linkNoAccess') || 'Qingdu may not read that site; open the link and save the page.',
    };
  }
  try {
    // A server that never answers, or never ends its page, would hold the fetch (and the reader's "Fetching…") open.
    const response = await fetch(url, { credentials: 'include', signal: AbortSignal.timeout(LINK_TIMEOUT_MS) });
    if (!response.ok) {
      await response.body?.cancel().catch(() => undefined);
      return { ok: false, error: 'network', message: `HTTP ${response.status}` };
    }
    const bytes = await readAtMost(response, MAX_LINK_BYTES);
    if (!bytes) return { ok: false, error: 'too-large', message: browser.i18n.getMessage('pageTooLarge') || 'This page is too large for Qingdu to read safely.' };
    const result = await extractFromHtml(pageText(bytes, response.headers.get('content-type')), response.url || url);
    if (!result.ok) return { ok: false, error: result.reason, message: result.message };
    return await saveArticle(result.article satisfies Article);
  } catch (error) {
    // A network failure rejects fetch() with a TypeError in the browser's own English ("Failed to fetch"), a timeout
    // with "signal timed out": say them in the reader's language.
    const known =
      error instanceof TypeError ? browser.i18n.getMessage('fetchTextNetwork') :
      error instanceof DOMException && error.name === 'TimeoutError' ? browser.i18n.getMessage('fetchTextTimeout', String(LINK_TIMEOUT_MS / 1000)) : '';
    return { ok: false, error: 'network', message: known || (error instanceof Error ? error.message : String(error)) };
  }
}

/**
 * Fetches the text of a link-only entry (an imported bookmark) with `saveLink`.
 * The article is stored under its own canonical URL; when that is not the
 * bookmark's, the bookmark is merged into the article as an import would
 * merge it (its saved date, tags, read state and time, and reading progress
 * kept; the fetched text wins) and its row goes, so the list shows the story
 * once and keeps what the user set.
 */
export async function fetchLinkEntry(id: string): Promise<SaveOutcome> {
  const library = await getLibrary();
  const link = await library.getEntry(id);
  if (!link) return { ok: false, error: 'invalid', message: browser.i18n.getMessage('articleNotFound') || 'This article is not in the library.' };
  const outcome = await saveLink(link.url);
  if (!outcome.ok || outcome.entry.id === id) return outcome;
  try {
    // Read again: the fetch may take half a minute, and tags set meanwhile are the bookmark's too.
    const bookmark = withoutPack((await library.getEntry(id)) ?? link);
    const article = await library.getBody(outcome.entry.id);
    if (article) {
      const record = { ...bookmark, id: outcome.entry.id, url: article.url, linkOnly: false, updatedAt: outcome.entry.updatedAt, article };
      await library.importRecords([record], { durable: true });
    }
    await library.remove(id);
    const entry = (await library.getEntry(outcome.entry.id)) ?? outcome.entry;
    announceChange([id, entry.id]);
    return { ...outcome, entry };
  } catch (error) {
    return { ok: false, ...describeError(error) };
  }
}
