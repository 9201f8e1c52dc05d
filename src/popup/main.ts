/**
 * Popup: shows the current tab's article (title, site, reading time) and saves it.
 * On FT Chinese the declared content script answers; elsewhere the extractor is
 * injected on demand, which `activeTab` allows only after the user's click.
 */
import type { Article } from '../core/types';
import browser from '../platform/browser';
import { sendMessage } from '../platform/messages';
import { t, translatePage } from '../ui/i18n';
import { followThemePref } from '../ui/theme';
import { askForOrigins, originsToAsk } from './image-access';
import { extractInTab, isReadableUrl } from '../platform/tab-access';

type State = 'loading' | 'article' | 'empty' | 'error';

/** Storage failures the user can act on, in the browser's language. */
const SAVE_ERRORS: Record<string, string> = { quota: 'saveQuota', aborted: 'saveAborted' };

/** Why a page gave no article, in words for the reader. */
const NO_ARTICLE_REASONS: Record<'no-article' | 'not-html' | 'too-large', string> = {
  'no-article': 'noArticleDetail',
  'not-html': 'notHtml',
  'too-large': 'pageTooLarge',
};

const $ = <T extends HTMLElement = HTMLElement>(id: string) => document.getElementById(id) as T;

function show(state: State): void {
  for (const name of ['loading', 'article', 'empty', 'error'] as const) {
    $(`state-${name}`).hidden = name !== state;
  }
}

function renderArticle(article: Article, tabId: number): void {
  $('article-title').textContent = article.title;
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
    button.textContent = t('saved');
    status.textContent = outcome.missingImages.length ? t('imagesNotSaved', String(outcome.missingImages.length)) : '';
    const library = $<HTMLAnchorElement>('open-library');
    library.href = browser.runtime.getURL(`library.html#${encodeURIComponent(outcome.entry.id)}`);
    library.hidden = false;
  } else {
    button.disabled = false;
    status.className = 'error';
    const known = SAVE_ERRORS[outcome.error];
    status.textContent = `${t('saveFailed')} ${known ? t(known) : outcome.message}`;
  }
}

async function main(): Promise<void> {
  translatePage();
  followThemePref();
  const [tab] = await browser.tabs.query({ active: true, currentWindow: true });
  if (!tab?.id || !isReadableUrl(tab.url)) {
    $('empty-detail').textContent = t('notAWebPage');
    show('empty');
    return;
  }
  const result = await extractInTab(tab.id);
  if (!result) {
    $('empty-detail').textContent = t('cannotReadTab');
    show('empty');
    return;
  }
  if (!result.ok) {
    $('empty-detail').textContent = t(NO_ARTICLE_REASONS[result.reason]);
    show('empty');
    return;
  }
  renderArticle(result.article, tab.id);
  const existing = await sendMessage('library.lookup', { url: result.article.url }).catch(() => null);
  if (existing) {
    $('save').textContent = t('saveAgain');
    $('save-status').textContent = t('alreadySaved');
  }
}

main().catch((error: unknown) => {
  $('error-detail').textContent = error instanceof Error ? error.message : String(error);
  show('error');
});
