/**
 * Popup: shows the current tab's article (title, site, reading time) and saves it.
 * On FT Chinese the declared content script answers; elsewhere the extractor is
 * injected on demand, which `activeTab` allows only after the user's click.
 */
import type { Article } from '../core/types';
import type { LibraryEntry } from '../storage/types';
import browser from '../platform/browser';
import { sendMessage } from '../platform/messages';
import { imagesOverBudgetText, saveFailedText, t, tCount, translatePage } from '../ui/i18n';
import { joinSentences } from '../ui/format';
import { parseTags, showTagChips } from '../ui/tags';
import { NO_ARTICLE_REASONS } from '../ui/no-article';
import { followThemePref } from '../ui/theme';
import { askForOrigins, originsToAsk } from './image-access';
import { extractInTab, isReadableUrl } from '../platform/tab-access';

type State = 'loading' | 'article' | 'empty' | 'waiting' | 'error';

/**
 * How long the spinner may turn before the popup offers a retry. Injection waits
 * for the page to finish loading, which on a slow page can take as long as it likes.
 */
const READ_TIMEOUT_MS = 12_000;

const $ = <T extends HTMLElement = HTMLElement>(id: string) => document.getElementById(id) as T;

function show(state: State): void {
  for (const name of ['loading', 'article', 'empty', 'waiting', 'error'] as const) {
    $(`state-${name}`).hidden = name !== state;
  }
  // The status line says what a state's heading and message say; the article's own state is
  // heard through the Save button, which takes focus, and its status line (#save-status).
  const said = state === 'article' ? [] : [...$(`state-${state}`).querySelectorAll('h1, p, .state-message')];
  $('state-status').textContent = said.map((el) => el.textContent?.trim()).filter(Boolean).join(' ');
}

function showEmpty(detailKey: string): void {
  $('empty-detail').textContent = t(detailKey);
  show('empty');
}

/** The page is not ready to read yet: say why and offer a retry. */
function showWaiting(detailKey: string): void {
  $('waiting-detail').textContent = t(detailKey);
  show('waiting');
  // Nothing else had focus (the spinner takes none): put it where Enter retries.
  if (document.activeElement === document.body) $('retry').focus();
}

function renderArticle(article: Article, tabId: number): void {
  const title = $('article-title');
  title.textContent = article.title;
  // Spoken in the article's language, not the interface's: an English voice spells a Chinese title out.
  if (article.lang) title.lang = article.lang;
  const parts = [article.siteName, t('readingMinutes', String(article.readingMinutes))].filter(Boolean);
  $('article-meta').textContent = parts.join(' · ');
  if (article.partial) {
    const partial = $('article-partial');
    partial.hidden = false;
    partial.textContent = article.paywalled ? t('partialPaywall') : t('partialPages');
  }
  const reader = $<HTMLAnchorElement>('open-reader');
  reader.href = browser.runtime.getURL(`reader.html?tab=${tabId}`);
  reader.target = '_blank';
  const save = $<HTMLButtonElement>('save');
  let askImages: string[] = [];
  void originsToAsk(article).then((origins) => (askImages = origins), () => undefined);
  save.addEventListener('click', () => {
    if (askImages.length) $('save-status').textContent = t('askImageAccess');
    askForOrigins(askImages);
    askImages = [];
    void saveArticle(article, tabId, save);
  });
  show('article');
  save.focus();
}

async function saveArticle(article: Article, tabId: number, button: HTMLButtonElement): Promise<void> {
  const status = $('save-status');
  button.disabled = true;
  status.className = '';
  status.textContent = t('saving');
  // A rejected message means the background went away mid-save (stopped, updated, crashed):
  // its write is one transaction, so the library holds the old record or the new one, never half.
  const outcome = await sendMessage('library.save', { article, tabId }).catch(() => ({
    ok: false as const,
    error: 'unreachable',
    message: t('saveInterrupted'),
  }));
  if (outcome.ok) {
    // The button stays disabled (there is nothing left to do there) but reads as success, not as faded.
    button.textContent = t('saved');
    button.classList.add('saved');
    // Those past the article's budget would be missed again by a retry: they get their own reason, not Retry.
    const over = outcome.imagesOverBudget;
    const failed = outcome.missingImages.length - over;
    status.textContent = joinSentences(failed ? tCount('imagesNotSavedOne', 'imagesNotSaved', failed) : '', over ? imagesOverBudgetText(over) : '');
    // Focus was on the now-disabled button: without this it drops to the body and Tab starts over.
    showLibraryLink(outcome.entry.id).focus();
    showTags(outcome.entry);
  } else {
    button.disabled = false;
    status.className = 'error';
    status.textContent = saveFailedText(outcome.error, outcome.message);
  }
}

/** Shows "Open in library", at the article's row. */
function showLibraryLink(id: string): HTMLAnchorElement {
  const library = $<HTMLAnchorElement>('open-library');
  library.href = browser.runtime.getURL(`library.html#${encodeURIComponent(id)}`);
  library.hidden = false;
  // It leads to the library as the footer's link does, and to this article's row: one way there, not two.
  document.querySelector('footer')?.setAttribute('hidden', '');
  return library;
}

/** The saved article whose tags the form edits. */
let taggedId: string | null = null;

/** Tags already in the library, the most used first; asked for once. */
let libraryTags: Promise<string[]> | null = null;
/** How many of them the popup offers at a time. */
const OFFERED_TAGS = 8;

/** Shows the saved article's tags, to change right here: most readers tag as they save. */
function showTags(entry: LibraryEntry): void {
  taggedId = entry.id;
  $<HTMLInputElement>('tags-input').value = entry.tags.join(', ');
  $('tags-form').hidden = false;
  libraryTags ??= sendMessage('library.tags', {}).catch(() => []);
  void offerTags();
}

/** The library's most used tags the article does not have yet, each added (and saved) by one click. */
async function offerTags(): Promise<void> {
  const known = await (libraryTags ?? []);
  const typed = new Set(parseTags($<HTMLInputElement>('tags-input').value, known));
  const offered = known.filter((tag) => !typed.has(tag)).slice(0, OFFERED_TAGS);
  showTagChips($('tags-suggested'), offered, (tag) => t('addTag', tag), (tag) => {
    const input = $<HTMLInputElement>('tags-input');
    input.value = [...parseTags(input.value, known), tag].join(', ');
    $<HTMLFormElement>('tags-form').requestSubmit();
  });
}

async function saveTags(event: SubmitEvent): Promise<void> {
  event.preventDefault();
  if (!taggedId) return;
  const input = $<HTMLInputElement>('tags-input');
  const status = $('tags-status');
  status.className = '';
  const tags = parseTags(input.value, await (libraryTags ?? []));
  const updated = await sendMessage('library.update', { id: taggedId, patch: { tags } }).catch(() => null);
  if (updated) {
    input.value = updated.tags.join(', ');
    status.textContent = t('tagsSaved');
    // A chip pressed goes with its tag; focus, if it was there, moves to the field rather than to the page.
    const pressed = Boolean(document.activeElement?.closest('#tags-suggested'));
    await offerTags();
    if (pressed) input.focus();
  } else {
    status.className = 'error';
    status.textContent = t('tagsNotSaved');
  }
}

/** Bumped by each read: a read that answers after a retry started is dropped. */
let currentRead = 0;

async function readActiveTab(): Promise<void> {
  const read = ++currentRead;
  show('loading');
  const [tab] = await browser.tabs.query({ active: true, currentWindow: true });
  // Still navigating: no URL yet, or still the new-tab page it is leaving. Not a browser page.
  if (tab?.id && tab.status === 'loading' && !isReadableUrl(tab.url)) return showWaiting('pageStillLoading');
  if (!tab?.id || !isReadableUrl(tab.url)) return showEmpty('notAWebPage');
  // Past the timeout the read goes on: if it answers before a retry, its article still shows.
  const timer = setTimeout(() => {
    if (read === currentRead) showWaiting('readTimedOut');
  }, READ_TIMEOUT_MS);
  const result = await extractInTab(tab.id)
    .catch((error: unknown) => {
      if (read === currentRead) throw error;
      return null;
    })
    .finally(() => clearTimeout(timer));
  if (read !== currentRead) return;
  if (!result) return showEmpty('cannotReadTab');
  if (!result.ok) return showEmpty(NO_ARTICLE_REASONS[result.reason]);
  renderArticle(result.article, tab.id);
  const existing = await sendMessage('library.lookup', { url: result.article.url }).catch(() => null);
  if (existing) {
    // Reading it is the likely wish now; saving again (to update it) stays one Tab away.
    const save = $<HTMLButtonElement>('save');
    save.textContent = t('saveAgain');
    save.classList.remove('primary');
    $('save-status').textContent = t('alreadySaved');
    showLibraryLink(existing.id);
    showTags(existing);
    const reader = $('open-reader');
    reader.classList.add('primary');
    if (document.activeElement === save || document.activeElement === document.body) reader.focus();
  }
}

function showError(error: unknown): void {
  $('error-detail').textContent = error instanceof Error ? error.message : String(error);
  show('error');
}

async function main(): Promise<void> {
  translatePage();
  followThemePref();
  $('retry').addEventListener('click', () => void readActiveTab().catch(showError));
  $('tags-form').addEventListener('submit', (event) => void saveTags(event));
  await readActiveTab();
}

main().catch(showError);
