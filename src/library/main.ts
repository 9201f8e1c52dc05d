/**
 * Library page: every saved article, newest first, searchable and filterable.
 *
 * Speed: the first screen of rows comes from a cursor over the `savedAt`
 * index (no full read), then the whole index loads and the list is
 * virtualized (only rows near the viewport exist in the DOM), so 20,000
 * entries scroll like 20.
 *
 * Reads go straight to IndexedDB; every change is a `library.*` message to the
 * background (an import is written by the page itself). Live updates: whoever
 * writes posts `{ type: 'changed', ids }` on the BroadcastChannel
 * `qingdu-library`; the page also re-reads the index whenever it becomes
 * visible again.
 */
import { originPatterns } from '../core/article-images';
import browser from '../platform/browser';
import { sendMessage, type MessageName, type Request, type Response } from '../platform/messages';
import type { LibraryEntry, ReadState } from '../storage/types';
import { debounce, formatBytes, formatDate, formatListDate, joinSentences } from '../ui/format';
import { formatCount, t, tCount, translatePage, uiLocale, undoFailedText } from '../ui/i18n';
import { dialogOpen, isTyping, onTextChange } from '../ui/keys';
import { parseTags, showTagChips, TAG_SEPARATOR } from '../ui/tags';
import { mountShortcutHelp, type Shortcut } from '../ui/shortcuts';
import { followThemePref } from '../ui/theme';
import { LIBRARY_CHANNEL, isLibraryChange } from '../storage/changes';
import { StorageError } from '../storage/errors';
import { IdbLibraryReader, usageOf } from './data';
import { LocalEdits } from './local-edits';
import { mountTransfer } from './transfer';
import { recalledView, rememberView, type ViewMemory } from './view-memory';
import {
  DEFAULT_FILTERS,
  applyView,
  filterFacets,
  reconcile,
  removeEntry,
  siteOf,
  upsertEntry,
  type Facet,
  type Filters,
  type StateFilter,
} from './view';

/** Rows rendered above and below the viewport. */
const OVERSCAN = 8;
/** Rows read by the first query (the newest segments only): more than any screen shows. */
const FIRST_SCREEN = 40;
const UNDO_MS = 10_000;

const $ = <T extends HTMLElement = HTMLElement>(id: string) => document.getElementById(id) as T;
const reader = new IdbLibraryReader();
const locale = uiLocale();

let all: readonly LibraryEntry[] = [];
/** Rows this page changed with its own writes: a reread begun before them leaves them as they are. */
const edits = new LocalEdits();
let loadedAll = false;
let view: LibraryEntry[] = [];
let filters: Filters = { ...DEFAULT_FILTERS };
let query = '';
let searchIds: string[] | null = null;
/** Index in `view` of the keyboard-selected row. */
let cursor = -1;
/** Ids of the articles ticked for export, kept while filters and searches change what is shown. */
const picked = new Set<string>();
const rows = new Map<string, { el: HTMLElement; entry: LibraryEntry }>();

/**
 * Sends a change to the background. A request that rejects never reached it, or went with it when it stopped; its write
 * is one transaction, so nothing changed. The browser's reason ("Could not establish connection. Receiving end does
 * not exist.") is English whatever the UI's language and tells a reader nothing: the error screen says what happened.
 */
async function ask<N extends MessageName>(type: N, data: Request<N>): Promise<Response<N>> {
  try {
    return await sendMessage(type, data);
  } catch {
    throw new Error(t('changeInterrupted'));
  }
}

type State = 'loading' | 'empty' | 'nomatch' | 'error' | 'list';

/**
 * An error screen that took focus stays until Reload: a change arriving from another tab, or the late
 * notice of this page's own last change, would otherwise swap it for the list while it is being read.
 */
let errorStays = false;

function show(state: State): void {
  if (errorStays && state !== 'error') return;
  for (const name of ['loading', 'empty', 'nomatch', 'error'] as const) $(`state-${name}`).hidden = name !== state;
  $('list').hidden = state !== 'list';
  // The alert says what the error screen says, no longer than it shows.
  if (state !== 'error') $('error-alert').textContent = '';
}

/**
 * Why the page failed, in the UI's language. The database's own reasons ("The database connection is closing.") are
 * the browser's English whatever the UI's language and name no way out: a reader is told the articles are safe and
 * to reload, and the console keeps the browser's words. Reasons the page wrote itself are shown as they are.
 */
function errorReason(error: unknown): string {
  if (error instanceof DOMException || error instanceof StorageError) {
    console.error(error);
    return t('libraryUnreadable');
  }
  return error instanceof Error ? error.message : String(error);
}

/**
 * Shows the error screen. It replaces the list, and often the control that failed (Undo hides
 * first): focus moves to the heading so a screen reader speaks it and its reason, and Tab next
 * reaches Reload. With `keepFocus` (a search that failed as the reader typed) focus stays where
 * it is and the alert says the same: taking it would send the next keystrokes elsewhere.
 */
function showError(error: unknown, { keepFocus = false } = {}): void {
  const reason = errorReason(error);
  $('error-detail').textContent = reason;
  errorStays = !keepFocus;
  show('error');
  if (keepFocus) $('error-alert').textContent = `${t('errorTitle')} ${reason}`;
  else $('error-title').focus();
}

// ---- rows ----

/** Row height (px) of the virtual list: `--row-h` in library.css, taller in narrow windows. */
function rowHeight(): number {
  return parseFloat(getComputedStyle($('list')).getPropertyValue('--row-h')) || 72;
}

const readerUrl = (id: string) => `reader.html?id=${encodeURIComponent(id)}`;

function button(className: string, label: string, action: string): HTMLButtonElement {
  const b = document.createElement('button');
  b.type = 'button';
  b.className = className;
  b.textContent = label;
  b.dataset.action = action;
  return b;
}

function buildRow(entry: LibraryEntry): HTMLElement {
  const row = document.createElement('div');
  row.className = `row state-${entry.state}`;
  row.setAttribute('role', 'listitem');
  row.dataset.id = entry.id;

  const main = document.createElement('div');
  main.className = 'row-main';
  const head = document.createElement('div');
  head.className = 'row-head';
  const pick = document.createElement('input');
  pick.type = 'checkbox';
  pick.className = 'row-pick';
  pick.checked = picked.has(entry.id);
  pick.setAttribute('aria-label', t('pickArticle', entry.title || entry.url));
  const title = document.createElement('a');
  title.className = 'row-title';
  title.href = readerUrl(entry.id);
  title.textContent = entry.title || entry.url;
  // Rows are one line high, and a long headline ends in an ellipsis: the tooltip has all of it.
  title.title = title.textContent;
  if (entry.lang) title.lang = entry.lang;
  head.append(pick, title);
  main.append(head);

  const meta = document.createElement('div');
  meta.className = 'row-meta';
  const add = (className: string, text: string) => {
    const span = document.createElement('span');
    span.className = className;
    span.textContent = text;
    meta.append(span);
    return span;
  };
  if (entry.state === 'unread') add('badge unread', t('stateUnread'));
  else if (entry.state === 'archived') add('badge', t('stateArchived'));
  else add('badge read', t('stateRead'));
  if (entry.linkOnly) add('badge link', t('linkOnlyBadge')).title = t('linkOnlyHint');
  if (entry.partial) add('badge partial', t('partialBadge')).title = t('partialHint');
  // The date before the site, whose name may be a long host: in a narrow row the line's end is what gets cut.
  const date = document.createElement('time');
  date.dateTime = entry.savedAt;
  date.textContent = formatListDate(entry.savedAt, locale);
  date.title = formatDate(entry.savedAt, locale);
  meta.append(date);
  add('site', siteOf(entry));
  if (entry.readingMinutes > 0) add('minutes', t('readingMinutes', String(entry.readingMinutes)));
  if (entry.progress > 0.02 && entry.progress < 0.98) add('progress', `${Math.round(entry.progress * 100)}%`);
  const missing = entry.missingImages.length;
  if (missing) add('warn', tCount('imagesMissingShortOne', 'imagesMissingShort', missing));
  for (const tag of entry.tags) add('tag', `#${tag}`);
  // The line ends in an ellipsis when the row is too narrow; the tooltip has all of it.
  meta.title = [...meta.children].map((el) => el.textContent).join(' · ');
  main.append(meta);
  row.append(main);

  const actions = document.createElement('div');
  actions.className = 'row-actions';
  actions.append(
    entry.state === 'unread'
      ? button('act', t('markRead'), 'read')
      : button('act', t('markUnread'), 'unread'),
    entry.state === 'archived' ? button('act', t('unarchive'), 'unarchive') : button('act', t('archive'), 'archive'),
    button('act', t('editTags'), 'tags'),
    button('act danger', t('delete'), 'delete'),
  );
  row.append(actions);
  return row;
}

/** Renders the rows near the viewport; everything else is empty space of the right height. */
function renderWindow(): void {
  const list = $('list');
  const height = rowHeight();
  list.style.height = `${view.length * height}px`;
  const top = list.getBoundingClientRect().top;
  const first = Math.max(0, Math.floor(-top / height) - OVERSCAN);
  const last = Math.min(view.length, Math.ceil((window.innerHeight - top) / height) + OVERSCAN);
  const wanted = new Set<string>();
  for (let i = first; i < last; i++) {
    const entry = view[i] as LibraryEntry;
    wanted.add(entry.id);
    let row = rows.get(entry.id);
    if (row && row.entry !== entry) {
      // Focus stays on the same control of the rebuilt row (Mark read becomes Mark unread in place).
      const focusAt = controlsOf(row.el).indexOf(document.activeElement as HTMLElement);
      const el = buildRow(entry);
      row.el.replaceWith(el);
      row = { el, entry };
      rows.set(entry.id, row);
      if (focusAt >= 0) controlsOf(el)[focusAt]?.focus({ preventScroll: true });
    }
    if (!row) {
      row = { el: buildRow(entry), entry };
      rows.set(entry.id, row);
      list.append(row.el);
    }
    row.el.style.transform = `translateY(${i * height}px)`;
    (row.el.querySelector('.row-pick') as HTMLInputElement).checked = picked.has(entry.id);
    row.el.setAttribute('aria-posinset', String(i + 1));
    row.el.setAttribute('aria-setsize', String(view.length));
    row.el.classList.toggle('current', i === cursor);
  }
  for (const [id, row] of rows) {
    if (!wanted.has(id)) {
      row.el.remove();
      rows.delete(id);
    }
  }
  // Keep DOM order = visual order, so screen readers and Tab walk the rows top to bottom.
  const focused = document.activeElement;
  let previous: Element | null = null;
  for (let i = first; i < last; i++) {
    const el = rows.get((view[i] as LibraryEntry).id)?.el;
    if (!el) continue;
    if (el.previousElementSibling !== previous) list.insertBefore(el, previous ? previous.nextElementSibling : list.firstElementChild);
    previous = el;
  }
  if (focused instanceof HTMLElement && focused !== document.activeElement && focused.isConnected) focused.focus({ preventScroll: true });
}

/** The tick box, the title link and the action buttons of a row, in order. */
const controlsOf = (row: HTMLElement) => [...row.querySelectorAll<HTMLElement>('input, a, button')];

function focusRow(el: HTMLElement): void {
  el.querySelector<HTMLElement>('.row-title')?.focus({ preventScroll: true });
}

/** Highlights the row at `cursor` among those rendered. */
function markCurrent(): void {
  const id = view[cursor]?.id;
  for (const { el, entry } of rows.values()) el.classList.toggle('current', entry.id === id);
}

function setCursor(index: number, focus = true): void {
  if (view.length === 0) {
    cursor = -1;
    return;
  }
  cursor = Math.max(0, Math.min(view.length - 1, index));
  revealRow(cursor);
  const entry = view[cursor];
  const row = entry && rows.get(entry.id);
  if (row && focus) focusRow(row.el);
}

/** Scrolls the row at `index` into view, clear of the toolbar above and what covers the window's foot, and renders it (it may not exist yet). */
function revealRow(index: number): void {
  const list = $('list');
  const height = rowHeight();
  const rowTop = list.getBoundingClientRect().top + window.scrollY + index * height;
  const toolbar = document.querySelector<HTMLElement>('.toolbar')?.offsetHeight ?? 0;
  const bottom = window.innerHeight - coveredBelow();
  if (rowTop < window.scrollY + toolbar) window.scrollTo({ top: rowTop - toolbar - 8 });
  else if (rowTop + height > window.scrollY + bottom) {
    window.scrollTo({ top: rowTop + height - bottom + 8 });
  }
  renderWindow();
}

/** How much of the window's foot the footer or a docked selection bar covers (library.css): a row the keyboard reaches clears it. */
function coveredBelow(): number {
  let covered = 0;
  for (const el of document.querySelectorAll<HTMLElement>('.footer, #picks')) {
    const { position } = getComputedStyle(el);
    if (position === 'fixed' || position === 'sticky') covered = Math.max(covered, window.innerHeight - el.getBoundingClientRect().top);
  }
  return Math.max(0, covered);
}

// ---- view ----

function updateSummary(): void {
  const summary = $('summary');
  // Nothing to count yet, or an empty library (its empty state says so).
  if (!loadedAll || all.length === 0) {
    summary.textContent = '';
    return;
  }
  // Says how many of the library are shown, so it never reads as the footer's total.
  const [shown, total] = [formatCount(view.length), formatCount(all.length)];
  if (query) summary.textContent = t('searchResults', [shown, total]);
  else if (view.length === all.length) summary.textContent = t('articleCountAll', total);
  else summary.textContent = t('articleCount', [shown, total]);
}

/** The articles ticked, in the order the library lists them. */
const pickedRows = (): LibraryEntry[] => all.filter((e) => picked.has(e.id));

/** The fetch of ticked links under way; `stop` ends it after the link being fetched. */
let fetching: { stop: boolean } | null = null;

/**
 * The bar that counts the ticked articles and offers to export them (and fetch the text of links); empty when none is
 * ticked. Its count is a live region, so the bar is emptied rather than hidden: a region hidden until it speaks is not
 * heard, and x ticks a box the keyboard is not on, so the count is all a screen reader says of it.
 */
function updatePicks(): void {
  const rows = picked.size ? pickedRows() : [];
  // A ticked article that left the library (deleted here or elsewhere) is ticked no more.
  if (rows.length < picked.size) {
    picked.clear();
    for (const e of rows) picked.add(e.id);
  }
  const idle = picked.size === 0 && !fetching;
  // A bar emptied under the keyboard (Clear selection, or Archive taking the last ticked rows away) would leave it on
  // the page itself, back at its top: it goes to the list's current row, or the first.
  const dropsFocus = idle && $('picks').contains(document.activeElement) && document.activeElement !== $('picks-count');
  $('picks').classList.toggle('idle', idle);
  if (dropsFocus && view.length) setCursor(Math.max(cursor, 0));
  $('picks-fetch').hidden = !fetching && !rows.some((e) => e.linkOnly);
  if (!fetching) {
    // Ticks outlive a search or a filter that hides their rows: the count says so, since the bar's actions take them too.
    const shown = idle ? 0 : view.reduce((n, e) => n + (picked.has(e.id) ? 1 : 0), 0);
    const hidden = picked.size - shown;
    $('picks-count').textContent = idle ? '' : hidden > 0 ? t('pickedCountHidden', [formatCount(picked.size), formatCount(hidden)]) : t('pickedCount', formatCount(picked.size));
  }
  placePicks();
}

/**
 * Puts the bar beside the summary when it fits there on one line, else docks it at the window's foot (library.css).
 * Measured before the browser paints, so the list never shows pushed down.
 */
function placePicks(): void {
  const bar = $('picks');
  bar.classList.remove('docked');
  if (bar.classList.contains('idle')) return;
  const summary = $('summary').getBoundingClientRect();
  const box = bar.getBoundingClientRect();
  const button = bar.querySelector<HTMLElement>('button:not([hidden])');
  if (box.top >= summary.bottom || (button && box.height > button.offsetHeight * 1.5)) bar.classList.add('docked');
}

function clearPicks(): void {
  picked.clear();
  renderWindow();
  updatePicks();
}

/** Deletes every ticked article in one write; one Undo brings them all back. */
async function removePicked(): Promise<void> {
  const ids = [...picked];
  if (ids.length === 0) return;
  const result = await ask('library.deleteMany', { ids });
  if (!result.ok) {
    toast(t('deleteFailed'), null);
    return;
  }
  const gone = new Set(ids);
  // One article is named, as a row's own Delete names it: the tick may be on a row out of sight.
  const only = ids.length === 1 ? all.find((e) => e.id === ids[0]) : undefined;
  edits.mark(gone);
  all = all.filter((e) => !gone.has(e.id));
  picked.clear();
  updateFacets();
  updateUsage();
  refreshView();
  toast(only && result.count === 1 ? t('deleted', only.title || only.url) : tCount('deletedManyOne', 'deletedMany', result.count), result.undoToken ? { kind: 'delete', token: result.undoToken } : null);
  undoId = ids[0] ?? null;
  undoPicked = ids;
  // The bar with the button pressed has gone: Undo is the keyboard's next step.
  if (result.undoToken) $('toast-undo').focus();
}

/**
 * Moves articles to `state` in one write, by the rules `Library.setState`
 * keeps for a row's buttons and the selection bar alike (read keeps the first
 * reading, unread starts over). Resolves to the rows changed; null if refused.
 */
async function moveTo(ids: string[], state: ReadState): Promise<{ changed: LibraryEntry[]; undo: Extract<Undo, { kind: 'states' }> } | null> {
  const wanted = new Set(ids);
  const before = all.filter((e) => wanted.has(e.id));
  const changed = await ask('library.setState', { ids, state });
  if (!changed) return null;
  applyRows(changed);
  // What the Undo writes back: each row's state, read time and progress as they were.
  const changedIds = new Set(changed.map((e) => e.id));
  const patches = before.filter((e) => changedIds.has(e.id)).map(({ id, state: was, readAt, progress }) => ({ id, patch: { state: was, readAt, progress } }));
  return { changed, undo: { kind: 'states', patches } };
}

/** Rows a write of this page changed, put in the list: their places do not move, each row is swapped for its new self. */
function applyRows(changed: readonly LibraryEntry[]): void {
  const byId = new Map(changed.map((e) => [e.id, e]));
  edits.mark(byId.keys());
  all = all.map((e) => byId.get(e.id) ?? e);
  updateFacets();
  refreshView();
}

/** What the toast says of ticked articles moved to each state: the messages for one and for more. */
const PICKED_STATE_TOASTS: Record<ReadState, [string, string]> = {
  read: ['pickedReadOne', 'pickedRead'],
  unread: ['pickedUnreadOne', 'pickedUnread'],
  archived: ['pickedArchivedOne', 'pickedArchived'],
};

/**
 * Marks every ticked article read, unread or archived; they stay ticked for whatever comes next, unless the change
 * takes them out of the list shown (archived, from those not archived): a tick no longer seen would have the next
 * action, a Delete say, act on an article the reader has put away.
 */
async function setPickedState(state: ReadState): Promise<void> {
  if (picked.size === 0) return;
  const shown = new Set(view.map((e) => e.id));
  const moved = await moveTo([...picked], state);
  const unpicked: string[] = [];
  if (moved) {
    const still = new Set(view.map((e) => e.id));
    for (const id of shown) if (picked.has(id) && !still.has(id)) unpicked.push(id);
    for (const id of unpicked) picked.delete(id);
    renderWindow();
    updatePicks();
  }
  const [one, many] = PICKED_STATE_TOASTS[state];
  if (moved) toast(tCount(one, many, moved.changed.length), { ...moved.undo, unpicked });
  else toast(t('actionFailed'), null);
}

/** A selection-bar button's words: `full` is its name and what a wide window shows, `short` what a narrow one shows. */
function labelButton(button: HTMLElement, full: string, short: string): void {
  button.setAttribute('aria-label', t(full));
  const words: [string, string][] = [['.label-full', full], ['.label-short', short]];
  for (const [selector, key] of words) {
    const span = button.querySelector(selector);
    if (span) span.textContent = t(key);
  }
}

/**
 * Fetches and saves the text of the ticked link-only articles (imported
 * bookmarks), one after another; pressed again, stops. Access to their sites
 * is asked for first, in the click itself: browsers prompt only during the
 * user's gesture.
 */
function fetchPicked(): void {
  if (fetching) {
    fetching.stop = true;
    return;
  }
  const links = pickedRows().filter((e) => e.linkOnly);
  if (!links.length) return;
  const asked = browser.permissions.request({ origins: originPatterns(links.map((e) => e.url)) }).catch(() => false);
  const run = (fetching = { stop: false });
  const button = $('picks-fetch');
  labelButton(button, 'fetchLinksStop', 'fetchLinksStopShort');
  let fetched = 0;
  let failed = 0;
  void (async () => {
    if (!(await asked)) {
      toast(t('fetchTextDenied'), null);
      return;
    }
    for (const [i, entry] of links.entries()) {
      if (run.stop) break;
      $('picks-count').textContent = t('fetchingLinks', [formatCount(i + 1), formatCount(links.length)]);
      const outcome = await sendMessage('library.fetchLink', { id: entry.id }).catch(() => null);
      if (outcome?.ok) fetched++;
      else failed++;
    }
    toast(joinSentences(t('fetchedLinks', [formatCount(fetched), formatCount(links.length)]), failed ? t('fetchedLinksFailed', formatCount(failed)) : ''), null);
  })().finally(() => {
    fetching = null;
    labelButton(button, 'pickedFetch', 'pickedFetchShort');
    updatePicks();
  });
}

function togglePick(entry: LibraryEntry, on = !picked.has(entry.id)): void {
  if (on) picked.add(entry.id);
  else picked.delete(entry.id);
  renderWindow();
  updatePicks();
}

/**
 * What the browser last said the extension stores, kept while it is asked
 * again: a line that lost it for a moment wrapped one line shorter, and the
 * page, scrolled to its foot, jumped by that line at every change.
 */
let browserUsage = '';

function updateUsage(): void {
  const { articles, bytes } = usageOf(all);
  const usage = $('usage');
  const line = t('usageLine', [formatCount(articles), formatBytes(bytes)]);
  const show = () => (usage.textContent = browserUsage ? `${line} · ${browserUsage}` : line);
  show();
  reader
    .usage()
    .then((total) => {
      if (!total) return;
      browserUsage = t('usageBrowser', formatBytes(total.usage));
      show();
    })
    .catch(() => undefined);
}

function fillSelect(select: HTMLSelectElement, items: Facet[], current: string): void {
  const first = select.options[0];
  select.replaceChildren(...(first ? [first] : []));
  for (const [value, count, label = value] of items) {
    const option = document.createElement('option');
    option.value = value;
    option.textContent = `${label} (${count})`;
    select.append(option);
  }
  // Keep a chosen filter even when no entry carries it any more, so the choice stays visible.
  if (current && !items.some(([value]) => value === current)) {
    const option = document.createElement('option');
    option.value = current;
    option.textContent = `${current} (0)`;
    select.append(option);
  }
  select.value = current;
}

/** Every tag in the library, the most used first: the tags dialog offers them. */
let knownTags: string[] = [];

function updateFacets(): void {
  const { tags, sites, libraryTags } = filterFacets(all, filters);
  fillSelect($<HTMLSelectElement>('filter-tag'), tags, filters.tag);
  fillSelect($<HTMLSelectElement>('filter-site'), sites, filters.site);
  knownTags = libraryTags.map(([tag]) => tag);
}

/** Recomputes the rows to show and redraws; keeps the selected row selected when it is still shown. */
function refreshView(): void {
  const selected = view[cursor]?.id;
  view = applyView(all, filters, searchIds);
  if (selected) cursor = view.findIndex((e) => e.id === selected);
  if (cursor >= view.length) cursor = view.length - 1;
  if (view.length > 0) show('list');
  else if (!loadedAll) show('loading');
  else if (all.length === 0) show('empty');
  else showNoMatch();
  renderWindow();
  updateSummary();
  updatePicks();
}

/** What an empty view says when the only filter is the state: nothing was searched for, so nothing to clear. */
const EMPTY_STATE_VIEWS: Record<StateFilter, string> = {
  inbox: 'allArchived',
  unread: 'noUnread',
  archived: 'noArchived',
  all: 'noMatches',
};

function showNoMatch(): void {
  const narrowed = searchIds !== null || filters.tag !== '' || filters.site !== '';
  $('nomatch-title').textContent = t(narrowed ? 'noMatches' : EMPTY_STATE_VIEWS[filters.state]);
  $('clear-filters').textContent = t(narrowed ? 'clearFilters' : 'showAllArticles');
  show('nomatch');
}

let searchSeq = 0;
/** The query whose results are shown: the same search run again (a change arrived) keeps the place in them. */
let shownQuery = '';
async function runSearch(): Promise<void> {
  const seq = ++searchSeq;
  const q = query;
  if (!q.trim()) {
    searchIds = null;
    shownQuery = '';
    refreshView();
    return;
  }
  const ids = await reader.search(q).catch((error: unknown) => {
    // A search a newer keystroke has overtaken fails silently, as it would have been dropped.
    if (seq === searchSeq) throw error;
    return null;
  });
  if (seq !== searchSeq || !ids) return;
  searchIds = ids;
  if (q !== shownQuery) {
    window.scrollTo({ top: 0 });
    cursor = -1;
    shownQuery = q;
  }
  refreshView();
}

// ---- loading ----

async function loadAll(): Promise<void> {
  const since = edits.now();
  const fresh = await reader.allEntries();
  all = reconcile(all, fresh, (id) => edits.changedSince(id, since));
  loadedAll = true;
  updateFacets();
  updateUsage();
  if (query) await runSearch();
  else refreshView();
}

async function start(recalled: ViewMemory | null): Promise<void> {
  // First screen: the newest rows only, straight from the index (not for a search taken up again: they would flash).
  const first = await reader.firstEntries(FIRST_SCREEN);
  if (!loadedAll && !query) {
    all = first;
    refreshView();
  }
  // Benchmarks and tests read this mark: time from navigation to the first screen of rows.
  performance.mark('qingdu:library-first-rows');
  await loadAll();
  if (recalled) {
    window.scrollTo({ top: recalled.scrollY });
    renderWindow();
  }
  // The popup and the reader link here as library.html#<id>: select that article. A mistyped address (`#%zz`) names none.
  // Come back to by the browser's Back or Forward, the page selects the row last selected here instead.
  const navigation = performance.getEntriesByType('navigation')[0] as PerformanceNavigationTiming | undefined;
  let target = '';
  try {
    if (navigation?.type !== 'back_forward') target = decodeURIComponent(location.hash.slice(1));
  } catch {
    // URIError: the list stays as it is.
  }
  target ||= recalled?.current ?? '';
  if (target) {
    const index = view.findIndex((e) => e.id === target);
    if (index >= 0) setCursor(index);
  }
}

const pendingIds = new Set<string>();
let reloadEverything = false;
/** The rereads the announced changes ask for, one after another: a slow one never ends after the next. */
let applying = Promise.resolve();
const applyChanges = debounce(() => {
  applying = applying.then(rereadChanged).catch(showError);
}, 120);

async function rereadChanged(): Promise<void> {
  if (reloadEverything) {
    reloadEverything = false;
    pendingIds.clear();
    await loadAll();
    return;
  }
  const ids = [...pendingIds];
  pendingIds.clear();
  for (const id of ids) {
    const since = edits.now();
    const entry = await reader.getEntry(id);
    if (edits.changedSince(id, since)) continue;
    all = entry ? upsertEntry(all, entry) : removeEntry(all, id);
  }
  updateFacets();
  updateUsage();
  if (query) await runSearch();
  else refreshView();
}

function listenForChanges(): void {
  if (typeof BroadcastChannel === 'function') {
    const channel = new BroadcastChannel(LIBRARY_CHANNEL);
    channel.addEventListener('message', (event: MessageEvent<unknown>) => {
      if (!isLibraryChange(event.data)) return;
      if (event.data.ids?.length) event.data.ids.forEach((id) => pendingIds.add(id));
      else reloadEverything = true;
      applyChanges();
    });
  }
  document.addEventListener('visibilitychange', () => {
    if (document.visibilityState === 'visible' && loadedAll) {
      reloadEverything = true;
      applyChanges();
    }
  });
}

// ---- actions ----

function entryFor(el: Element): LibraryEntry | undefined {
  const id = el.closest<HTMLElement>('.row')?.dataset.id;
  return id ? all.find((e) => e.id === id) : undefined;
}

function applyLocal(entry: LibraryEntry | null): void {
  if (!entry) return;
  edits.mark([entry.id]);
  all = upsertEntry(all, entry);
  updateFacets();
  refreshView();
}

async function update(entry: LibraryEntry, patch: Request<'library.update'>['patch']): Promise<void> {
  applyLocal(await ask('library.update', { id: entry.id, patch }));
}

/** What the toast's Undo takes back: a delete, whose copy the background holds, or read states this page noted. */
type Undo =
  | { kind: 'delete'; token: string }
  /** `unpicked`: ticked articles the change took out of the list shown, ticked again when it is undone. */
  | { kind: 'states'; patches: Request<'library.updateMany'>['patches']; unpicked?: string[] };

let undoTimer: ReturnType<typeof setTimeout> | null = null;
let undo: Undo | null = null;
/** The article the Undo would bring back: the keyboard goes to its row when it is back. */
let undoId: string | null = null;
/** The ticked articles a delete took: the Undo brings them back ticked, as they were. */
let undoPicked: string[] = [];

function hideToast(): void {
  $('toast').hidden = true;
  undo = null;
  if (undoTimer) clearTimeout(undoTimer);
  undoTimer = null;
}

function toast(text: string, then: Undo | null): void {
  $('toast-text').textContent = text;
  $('toast-undo').hidden = then === null;
  // A message with no Undo is read whole, on as many lines as it takes; "Deleted “…”" keeps to one (library.css).
  $('toast').classList.toggle('toast-note', then === null);
  $('toast').hidden = false;
  undo = then;
  if (undoTimer) clearTimeout(undoTimer);
  undoTimer = setTimeout(hideToast, UNDO_MS);
}

async function remove(entry: LibraryEntry): Promise<void> {
  const index = view.findIndex((e) => e.id === entry.id);
  const wasPicked = picked.has(entry.id);
  const result = await ask('library.delete', { id: entry.id });
  if (!result.ok) {
    toast(t('deleteFailed'), null);
    return;
  }
  edits.mark([entry.id]);
  all = removeEntry(all, entry.id);
  updateFacets();
  updateUsage();
  refreshView();
  if (index >= 0 && view.length) setCursor(Math.min(index, view.length - 1));
  toast(t('deleted', entry.title), result.undoToken ? { kind: 'delete', token: result.undoToken } : null);
  undoId = entry.id;
  // Undo brings it back as it was, ticked or not.
  undoPicked = wasPicked ? [entry.id] : [];
}

/** The toast's Undo, from its button, z or Ctrl+Z. */
async function runUndo(): Promise<void> {
  const held = undo;
  if (!held) return;
  if (held.kind === 'delete') return undoDelete(held.token);
  hideToast();
  const rows = await ask('library.updateMany', { patches: held.patches });
  if (!rows) {
    toast(t('actionFailed'), null);
    return;
  }
  applyRows(rows);
  // Back in the list, the articles are ticked again, as an undone delete brings them back.
  if (held.unpicked?.length) {
    for (const id of held.unpicked) picked.add(id);
    renderWindow();
    updatePicks();
  }
  const back = view.findIndex((e) => e.id === held.patches[0]?.id);
  if (back >= 0) setCursor(back);
}

async function undoDelete(token: string): Promise<void> {
  hideToast();
  const result = await ask('library.undoDelete', { undoToken: token });
  if (!result.ok && result.error) {
    // The write failed (a full disk, say) and the deleted copy is still held: Undo is offered again, with the reason.
    toast(undoFailedText(result.error), { kind: 'delete', token });
    $('toast-undo').focus();
    return;
  }
  if (!result.ok) {
    toast(t('undoFailed'), null);
    return;
  }
  // The background posts the change too; reading it now makes the row reappear at once.
  await loadAll();
  updateUsage();
  if (undoPicked.length) {
    for (const id of undoPicked) picked.add(id);
    undoPicked = [];
    renderWindow();
    updatePicks();
  }
  // The Undo button has gone: without this the keyboard would start again from the top of the page.
  const back = view.findIndex((e) => e.id === undoId);
  if (back >= 0) setCursor(back);
}

const OFFERED_TAGS = 12;

/**
 * The library's tags the field does not hold yet, most used first, each put in by one click: those holding what is
 * being typed after the last comma, or the most used while nothing is. (The browser's own suggestion list matches
 * the whole field, so it offered nothing after the first tag.)
 */
function offerTags(): void {
  const input = $<HTMLInputElement>('tags-input');
  const parts = input.value.split(TAG_SEPARATOR);
  const typed = (parts.pop() ?? '').trim();
  const typing = typed.toLowerCase();
  const done = parseTags(parts.join(','), knownTags);
  // A tag typed in another case (ai for AI) is still offered: its chip writes the library's spelling.
  const offered = knownTags
    .filter((tag) => !done.includes(tag) && (typing ? tag.toLowerCase().includes(typing) && tag !== typed : true))
    .slice(0, OFFERED_TAGS);
  showTagChips($('tags-offered'), offered, (tag) => t('addTag', tag), (tag) => {
    // In place of what was being typed, and a comma after it for the next one.
    input.value = `${[...done, tag].join(', ')}, `;
    offerTags();
    input.focus();
  });
}

function editTags(entry: LibraryEntry): void {
  const dialog = $<HTMLDialogElement>('tags-dialog');
  const input = $<HTMLInputElement>('tags-input');
  $('tags-article').textContent = entry.title;
  // Ready for one more tag, after those it has: a field opened with its tags selected lost them to the first key.
  input.value = entry.tags.length ? `${entry.tags.join(', ')}, ` : '';
  offerTags();
  dialog.returnValue = '';
  const onClose = () => {
    dialog.removeEventListener('close', onClose);
    if (dialog.returnValue === 'save') void update(entry, { tags: parseTags(input.value, knownTags) }).catch(showError);
    // Back to the Tags button that opened the dialog (renderWindow keeps it there if the row is rebuilt).
    rows.get(entry.id)?.el.querySelector<HTMLElement>('[data-action="tags"]')?.focus({ preventScroll: true });
  };
  dialog.addEventListener('close', onClose);
  dialog.showModal();
  input.focus();
  input.setSelectionRange(input.value.length, input.value.length);
}

/**
 * After a row's own button took it out of the list (archived, or taken out of the archive): the focus went with it,
 * so the keyboard goes on from the row in its place, as after a delete, or from the empty view's button.
 */
function keepPlace(index: number, id: string): void {
  if (index < 0 || view.some((e) => e.id === id)) return;
  if (view.length) setCursor(Math.min(index, view.length - 1));
  else if (!$('state-nomatch').hidden) $('clear-filters').focus();
}

function act(action: string, entry: LibraryEntry): void {
  const index = view.findIndex((e) => e.id === entry.id);
  const run = (): Promise<void> => {
    switch (action) {
      case 'read':
      case 'unread':
      case 'archive': {
        // The toast offers the change back: an archived row has left the list, and Mark unread starts the
        // reading over, so a slip of the mouse would otherwise cost the reader's place.
        const state = action === 'archive' ? 'archived' : action;
        return moveTo([entry.id], state).then((moved) => {
          if (moved) keepPlace(index, entry.id);
          const [one, many] = PICKED_STATE_TOASTS[state];
          toast(moved ? tCount(one, many, 1) : t('actionFailed'), moved?.undo ?? null);
        });
      }
      case 'unarchive':
        return update(entry, { state: entry.readAt ? 'read' : 'unread' }).then(() => keepPlace(index, entry.id));
      case 'delete':
        return remove(entry);
      case 'tags':
        editTags(entry);
        return Promise.resolve();
      default:
        return Promise.resolve();
    }
  };
  // After a full-width colon ("操作失败：") the reason follows with no space.
  run().catch((error: unknown) => toast(joinSentences(t('actionFailed'), error instanceof Error ? error.message : String(error)), null));
}

// ---- input ----

const SHORTCUTS: readonly Shortcut[] = [
  [['↓', 'j'], 'keyNext'],
  [['↑', 'k'], 'keyPrevious'],
  [['Home', 'End'], 'keyFirstLast'],
  [['Enter'], 'keyOpen'],
  [['x'], 'keyPick'],
  [['m'], 'keyMarkRow'],
  [['a'], 'keyArchiveRow'],
  [['/'], 'keySearch'],
  [['Del'], 'keyDelete'],
  [['z'], 'keyUndo'],
  [['Esc'], 'keyDismiss'],
  [['?'], 'keyHelp'],
];

function onKey(event: KeyboardEvent): void {
  // Keys an input method is composing with are its own: Enter that picks the pinyin as typed must not leave the field.
  if (dialogOpen() || event.isComposing) return;
  // Ctrl+Z (⌘Z) is the toast's Undo, as z is, but never the undo of a text field.
  if ((event.ctrlKey || event.metaKey) && !event.altKey && !event.shiftKey && event.key === 'z' && undo && !isTyping(event.target)) {
    event.preventDefault();
    void runUndo().catch(showError);
    return;
  }
  if (event.ctrlKey || event.metaKey || event.altKey) return;
  const search = $<HTMLInputElement>('search');
  if (event.target === search) {
    if (event.key === 'ArrowDown' && view.length) {
      event.preventDefault();
      setCursor(0);
    } else if (event.key === 'Enter') {
      event.preventDefault();
      if (view.length) setCursor(0);
    }
    return;
  }
  if (isTyping(event.target)) return;
  // A key held down repeats: it would delete or move row after row, with an Undo for the last one only.
  if (event.repeat && ['Delete', 'm', 'a'].includes(event.key)) {
    event.preventDefault();
    return;
  }
  const current = view[cursor];
  switch (event.key) {
    case '/':
      search.focus();
      search.select();
      break;
    case 'ArrowDown':
    case 'j':
      setCursor(cursor + 1);
      break;
    case 'ArrowUp':
    case 'k':
      setCursor(cursor - 1);
      break;
    case 'Home':
      setCursor(0);
      break;
    case 'End':
      setCursor(view.length - 1);
      break;
    case 'Enter':
      // On a title link the browser follows it; anywhere else open the selected row.
      if ((event.target as Element | null)?.closest?.('a, button')) return;
      if (!current) return;
      location.href = readerUrl(current.id);
      break;
    case 'Delete':
      // With articles ticked, the key does what the selection bar's Delete does: the row the keyboard is on may not be one of them.
      if (picked.size) void removePicked().catch(showError);
      else if (current) act('delete', current);
      else return;
      break;
    case 'x':
      if (!current) return;
      togglePick(current);
      // The first tick of a narrow window docks the bar at its foot, over the row when it was the last one shown.
      revealRow(cursor);
      break;
    // The row's own buttons, for the row the keyboard is on (a as in the reader).
    case 'm':
      if (!current) return;
      act(current.state === 'unread' ? 'read' : 'unread', current);
      break;
    case 'a':
      if (!current) return;
      act(current.state === 'archived' ? 'unarchive' : 'archive', current);
      break;
    case 'z':
      if (!undo) return;
      void runUndo().catch(showError);
      break;
    case 'Escape':
      // The message first, then the ticks: a tick out of sight would otherwise have the next Delete act on it.
      if (!$('toast').hidden) hideToast();
      else if (picked.size) clearPicks();
      else return;
      break;
    default:
      return;
  }
  event.preventDefault();
}

/**
 * Takes up the view this tab kept when it left for the reader (see view-memory.ts), and keeps the view whenever the
 * page goes.
 */
function recallView(): ViewMemory | null {
  window.addEventListener('pagehide', () => rememberView({ query, filters, scrollY: window.scrollY, current: view[cursor]?.id ?? null }));
  const recalled = recalledView();
  if (!recalled) return null;
  query = recalled.query;
  filters = { ...recalled.filters };
  $<HTMLInputElement>('search').value = query;
  // The tag and site menus take theirs from `filters` once they are filled.
  $<HTMLSelectElement>('filter-state').value = filters.state;
  return recalled;
}

function wire(): void {
  const search = $<HTMLInputElement>('search');
  // A field too narrow for the long hint with its key (a phone, or English at 800 px) shows a word, not a hint cut short.
  const long = t('searchPlaceholder');
  const measure = document.createElement('canvas').getContext('2d');
  new ResizeObserver(() => {
    const style = getComputedStyle(search);
    if (measure) measure.font = `${style.fontSize} ${style.fontFamily}`;
    // Chromium keeps room at the field's end for its clear button (×), about a line high.
    const line = parseFloat(style.lineHeight) || parseFloat(style.fontSize) * 1.5; // `normal` reads as NaN
    const room = search.clientWidth - parseFloat(style.paddingLeft) - parseFloat(style.paddingRight) - line;
    const fits = measure ? measure.measureText(long).width <= room : room >= 300;
    search.placeholder = fits ? long : t('searchPlaceholderShort');
  }).observe(search);
  // No debounce: a query takes a few milliseconds once the index is loaded, and
  // runSearch drops results that a newer keystroke has overtaken.
  // Not on the pinyin an input method is composing, which matched nothing: the list flashed "no articles match".
  onTextChange(search, () => {
    query = search.value;
    void runSearch().catch((error: unknown) => showError(error, { keepFocus: true }));
  });
  // The index costs memory, so it loads when the reader shows intent to search, not on every visit.
  const prepare = () => void reader.prepareSearch().catch(() => undefined);
  search.addEventListener('focus', prepare, { once: true });
  search.addEventListener('pointerenter', prepare, { once: true });
  const onFilter = () => {
    filters = {
      state: $<HTMLSelectElement>('filter-state').value as StateFilter,
      tag: $<HTMLSelectElement>('filter-tag').value,
      site: $<HTMLSelectElement>('filter-site').value,
    };
    window.scrollTo({ top: 0 });
    cursor = -1;
    updateFacets();
    refreshView();
  };
  for (const id of ['filter-state', 'filter-tag', 'filter-site']) $(id).addEventListener('change', onFilter);
  $('clear-filters').addEventListener('click', () => {
    // Clearing a search or a tag or site goes back to the default view (or to all, when that holds nothing);
    // "Show all articles", offered when the state alone shows none, shows the archive too.
    const narrowed = searchIds !== null || filters.tag !== '' || filters.site !== '';
    const state = narrowed && applyView(all, DEFAULT_FILTERS, null).length > 0 ? DEFAULT_FILTERS.state : 'all';
    search.value = '';
    query = '';
    searchIds = null;
    shownQuery = '';
    $<HTMLSelectElement>('filter-state').value = state;
    $<HTMLSelectElement>('filter-tag').value = '';
    $<HTMLSelectElement>('filter-site').value = '';
    onFilter();
  });
  $('reload').addEventListener('click', () => location.reload());
  onTextChange($<HTMLInputElement>('tags-input'), offerTags);
  // Enter in the tags field saves: the form's own implicit submission would press its first button, Cancel.
  $('tags-input').addEventListener('keydown', (event) => {
    if (event.key !== 'Enter' || event.isComposing) return;
    event.preventDefault();
    $<HTMLDialogElement>('tags-dialog').close('save');
  });
  $('list').addEventListener('change', (event) => {
    const target = event.target as HTMLInputElement;
    const entry = target.classList.contains('row-pick') ? entryFor(target) : undefined;
    if (entry) togglePick(entry, target.checked);
  });
  $('picks-fetch').addEventListener('click', fetchPicked);
  $('picks-delete').addEventListener('click', () => void removePicked().catch(showError));
  for (const button of $('picks').querySelectorAll<HTMLButtonElement>('button[data-state]')) {
    button.addEventListener('click', () => void setPickedState(button.dataset.state as ReadState).catch(showError));
  }
  // The heights of the toolbar, the footer and the docked bar (library.css): what Tab reaches and the toast clear them.
  const edges: [string, HTMLElement | null][] = [['--top-h', document.querySelector('.toolbar')], ['--foot-h', document.querySelector('.footer')], ['--picks-h', $('picks')]];
  const heights = new ResizeObserver(() => {
    // Not offsetHeight, which rounds: a docked bar 42.5 px high left half a pixel of the list showing under the footer.
    for (const [name, el] of edges) if (el) document.documentElement.style.setProperty(name, `${el.getBoundingClientRect().height}px`);
  });
  for (const [, el] of edges) if (el) heights.observe(el);
  $('picks-clear').addEventListener('click', clearPicks);
  $('list').addEventListener('click', (event) => {
    const target = event.target as Element;
    const actionButton = target.closest<HTMLButtonElement>('button[data-action]');
    const entry = entryFor(target);
    if (!entry) return;
    // A click anywhere on a row selects it, as focus does, so keys then act on that row.
    cursor = view.findIndex((e) => e.id === entry.id);
    markCurrent();
    if (actionButton?.dataset.action) act(actionButton.dataset.action, entry);
  });
  $('list').addEventListener('focusin', (event) => {
    const entry = entryFor(event.target as Element);
    if (!entry) return;
    cursor = view.findIndex((e) => e.id === entry.id);
    markCurrent();
  });
  $('toast-undo').addEventListener('click', () => void runUndo().catch(showError));
  document.addEventListener('keydown', onKey);
  let frame = 0;
  const onScroll = () => {
    if (frame) return;
    frame = requestAnimationFrame(() => {
      frame = 0;
      renderWindow();
    });
  };
  window.addEventListener('scroll', onScroll, { passive: true });
  window.addEventListener('resize', () => {
    placePicks();
    onScroll();
  });
}

translatePage();
document.title = `${t('extShortName')} · ${t('library')}`;
followThemePref();
wire();
mountShortcutHelp(SHORTCUTS);
listenForChanges();
start(recallView()).catch(showError);
const transfer = mountTransfer($('transfer-actions'), { visible: () => view, picked: pickedRows });
$('picks-export').addEventListener('click', () => transfer.openExport($('picks-export')));
