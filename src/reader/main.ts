/**
 * Reader page.
 *   reader.html?id=<id>    a saved article: body and images from IndexedDB, never the network
 *   reader.html?tab=<id>   the article of an open tab, before it is saved
 * Writes (read state, progress, image retry) go to the background by message.
 */
import type { Article } from '../core/types';
import { originPatterns } from '../core/article-images';
import { IdbLibraryReader } from '../library/data';
import browser from '../platform/browser';
import { sendMessage, sendToTab } from '../platform/messages';
import type { LibraryEntry } from '../storage/types';
import { joinSentences, scriptOf, throttle } from '../ui/format';
import { imagesOverBudgetText, saveFailedText, t, tCount, translatePage, uiLocale } from '../ui/i18n';
import { dialogOpen, isTyping } from '../ui/keys';
import { NO_ARTICLE_REASONS } from '../ui/no-article';
import { mountShortcutHelp, type Shortcut } from '../ui/shortcuts';
import {
  FONT_SIZES,
  loadPrefs,
  nextTheme,
  normalizePrefs,
  PREFS_KEY,
  savePrefs,
  stepFontSize,
  stepWidth,
  WIDTHS,
  type ReaderPrefs,
} from '../ui/prefs';
import { TextConversion, loadConverter } from './convert';
import { imageRefsOf, renderArticle, sanitizeBody, setBilingualLayout, type RenderedArticle } from './render';

type State = 'loading' | 'missing' | 'linkonly' | 'error' | 'article';

const $ = <T extends HTMLElement = HTMLElement>(id: string) => document.getElementById(id) as T;
const library = new IdbLibraryReader();
const blobUrls: string[] = [];
/** How far one j/k or arrow press scrolls, in lines of body text. */
const SCROLL_LINES = 3;
/** Asked for in the system's settings: then a key moves the page at once, with no glide. */
const reducedMotion = matchMedia('(prefers-reduced-motion: reduce)');

let prefs: ReaderPrefs = normalizePrefs(undefined);
let rendered: RenderedArticle | null = null;
let savedId: string | null = null;

/** The article shown is the library's `id`: "← Library" and Esc go back to its row, not to the top of the list. */
function rememberSaved(id: string): void {
  savedId = id;
  $<HTMLAnchorElement>('back').href = libraryAt(id);
}

const libraryAt = (id: string | null): string => browser.runtime.getURL(id ? `library.html#${encodeURIComponent(id)}` : 'library.html');

function show(state: State): void {
  for (const name of ['loading', 'missing', 'linkonly', 'error'] as const) $(`state-${name}`).hidden = name !== state;
  $('article-host').hidden = state !== 'article';
  for (const controls of document.querySelectorAll<HTMLElement>('.toolbar .group, #settings')) controls.hidden = state !== 'article';
}

function showError(error: unknown): void {
  $('error-detail').textContent = error instanceof Error ? error.message : String(error);
  show('error');
}

function applyPrefs(): void {
  const root = document.documentElement;
  root.dataset.theme = prefs.theme;
  root.style.setProperty('--reader-size', `${prefs.fontSize}px`);
  root.style.setProperty('--reader-width', `${prefs.width}em`);
  // At a limit the button says so; aria-disabled rather than disabled, so a button in use keeps the keyboard's focus.
  $('font-smaller').setAttribute('aria-disabled', String(prefs.fontSize <= FONT_SIZES.min));
  $('font-larger').setAttribute('aria-disabled', String(prefs.fontSize >= FONT_SIZES.max));
  $('narrower').setAttribute('aria-disabled', String(prefs.width <= WIDTHS.min));
  $('wider').setAttribute('aria-disabled', String(prefs.width >= WIDTHS.max));
  $<HTMLSelectElement>('theme').value = prefs.theme;
  $<HTMLSelectElement>('bilingual').value = prefs.bilingual;
  if (rendered?.bilingual) setBilingualLayout(rendered.root, prefs.bilingual);
}

function changePrefs(patch: Partial<ReaderPrefs>): void {
  prefs = normalizePrefs({ ...prefs, ...patch });
  applyPrefs();
  savePrefs(prefs).catch(() => undefined);
}

let announceTimer: ReturnType<typeof setTimeout> | null = null;
/**
 * A short status line (theme changed, images fetched) that clears itself. A failure (`stay`) stays until the next
 * line: read once and gone after four seconds, a reader who looked away never learnt why Save did nothing.
 */
function announce(text: string, { stay = false } = {}): void {
  $('status').textContent = text;
  if (announceTimer) clearTimeout(announceTimer);
  announceTimer = stay ? null : setTimeout(() => ($('status').textContent = ''), 4000);
}

// ---- loading ----

async function loadSaved(id: string): Promise<void> {
  const [entry, article] = await Promise.all([library.getEntry(id), library.getBody(id)]);
  if (!entry) {
    show('missing');
    return;
  }
  if (!article || (entry.linkOnly && !article.contentHtml)) {
    // An imported bookmark: there is no text to show yet, only the way to it.
    $('linkonly-title').textContent = entry.title || entry.url;
    // What the imported file said of the link (a bookmark's description, an Instapaper selection).
    const lead = $('linkonly-lead');
    lead.textContent = entry.lead ?? '';
    lead.hidden = !entry.lead;
    // The title and lead are in the article's language, the rest of the screen in the UI's.
    for (const el of [$('linkonly-title'), lead]) {
      if (entry.lang) el.lang = entry.lang;
      else el.removeAttribute('lang');
    }
    $<HTMLAnchorElement>('linkonly-open').href = entry.url;
    $('linkonly-fetch').onclick = () => void fetchText(entry);
    document.title = `${entry.title} · ${t('extShortName')}`;
    show('linkonly');
    return;
  }
  rememberSaved(id);
  // Look up every image the article shows; those with no stored copy become placeholders.
  const refs = imageRefsOf(article, sanitizeBody(article.contentHtml, window));
  const stored = new Map<string, string>();
  await Promise.all(
    refs.map(async ({ url, raw }) => {
      const blob = await findImage(id, url, raw);
      if (blob) stored.set(url, objectUrl(blob));
    }),
  );
  display(article, (url) => stored.get(url) ?? null);
  markRead(entry);
  offerArchive(entry);
  await restoreProgress(entry.progress);
  trackProgress(id);
}

/**
 * Fetches an imported bookmark's text through the background. Access to its
 * site is asked for first, in the click itself: browsers show a permission
 * prompt only during the user's gesture (sites already granted do not ask).
 */
async function fetchText(entry: LibraryEntry): Promise<void> {
  const button = $<HTMLButtonElement>('linkonly-fetch');
  const status = $('linkonly-status');
  const asked = browser.permissions.request({ origins: originPatterns([entry.url]) }).catch(() => false);
  button.disabled = true;
  status.classList.remove('error');
  status.textContent = t('fetchTextWorking');
  const outcome = (await asked)
    ? await sendMessage('library.fetchLink', { id: entry.id }).catch(() => ({ ok: false as const, error: 'unreachable', message: t('fetchTextNetwork') }))
    : { ok: false as const, error: 'no-access', message: t('fetchTextDenied') };
  if (outcome.ok) {
    // The article may be stored under its own canonical URL, so under another id.
    history.replaceState(null, '', `?id=${encodeURIComponent(outcome.entry.id)}`);
    status.textContent = '';
    await loadSaved(outcome.entry.id);
    return;
  }
  status.textContent = t('fetchTextFailed', outcome.message);
  status.classList.add('error');
  button.disabled = false;
  // The button lost focus when it was disabled: give it back, so a retry is one key away.
  button.focus();
}

async function loadTab(tabId: number): Promise<void> {
  // The tab may have been reloaded or navigated since: the browser's "Receiving end does not exist" is no message for a reader.
  const result = await sendToTab(tabId, 'content.extract', {}).catch(() => null);
  if (!result) {
    $('error-detail').textContent = t('tabGone');
    show('error');
    return;
  }
  if (!result.ok) {
    // Not a fault: the page has nothing to read, said as the popup says it.
    $('error-title').textContent = t('noArticleTitle');
    const detail = $('error-detail');
    detail.textContent = t(NO_ARTICLE_REASONS[result.reason]);
    detail.className = 'muted';
    show('error');
    return;
  }
  // A preview of the live page: its images come from the site, as they did in the tab.
  display(result.article, (url) => url);
  offerSave(result.article);
  // Saving again updates the stored copy: say so, as the popup does.
  const existing = await sendMessage('library.lookup', { url: result.article.url }).catch(() => null);
  if (existing) {
    rememberSaved(existing.id);
    // Reading is the likely wish now, as in the popup: saving again is offered, not pressed on the reader.
    $('save').classList.remove('primary');
    $('save').textContent = t('saveAgain');
    announce(t('alreadySaved'));
  }
}

/** The preview can be saved from here, as from the popup. */
function offerSave(article: Article): void {
  const button = $<HTMLButtonElement>('save');
  button.hidden = false;
  button.addEventListener('click', async () => {
    button.disabled = true;
    const outcome = await sendMessage('library.save', { article }).catch(() => null);
    if (outcome?.ok) {
      button.textContent = t('saved');
      button.classList.add('done');
      // The address now names the saved copy, so a reload opens it from storage.
      history.replaceState(null, '', `?id=${encodeURIComponent(outcome.entry.id)}`);
      rememberSaved(outcome.entry.id);
      // Disabled, the button dropped focus to the page: the article is where the reader goes on from.
      $('article-host').focus({ preventScroll: true });
      // Said as well as shown: "Saved" on a disabled button is not heard.
      announce(t('savedToLibrary'));
    } else {
      button.disabled = false;
      announce(outcome ? saveFailedText(outcome.error, outcome.message) : joinSentences(t('saveFailed'), t('saveInterrupted')), { stay: true });
    }
  });
}

/** The stored copy of an image, under its absolute URL or (if the two differ) its URL as written in the article. */
async function findImage(id: string, url: string, raw = url): Promise<Blob | undefined> {
  const blob = await library.getImage(id, url).catch(() => undefined);
  if (blob || raw === url) return blob;
  return library.getImage(id, raw).catch(() => undefined);
}

function objectUrl(blob: Blob): string {
  const url = URL.createObjectURL(blob);
  blobUrls.push(url);
  return url;
}

function display(article: Article, imageSrc: (url: string) => string | null): void {
  rendered = renderArticle(article, {
    win: window,
    locale: uiLocale(),
    imageSrc,
    labels: {
      translator: (name) => t('translatorCredit', name),
      readingMinutes: (n) => t('readingMinutes', String(n)),
      imageNotSaved: t('imageNotSaved'),
      retry: t('retry'),
      original: t('originalArticle'),
      partial: article.paywalled ? t('partialPaywall') : t('partialPages'),
      fullText: t('partialFullText'),
    },
  });
  const host = $('article-host');
  host.replaceChildren(rendered.root);
  document.title = `${article.title} · ${t('extShortName')}`;
  $('bilingual-field').hidden = !rendered.bilingual;
  setupConversion(rendered.root, scriptOf(article.lang), article.lang);
  applyPrefs();
  show('article');
}

// ---- saved-article bookkeeping ----

/** Archives the article being read, or moves it back: set by `offerArchive` for a saved article. */
let toggleArchive: (() => Promise<void>) | null = null;

/**
 * The end of a saved article offers to put it away: Archive (or, for one
 * already archived, Unarchive), by button or the a key, with the library's row
 * following at once.
 */
function offerArchive(entry: LibraryEntry): void {
  let archived = entry.state === 'archived';
  const button = document.createElement('button');
  button.type = 'button';
  button.className = 'rd-archive';
  const label = () => (button.textContent = t(archived ? 'unarchive' : 'archive'));
  label();
  let busy = false;
  toggleArchive = async () => {
    // A second press while the first is on its way would ask for the same state again, not take it back.
    if (busy) return;
    busy = true;
    // Opening the article marked it read: that is the state it goes back to.
    const state = archived ? 'read' : 'archived';
    // Not disabled meanwhile: a disabled button drops the focus to the page.
    button.setAttribute('aria-busy', 'true');
    const updated = await sendMessage('library.update', { id: entry.id, patch: { state } }).catch(() => null);
    button.removeAttribute('aria-busy');
    busy = false;
    if (!updated) {
      announce(t('actionFailed'), { stay: true });
      return;
    }
    archived = updated.state === 'archived';
    label();
    announce(t(archived ? 'archivedHere' : 'unarchivedHere'));
  };
  button.addEventListener('click', () => void toggleArchive?.());
  rendered?.root.querySelector('.rd-footer')?.prepend(button);
}

function markRead(entry: LibraryEntry): void {
  const patch: { readAt: string; state?: 'read' } = { readAt: new Date().toISOString() };
  if (entry.state === 'unread') patch.state = 'read';
  sendMessage('library.update', { id: entry.id, patch }).catch(() => undefined);
}

function scrollFraction(): number {
  const max = document.documentElement.scrollHeight - window.innerHeight;
  return max > 0 ? Math.min(1, Math.max(0, window.scrollY / max)) : 1;
}

/** Waits (briefly) for images to take their size, so the restored position lands where the reader left. */
async function restoreProgress(progress: number): Promise<void> {
  if (!(progress > 0.01 && progress < 0.99)) return;
  const images = [...document.querySelectorAll<HTMLImageElement>('#article-host img')];
  const settled = Promise.all(images.map((img) => img.decode().catch(() => undefined)));
  await Promise.race([settled, new Promise((resolve) => setTimeout(resolve, 1500))]);
  const max = document.documentElement.scrollHeight - window.innerHeight;
  window.scrollTo({ top: Math.round(progress * max), behavior: 'instant' });
}

function trackProgress(id: string): void {
  const fill = $('progress-fill');
  let lastSent = -1;
  const send = throttle((value: number) => {
    if (Math.abs(value - lastSent) < 0.005) return;
    lastSent = value;
    sendMessage('library.update', { id, patch: { progress: value } }).catch(() => undefined);
  }, 2000);
  const update = () => {
    const value = scrollFraction();
    fill.style.transform = `scaleX(${value})`;
    send(Math.round(value * 1000) / 1000);
  };
  window.addEventListener('scroll', update, { passive: true });
  document.addEventListener('visibilitychange', () => {
    if (document.visibilityState === 'hidden') send.flush();
  });
  window.addEventListener('pagehide', () => send.flush());
  fill.style.transform = `scaleX(${scrollFraction()})`;
}

// ---- missing images ----

/**
 * Why a retry failed, by the background's error code: its messages, and the browser's when the background could not
 * be reached, are English whatever the UI's language.
 */
const RETRY_FAILURES: Record<string, string> = {
  unreachable: 'retryUnreachable',
  missing: 'retryArticleGone',
  quota: 'retryStorageFull',
};

async function retryImages(button: HTMLButtonElement): Promise<void> {
  if (!savedId) return;
  const id = savedId;
  const buttons = [...document.querySelectorAll<HTMLButtonElement>('.rd-retry')];
  buttons.forEach((b) => (b.disabled = true));
  announce(t('retryingImages'));
  const outcome = await sendMessage('library.retryImages', { id }).catch(() => ({ ok: false as const, error: 'unreachable', message: '' }));
  let restored = 0;
  for (const box of document.querySelectorAll<HTMLElement>('.rd-missing')) {
    const url = box.dataset.url ?? '';
    const blob = await findImage(id, url, box.dataset.raw ?? url);
    if (!blob) continue;
    const img = document.createElement('img');
    img.src = objectUrl(blob);
    img.alt = box.querySelector('.rd-missing-alt')?.textContent ?? '';
    img.dataset.original = url;
    box.replaceWith(img);
    restored++;
  }
  const left = document.querySelectorAll('.rd-missing').length;
  document.querySelectorAll<HTMLButtonElement>('.rd-retry').forEach((b) => (b.disabled = false));
  if (!outcome.ok) announce(joinSentences(t('retryFailed'), t(RETRY_FAILURES[outcome.error] ?? 'retryNotStored')), { stay: true });
  else if (left) announce(joinSentences(tCount('imagesStillMissingOne', 'imagesStillMissing', left), outcome.imagesOverBudget ? imagesOverBudgetText(outcome.imagesOverBudget) : ''));
  else announce(tCount('imagesRestoredOne', 'imagesRestored', restored));
  // The placeholder pressed may be gone, replaced by its image: focus the next one left, or the article.
  const next = button.isConnected ? button : document.querySelector<HTMLButtonElement>('.rd-retry');
  (next ?? $('article-host')).focus({ preventScroll: true });
}

// ---- 简⇄繁 ----

function setupConversion(root: HTMLElement, script: ReturnType<typeof scriptOf>, lang: string | null): void {
  const button = $<HTMLButtonElement>('convert');
  const chinese = (lang ?? 'zh').toLowerCase().startsWith('zh');
  button.hidden = !chinese;
  if (!chinese) return;
  const conversion = new TextConversion(root);
  // Named for what a press does, so no pressed state: "简体, pressed" would say Simplified shows when Traditional does.
  const label = (el: HTMLButtonElement) => {
    const showingHant = conversion.active ? script === 'hans' : script === 'hant';
    el.textContent = showingHant ? t('toSimplified') : t('toTraditional');
  };
  label(button);
  // A fresh button per article: drop listeners of an earlier render.
  const fresh = button.cloneNode(true) as HTMLButtonElement;
  button.replaceWith(fresh);
  fresh.addEventListener('click', () => {
    void (async () => {
      if (conversion.active) {
        conversion.restore();
        if (lang) root.lang = lang;
        root.dataset.script = script;
      } else {
        fresh.disabled = true;
        try {
          conversion.apply(await loadConverter(script));
        } catch (error) {
          announce(joinSentences(t('convertFailed'), error instanceof Error ? error.message : String(error)), { stay: true });
          return;
        } finally {
          fresh.disabled = false;
        }
        // The converted text needs the other script's glyphs and fonts.
        root.lang = script === 'hans' ? 'zh-Hant' : 'zh-Hans';
        root.dataset.script = script === 'hans' ? 'hant' : 'hans';
      }
      label(fresh);
    })();
  });
}

// ---- controls ----

const SHORTCUTS: readonly Shortcut[] = [
  [['↓', 'j'], 'keyScrollDown'],
  [['↑', 'k'], 'keyScrollUp'],
  [['+'], 'keyLarger'],
  [['-'], 'keySmaller'],
  [['t'], 'keyTheme'],
  // Only a saved article can be archived; a preview has nothing to put away.
  [['a'], 'keyArchive', () => toggleArchive !== null],
  [['Esc'], 'keyBackToLibrary'],
  [['?'], 'keyHelp'],
];

function lineHeightPx(): number {
  return prefs.fontSize * 1.75;
}

function scrollLines(direction: 1 | -1): void {
  window.scrollBy({ top: direction * lineHeightPx() * SCROLL_LINES, behavior: reducedMotion.matches ? 'instant' : 'smooth' });
}

function onKey(event: KeyboardEvent): void {
  if (event.defaultPrevented || event.ctrlKey || event.metaKey || event.altKey || isTyping(event.target) || dialogOpen()) return;
  switch (event.key) {
    case 'j':
    case 'ArrowDown':
      scrollLines(1);
      break;
    case 'k':
    case 'ArrowUp':
      scrollLines(-1);
      break;
    case '+':
    case '=':
      changePrefs({ fontSize: stepFontSize(prefs.fontSize, 1) });
      break;
    case '-':
    case '_':
      changePrefs({ fontSize: stepFontSize(prefs.fontSize, -1) });
      break;
    case 't':
      changePrefs({ theme: nextTheme(prefs.theme) });
      announce(t(`theme${prefs.theme[0]?.toUpperCase()}${prefs.theme.slice(1)}`));
      break;
    case 'a':
      if (!toggleArchive) return;
      void toggleArchive();
      break;
    case 'Escape':
      // Back to the list at this article's row (the library selects the row its address names).
      location.href = libraryAt(savedId);
      break;
    default:
      return;
  }
  event.preventDefault();
}

function wireControls(): void {
  $('font-smaller').addEventListener('click', () => changePrefs({ fontSize: stepFontSize(prefs.fontSize, -1) }));
  $('font-larger').addEventListener('click', () => changePrefs({ fontSize: stepFontSize(prefs.fontSize, 1) }));
  $('narrower').addEventListener('click', () => changePrefs({ width: stepWidth(prefs.width, -1) }));
  $('wider').addEventListener('click', () => changePrefs({ width: stepWidth(prefs.width, 1) }));
  $<HTMLSelectElement>('theme').addEventListener('change', (e) =>
    changePrefs({ theme: (e.target as HTMLSelectElement).value as ReaderPrefs['theme'] }),
  );
  $<HTMLSelectElement>('bilingual').addEventListener('change', (e) =>
    changePrefs({ bilingual: (e.target as HTMLSelectElement).value as ReaderPrefs['bilingual'] }),
  );
  // Two columns need room: in a narrow window (reader.css stacks them below 52em) the menu says what is shown.
  const narrow = matchMedia('(max-width: 52em)');
  const sideLabel = () => {
    const side = $<HTMLSelectElement>('bilingual').querySelector<HTMLOptionElement>('option[value="side"]');
    if (side) side.textContent = t(narrow.matches ? 'bilingualSideNarrow' : 'bilingualSide');
  };
  narrow.addEventListener('change', sideLabel);
  sideLabel();
  // The toolbar's height, for the page's scroll padding (reader.css): it wraps to two rows in a narrower window, with
  // longer labels or with more controls (a bilingual article's menu), so no fixed height fits every case.
  const toolbar = document.querySelector<HTMLElement>('.toolbar');
  if (toolbar) {
    new ResizeObserver(([entry]) => {
      const height = entry?.borderBoxSize[0]?.blockSize ?? toolbar.getBoundingClientRect().height;
      document.documentElement.style.setProperty('--toolbar-height', `${Math.ceil(height)}px`);
    }).observe(toolbar, { box: 'border-box' });
  }
  // In a narrow window the menus' row scrolls sideways, and Chromium leaves a control that is partly in view where it
  // is when focused: bring all of it into the row, with room for its focus ring (2px outline, 2px offset).
  const settings = $('settings');
  settings.addEventListener('focusin', (event) => {
    if (settings.scrollWidth <= settings.clientWidth) return;
    const ring = 4;
    const box = (event.target as Element).getBoundingClientRect();
    const row = settings.getBoundingClientRect();
    if (box.right + ring > row.right) settings.scrollLeft += box.right + ring - row.right;
    else if (box.left - ring < row.left) settings.scrollLeft -= row.left - box.left + ring;
  });
  $('article-host').addEventListener('click', (event) => {
    const button = (event.target as Element).closest<HTMLButtonElement>('.rd-retry');
    if (button) void retryImages(button);
  });
  document.addEventListener('keydown', onKey);
  mountShortcutHelp(SHORTCUTS);
  // Another reader tab changed the prefs: follow it.
  browser.storage.onChanged.addListener((changes, area) => {
    const change = changes[PREFS_KEY];
    if (area === 'local' && change) {
      prefs = normalizePrefs(change.newValue);
      applyPrefs();
    }
  });
  window.addEventListener('pagehide', () => blobUrls.forEach((url) => URL.revokeObjectURL(url)));
}

async function main(): Promise<void> {
  translatePage();
  wireControls();
  prefs = await loadPrefs();
  applyPrefs();
  const params = new URLSearchParams(location.search);
  const id = params.get('id');
  const tab = Number(params.get('tab'));
  if (id) await loadSaved(id);
  else if (Number.isInteger(tab) && tab > 0) await loadTab(tab);
  else show('missing');
}

main().catch(showError);
