/**
 * Export and import on the library page: two toolbar buttons, each opening a
 * dialog (keyboard reachable, Escape closes, focus returns to the button).
 *
 * Export: pick the scope (everything, the rows the current filter/search
 * shows, or the articles ticked in the list) and a format; articles and
 * images are read from IndexedDB a page at a time and most formats are
 * written as they are read (transfer-export.ts), with a progress bar and a
 * Cancel button; the file is downloaded from a blob URL (no `downloads`
 * permission).
 *
 * Import: pick a file; it is parsed and planned without writing anything and
 * the report (added / updated / duplicates / failed rows with line and
 * reason, or why the whole file was refused) is shown. On confirmation the
 * page stores the plan in batches through the storage module (a JSON backup
 * is read a second time for that, as a stream: transfer-import.ts).
 *
 * The exporters and the importer (with the extraction core) load only when
 * used, so the first screen of the library does not wait for them.
 */
import { announceChange } from '../storage/changes';
import { Library } from '../storage/library';
import type { LibraryEntry } from '../storage/types';
import type { ImportReport } from '../transfer/index';
import { encodingName } from '../transfer/format-names';
import { libraryWriter, type ImportOutcome } from './import-writer';
import type { FilePlan, UpdateNote } from './transfer-import';
import { formatDate, joinSentences } from '../ui/format';
import { formatCount, t, uiLocale } from '../ui/i18n';
import { dialogOpen } from '../ui/keys';
import { TransferStore } from './transfer-data';
import { groupFailures, localizeReason, type FailureGroup, type PlaceKind } from './reasons';
import { redrawImage } from './redraw-image';
import { EXPORT_FORMATS, type ExportFormat } from './transfer-formats';
import type { ExportFile } from './transfer-export';
import './transfer.css';

/** Accepted by the file picker: every format `importFile` recognises. */
export const IMPORT_ACCEPT = '.json,.zip,.csv,.html,.htm,.xml,.rss,.atom,.txt';
/** Failed rows listed in the report; the rest are counted. */
const MAX_FAILED_SHOWN = 200;

type El = keyof HTMLElementTagNameMap;
function el<K extends El>(tag: K, props: Partial<HTMLElementTagNameMap[K]> & { className?: string } = {}, ...children: (Node | string)[]): HTMLElementTagNameMap[K] {
  const node = document.createElement(tag);
  Object.assign(node, props);
  node.append(...children);
  return node;
}

const isAbort = (e: unknown): boolean => e instanceof Error && e.name === 'AbortError';
const message = (e: unknown): string => (e instanceof Error ? e.message : String(e));

/**
 * A status line that counts batches is marked busy while it counts: its text changes several times a
 * second, and a screen reader would queue every count. The last word is read once the count ends; the
 * progress bar, named by the line, gives the count to whoever asks.
 */
function counting(status: HTMLElement, on: boolean): void {
  if (on) status.setAttribute('aria-busy', 'true');
  else status.removeAttribute('aria-busy');
}

/** Starts a download of `parts` as `name`; the blob URL is revoked once the browser has taken it. */
export function download(parts: BlobPart[], name: string, type: string): void {
  const url = URL.createObjectURL(new Blob(parts, { type }));
  const a = el('a', { href: url, download: name });
  a.hidden = true;
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 60_000);
}

/** The library's rows an export can be limited to. */
export interface ListedRows {
  /** The rows the library currently shows (filter and search applied). */
  visible: () => readonly LibraryEntry[];
  /** The articles ticked in the list. */
  picked: () => readonly LibraryEntry[];
}

/**
 * Puts the Export and Import buttons into `container`; `openExport` opens the export dialog (on the ticked articles
 * when there are some) from `opener`, which has the focus again when it closes.
 */
export function mountTransfer(container: HTMLElement, listed?: ListedRows): { openExport: (opener: HTMLElement) => void } {
  const store = new TransferStore();
  const exportButton = el('button', { type: 'button', id: 'transfer-export', textContent: t('transferExport') });
  const importButton = el('button', { type: 'button', id: 'transfer-import', textContent: t('transferImport') });
  exportButton.setAttribute('aria-haspopup', 'dialog');
  importButton.setAttribute('aria-haspopup', 'dialog');
  const fileInput = el('input', { type: 'file', id: 'transfer-file', accept: IMPORT_ACCEPT, tabIndex: -1 });
  fileInput.className = 'sr-only';
  fileInput.setAttribute('aria-hidden', 'true');
  container.append(exportButton, importButton, fileInput);

  const exporter = buildExportDialog(store, listed);
  const importer = buildImportDialog(store);
  document.body.append(exporter.dialog, importer.dialog);

  // Focus goes back to the control that opened the dialog (the toolbar's Export, or "Export selected…" among the
  // ticked articles' actions), or to Export when that one has gone.
  let exportOpener: HTMLElement = exportButton;
  const openExport = (opener: HTMLElement) => {
    exportOpener = opener;
    void exporter.open();
  };
  exportButton.addEventListener('click', () => openExport(exportButton));
  exporter.dialog.addEventListener('close', () => (exportOpener.isConnected && exportOpener.checkVisibility?.() !== false ? exportOpener : exportButton).focus());
  importButton.addEventListener('click', () => fileInput.click());
  fileInput.addEventListener('change', () => {
    const file = fileInput.files?.[0];
    fileInput.value = ''; // the same file can be picked again
    if (file) void importer.open(file);
  });
  importer.dialog.addEventListener('close', () => importButton.focus());
  acceptDroppedFiles((file) => void importer.open(file));
  return { openExport };
}

/**
 * A file dragged onto the library imports as if picked with Import, unless a
 * dialog is open. Without this the browser would open the file in place of
 * the library. A hint covers the page while files are over it; it goes when
 * the dragover events stop, as dragleave fires for every child crossed.
 */
function acceptDroppedFiles(take: (file: File) => void): void {
  const hint = el('div', { id: 'drop-import', className: 'drop-import', textContent: t('transferDropHint') });
  hint.hidden = true;
  document.body.append(hint);
  let hide = 0;
  const carriesFiles = (event: DragEvent) => event.dataTransfer?.types.includes('Files') ?? false;
  document.addEventListener('dragover', (event) => {
    if (!carriesFiles(event)) return;
    event.preventDefault();
    const busy = dialogOpen();
    if (event.dataTransfer) event.dataTransfer.dropEffect = busy ? 'none' : 'copy';
    hint.hidden = busy;
    clearTimeout(hide);
    hide = window.setTimeout(() => (hint.hidden = true), 200);
  });
  document.addEventListener('drop', (event) => {
    if (!carriesFiles(event)) return;
    event.preventDefault();
    clearTimeout(hide);
    hint.hidden = true;
    const file = event.dataTransfer?.files[0];
    if (file && !dialogOpen()) take(file);
  });
}

// ---- export ----

function buildExportDialog(store: TransferStore, listed?: ListedRows) {
  const titleId = 'transfer-export-title';
  const dialog = el('dialog', { id: 'transfer-export-dialog', className: 'transfer-dialog' });
  dialog.setAttribute('aria-labelledby', titleId);

  const scopeAll = el('input', { type: 'radio', name: 'transfer-scope', value: 'all', id: 'transfer-scope-all', checked: true });
  const scopeView = el('input', { type: 'radio', name: 'transfer-scope', value: 'view', id: 'transfer-scope-view' });
  const scopePicked = el('input', { type: 'radio', name: 'transfer-scope', value: 'picked', id: 'transfer-scope-picked' });
  const allLabel = el('span');
  const viewLabel = el('span');
  const pickedLabel = el('span');
  const viewOption = el('label', { id: 'transfer-scope-view-label' }, scopeView, ' ', viewLabel);
  const pickedOption = el('label', { id: 'transfer-scope-picked-label' }, scopePicked, ' ', pickedLabel);
  const scope = el(
    'fieldset',
    { className: 'transfer-scope' },
    el('legend', { textContent: t('transferScope') }),
    el('label', {}, scopeAll, ' ', allLabel),
    viewOption,
    pickedOption,
  );

  const formats = el('ul', { className: 'transfer-formats' });
  const formatButtons: HTMLButtonElement[] = [];
  for (const format of EXPORT_FORMATS) {
    const button = el(
      'button',
      { type: 'button', className: 'transfer-format' },
      el('span', { className: 'transfer-format-name', textContent: t(format.labelKey) }),
      el('span', { className: 'transfer-format-hint muted', textContent: t(format.hintKey) }),
    );
    button.dataset.format = format.id;
    button.addEventListener('click', () => void run(format));
    formatButtons.push(button);
    formats.append(el('li', {}, button));
  }

  const status = el('p', { id: 'transfer-export-status', className: 'transfer-status' });
  status.setAttribute('role', 'status');
  status.setAttribute('aria-live', 'polite');
  const progress = el('progress', { id: 'transfer-export-progress', max: 1, value: 0 });
  progress.hidden = true;
  progress.setAttribute('aria-labelledby', 'transfer-export-status');
  const cancel = el('button', { type: 'button', id: 'transfer-export-cancel', textContent: t('cancel') });
  cancel.hidden = true;
  const close = el('button', { type: 'button', textContent: t('transferClose') });
  dialog.append(
    el('h2', { id: titleId, textContent: t('transferExportTitle') }),
    scope,
    el('p', { className: 'transfer-label', textContent: t('transferFormatPick') }),
    formats,
    progress,
    status,
    el('div', { className: 'dialog-actions' }, cancel, close),
  );

  let controller: AbortController | null = null;
  const busy = (on: boolean) => {
    for (const b of formatButtons) b.disabled = on;
    scopeAll.disabled = on;
    scopeView.disabled = on || !listed || viewOption.hidden;
    scopePicked.disabled = on || pickedOption.hidden;
    cancel.hidden = !on;
    progress.hidden = !on;
    close.hidden = on;
    counting(status, on);
  };
  cancel.addEventListener('click', () => controller?.abort());
  close.addEventListener('click', () => dialog.close());
  /** The count as the file name gives it: `128篇`, or `128-articles` in English. */
  const counted = (n: number) => t(n === 1 ? 'exportFileOne' : 'exportFileMany', String(n));
  // Escape during an export is its Cancel: the dialog stays to say it was cancelled (closed, it went without a word).
  dialog.addEventListener('cancel', (event) => {
    if (!controller) return;
    event.preventDefault();
    controller.abort();
  });
  // Closing the dialog otherwise stops an export in progress (not one started since: the close event comes a task later).
  dialog.addEventListener('close', () => {
    if (!dialog.open) controller?.abort();
  });

  async function run(format: ExportFormat): Promise<void> {
    controller = new AbortController();
    const { signal } = controller;
    busy(true);
    status.classList.remove('error');
    status.textContent = t('transferReading');
    // The button pressed is now disabled: focus goes to Cancel (which also scrolls the progress into view in a short window).
    cancel.focus();
    progress.removeAttribute('value'); // indeterminate until the first chunk
    try {
      const chosen = !listed ? null : scopePicked.checked ? [...listed.picked()] : scopeView.checked ? [...listed.visible()] : null;
      // Everything: the rows read here are the rows exported. Those shown or ticked are matched against the
      // index read again, in case some went since.
      const all = await store.entries();
      const stored = chosen ? new Map(all.map((e) => [e.id, e])) : null;
      const rows = chosen && stored ? chosen.flatMap((e) => stored.get(e.id) ?? []) : all;
      if (rows.length === 0) {
        status.textContent = t('transferNothing');
        return;
      }
      const [{ exportList, exportPages, isListFormat }, { localWriter, workersPayOff, writerPool }] = await Promise.all([import('./transfer-export'), import('./export-writing')]);
      // Written as it is read: one bar for both.
      status.textContent = t('transferExporting', t(format.labelKey));
      const bar = (done: number, total: number) => {
        progress.max = 1;
        progress.value = total ? done / total : 1;
        status.textContent = t('transferExportingCount', [t(format.labelKey), formatCount(done), formatCount(total)]);
      };
      let file: ExportFile;
      if (isListFormat(format.id)) {
        const read = { bodies: format.bodies, images: format.images ? await store.imageOwners() : null };
        // Formats of rows only are quick to write here; those with bodies are written by workers where that
        // pays off. In the page, two chunks at a time: one is read while the other is written.
        const pool = format.bodies && workersPayOff() ? writerPool() : null;
        try {
          const write = pool ? pool.writer(format.id, read) : localWriter(store, format.id, read);
          file = await exportList(format.id, rows, write, { signal, onProgress: bar, parallel: pool?.size ?? 2, counted, listTitle: t('readingListTitle') });
        } finally {
          pool?.close();
        }
      } else {
        const pages = store.pages(rows.map((e) => e.id), { signal, images: format.images, rows });
        file = await exportPages(format.id, pages, { total: rows.length, signal, onProgress: bar, counted, listTitle: t('readingListTitle'), epub: { rows, env: window, transcode: redrawImage, title: bookTitle(rows.length) } });
      }
      if (signal.aborted) throw new DOMException('Export cancelled', 'AbortError');
      download(file.parts, file.name, file.type);
      status.textContent = t(file.count === 1 ? 'transferExportedOne' : 'transferExported', [formatCount(file.count), file.name]);
    } catch (e) {
      if (isAbort(e)) status.textContent = t('transferCancelled');
      else {
        status.textContent = t('transferExportFailed', message(e));
        status.classList.add('error');
      }
    } finally {
      controller = null;
      busy(false);
      if (dialog.open) close.focus();
    }
  }

  async function open(): Promise<void> {
    status.textContent = '';
    status.classList.remove('error');
    busy(false);
    const view = listed?.visible() ?? null;
    const picks = listed?.picked() ?? [];
    allLabel.textContent = t('transferScopeAll', '…');
    viewLabel.textContent = view ? t('transferScopeView', formatCount(view.length)) : '';
    pickedLabel.textContent = t('transferScopePicked', formatCount(picks.length));
    scopeView.disabled = !view;
    viewOption.hidden = !view;
    // Ticking articles is a way of saying which to export: they are the default when there are some.
    pickedOption.hidden = picks.length === 0;
    scopePicked.disabled = pickedOption.hidden;
    (picks.length ? scopePicked : scopeAll).checked = true;
    dialog.showModal();
    formatButtons[0]?.focus();
    try {
      const count = (await store.entries()).length;
      allLabel.textContent = t('transferScopeAll', formatCount(count));
      // Nothing filtered out: the view is every article, one choice and not two of the same.
      if (view && view.length === count) {
        viewOption.hidden = true;
        scopeView.disabled = true;
        if (scopeView.checked) scopeAll.checked = true;
      }
      if (count === 0 && dialog.open && !controller) {
        // Nothing to export: said at once, rather than after a format is picked.
        status.textContent = t('transferNothing');
        for (const b of formatButtons) b.disabled = true;
        close.focus();
      }
    } catch {
      allLabel.textContent = t('transferScopeAll', '?');
    }
  }

  return { dialog, open };
}

/** The title e-readers list a book of `count` articles under, in the reader's language (one article keeps its own). */
function bookTitle(count: number): string | undefined {
  return count > 1 ? t('epubBookTitle', [formatDate(new Date().toISOString(), uiLocale()), String(count)]) : undefined;
}

// ---- import ----

function countLine(kind: string, text: string, count: number): HTMLLIElement {
  const li = el('li', { textContent: text });
  li.dataset.count = kind;
  if (count === 0) li.classList.add('muted');
  return li;
}

/** The parts of an article an update changes, by the names readers know them by (fields of `mergeRecord`, grouped). */
const CHANGE_KEYS: Record<string, string> = {
  article: 'changeText', length: 'changeText', readingMinutes: 'changeText', bodyBytes: 'changeText', partial: 'changeText', linkOnly: 'changeText',
  title: 'changeTitle', byline: 'changeDetails', siteName: 'changeDetails', lang: 'changeDetails', lead: 'changeDetails', leadImage: 'changeDetails',
  published: 'changeDetails', tags: 'changeTags', state: 'changeState', readAt: 'changeState', progress: 'changeProgress', savedAt: 'changeSaved',
  imageBytes: 'changeImages', missingImages: 'changeImages',
};

/** The order they are named in, the text first. */
const CHANGE_ORDER = ['changeText', 'changeTitle', 'changeDetails', 'changeTags', 'changeState', 'changeProgress', 'changeSaved', 'changeImages'];

const changeList = new Intl.ListFormat(uiLocale(), { type: 'conjunction' });

/** "Text, tags and read state", in the UI's language; what the library keeps of its own is said after. */
function describeUpdate(u: UpdateNote): string {
  const keys = new Set(u.changes.flatMap((f) => CHANGE_KEYS[f] ?? []));
  if (u.images) keys.add('changeImages');
  const list = changeList.format(CHANGE_ORDER.filter((k) => keys.has(k)).map((k) => t(k)));
  return u.kept.length ? t('changeKeepsNewer', list) : list;
}

/** Why a file that was read has nothing to store: its articles are all in the library, its rows all unreadable, or some of each. */
function nothingToImport(r: ImportReport): string {
  if (!r.failed.length) return t('transferNothingToImport');
  return t(r.duplicates ? 'transferNothingNewOrReadable' : 'transferNothingReadable');
}

/** The plan's counts, which describe the Import button. */
const COUNTS_ID = 'transfer-import-counts';

function buildImportDialog(store: TransferStore) {
  const titleId = 'transfer-import-title';
  const dialog = el('dialog', { id: 'transfer-import-dialog', className: 'transfer-dialog' });
  dialog.setAttribute('aria-labelledby', titleId);
  const fileLine = el('p', { className: 'muted transfer-file-name' });
  const report = el('div', { id: 'transfer-import-report', className: 'transfer-report' });
  const progress = el('progress', { id: 'transfer-import-progress', max: 1, value: 0 });
  progress.hidden = true;
  const status = el('p', { id: 'transfer-import-status', className: 'transfer-status' });
  status.setAttribute('role', 'status');
  status.setAttribute('aria-live', 'polite');
  progress.setAttribute('aria-labelledby', 'transfer-import-status');
  const cancel = el('button', { type: 'button', textContent: t('cancel') });
  const confirm = el('button', { type: 'button', id: 'transfer-import-confirm', className: 'primary', textContent: t('transferConfirmImport') });
  // Focus comes to Import once the file is planned: the counts describe it, or a screen reader heard only "Import".
  // A description, not a live region, so they are read once, with the button, and not again as the dialog's text.
  confirm.setAttribute('aria-describedby', COUNTS_ID);
  dialog.append(
    el('h2', { id: titleId, textContent: t('transferImportTitle') }),
    fileLine,
    report,
    progress,
    status,
    el('div', { className: 'dialog-actions' }, cancel, confirm),
  );

  let plan: FilePlan | null = null;
  let writing = false;
  let generation = 0;
  /** The file planned, and whether a bookmarks file's folders are to be its links' tags (planned again when changed). */
  let chosen: File | null = null;
  let foldersAsTags = false;
  /** Stops the reading of the file being planned, or the batches still to be stored. */
  let stopper: AbortController | null = null;
  cancel.addEventListener('click', () => {
    if (writing) {
      stopper?.abort();
      cancel.disabled = true;
      status.textContent = t('transferImportStopping');
    } else dialog.close();
  });
  // Batches already sent are stored; do not let Escape suggest the rest was undone.
  dialog.addEventListener('cancel', (event) => {
    if (writing) event.preventDefault();
  });
  dialog.addEventListener('close', () => {
    // The close event comes a task later: a file chosen at once may have opened the dialog again, and its plan stays.
    if (dialog.open) return;
    generation++;
    plan = null;
    stopper?.abort();
  });
  confirm.addEventListener('click', () => void write());

  function showReport(r: ImportReport, updates: readonly UpdateNote[]): void {
    report.replaceChildren();
    if (!r.ok) {
      const refusal = el('p', { className: 'error', id: 'transfer-import-refused', textContent: t('transferImportRefused', localizeReason(r.message ?? '', formatName)) });
      // Focus goes to Close and the status line empties: without the alert a screen reader heard no reason, only "Close".
      refusal.setAttribute('role', 'alert');
      report.append(refusal);
      return;
    }
    if (r.format) report.append(el('p', { className: 'transfer-format-line', textContent: t('transferImportFormat', formatName(r.format)) }));
    // Said only when it is not UTF-8: a list a spreadsheet saved in GBK or Big5, read in it.
    if (r.encoding && r.encoding !== 'utf-8') report.append(el('p', { className: 'transfer-encoding-line', textContent: t('transferImportEncoding', encodingName(r.encoding)) }));
    const counts = el(
      'ul',
      { className: 'transfer-counts', id: COUNTS_ID },
      countLine('added', t('transferPlanAdded', formatCount(r.added)), r.added),
      countLine('updated', t('transferPlanUpdated', formatCount(r.updated)), r.updated),
      countLine('duplicates', t('transferPlanDuplicates', formatCount(r.duplicates)), r.duplicates),
    );
    if (r.failed.length) counts.append(countLine('failed', t('transferPlanFailed', formatCount(r.failed.length)), r.failed.length));
    report.append(counts);
    // Said before the write: a time that could not be read (a list a spreadsheet saved again) is not taken silently.
    if (r.undated) report.append(el('p', { className: 'transfer-undated-line muted', textContent: t('transferPlanUndated', formatCount(r.undated)) }));
    if (r.folders) report.append(foldersOption(r.folders));
    if (updates.length) {
      // Nothing stored is overwritten unseen: each update says what it changes before the user confirms.
      const list = el('ul', { className: 'transfer-updates' }, ...updates.map((u) => el('li', { textContent: t('transferUpdateLine', [u.title, describeUpdate(u)]) })));
      const details = el('details', { className: 'transfer-updates-details' }, el('summary', { textContent: t('transferUpdatesDetails') }), list);
      if (r.updated > updates.length) details.append(el('p', { className: 'muted', textContent: t('transferUpdatesMore', formatCount(r.updated - updates.length)) }));
      report.append(details);
    }
    if (r.failed.length) {
      const groups = groupFailures(r.failed);
      const shown = groups.slice(0, MAX_FAILED_SHOWN);
      const list = el('ol', { className: 'transfer-failed' }, ...shown.map((group) => el('li', { textContent: failureLine(group) })));
      const details = el('details', { className: 'transfer-failed-details' }, el('summary', { textContent: t('transferFailedDetails') }), list);
      const unlisted = r.failed.length - shown.reduce((sum, group) => sum + group.count, 0);
      if (unlisted > 0) details.append(el('p', { className: 'muted', textContent: t('transferFailedMore', formatCount(unlisted)) }));
      details.open = groups.length <= 10;
      report.append(details);
    }
  }

  /** A bookmarks file's choice to tag its links with the names of their folders; the file is planned again when it changes. */
  function foldersOption(folders: number): HTMLElement {
    const box = el('input', { type: 'checkbox', id: 'transfer-folders-as-tags', checked: foldersAsTags });
    box.addEventListener('change', () => {
      if (chosen) void open(chosen, { foldersAsTags: box.checked, refocus: 'transfer-folders-as-tags' });
    });
    return el('p', { className: 'transfer-folders-line' }, el('label', {}, box, ' ', t('transferFoldersAsTags', formatCount(folders))));
  }

  /**
   * Plans `file`. Chosen anew, its bookmarks' folders are not tags; planned again for the folders' box, the keyboard
   * goes back to the box (`refocus`) rather than on to Import.
   */
  async function open(file: File, again: { foldersAsTags: boolean; refocus: string } | null = null): Promise<void> {
    const mine = ++generation;
    chosen = file;
    foldersAsTags = again?.foldersAsTags ?? false;
    plan = null;
    fileLine.textContent = file.name;
    report.replaceChildren();
    status.classList.remove('error', 'done', 'partly');
    status.textContent = t('transferImportReading');
    progress.hidden = false;
    progress.removeAttribute('value');
    confirm.hidden = true;
    cancel.textContent = t('cancel');
    if (!dialog.open) dialog.showModal();
    cancel.focus();
    stopper?.abort();
    const reading = (stopper = new AbortController());
    try {
      const { planFile } = await import('./transfer-import');
      const planned = await planFile(file, store, {
        foldersAsTags,
        signal: reading.signal,
        onProgress: (read, total) => {
          if (mine !== generation) return;
          progress.max = Math.max(1, total);
          progress.value = read;
        },
      });
      if (mine !== generation) return;
      plan = planned;
      const r = planned.report;
      showReport(r, planned.updates);
      const writes = planned.writes;
      status.textContent = r.ok && writes === 0 ? nothingToImport(r) : '';
      confirm.hidden = !r.ok || writes === 0;
      confirm.textContent = t('transferConfirmImport');
      cancel.textContent = confirm.hidden ? t('transferClose') : t('cancel');
      const refocus = again ? document.getElementById(again.refocus) : null;
      (refocus ?? (confirm.hidden ? cancel : confirm)).focus();
    } catch (e) {
      if (mine !== generation) return;
      status.textContent = t('transferImportRefused', message(e));
      status.classList.add('error');
      cancel.textContent = t('transferClose');
    } finally {
      if (mine === generation) progress.hidden = true;
    }
  }

  async function write(): Promise<void> {
    const planned = plan;
    if (!planned || writing) return;
    writing = true;
    const stopping = (stopper = new AbortController());
    confirm.hidden = true;
    // The plan being written is the one shown: its folders' box no longer changes it.
    const folders = document.getElementById('transfer-folders-as-tags') as HTMLInputElement | null;
    if (folders) folders.disabled = true;
    // Batches go in one after another: Stop keeps what is stored and sends no more.
    cancel.textContent = t('transferImportStop');
    // Import, which had the focus, is hidden: without this the focus fell to the page, out of reach of Stop.
    cancel.focus();
    progress.hidden = false;
    progress.value = 0;
    status.classList.remove('error');
    status.textContent = t('transferImporting');
    counting(status, true);
    let outcome: ImportOutcome | null = null;
    /** Records the import stores in all, for the words after a stop. */
    let toStore = 0;
    // What would be written is being written: the status line counts it from here on.
    report.querySelector('.transfer-counts')?.remove();
    // The page stores the batches: closing it stops the import part way, so the browser asks first.
    window.addEventListener('beforeunload', holdPage);
    const library = new Library();
    try {
      outcome = await planned.apply(libraryWriter(library, () => announceChange(), stopping.signal), {
        signal: stopping.signal,
        onProgress: (done, total) => {
          toStore = total;
          if (stopping.signal.aborted) return;
          progress.max = Math.max(1, total);
          progress.value = done;
          status.textContent = t('transferImportingCount', [formatCount(done), formatCount(total)]);
        },
      });
      const failed = planned.report.failed.length;
      // The rows the file could not give, and the images the last check refused, count in the last word too: the
      // lists above it are in no live region, so a screen reader would not hear of them.
      status.textContent = joinSentences(
        // Stop pressed while the last batch was being stored: it was, and the words say so rather than take no notice.
        stopping.signal.aborted ? t('transferImportEndedFirst') : '',
        // The duplicates the report counted before the confirm, and those found stored meanwhile.
        t('transferImported', [formatCount(outcome.added), formatCount(outcome.updated), formatCount(planned.report.duplicates + outcome.skipped)]),
        failed ? t('transferImportedFailed', formatCount(failed)) : '',
        refusedNote(outcome),
      );
      // Success in its colour only when nothing was left behind: rows that failed are no success.
      status.classList.add(failed || outcome.rejected.length ? 'partly' : 'done');
    } catch (e) {
      const partial = (e as { outcome?: ImportOutcome }).outcome;
      outcome = partial ?? null;
      const counts = [formatCount(partial?.added ?? 0), formatCount(partial?.updated ?? 0)];
      if (e instanceof Error && e.name === 'ImportStoppedError') status.textContent = joinSentences(t('transferImportStopped', [...counts, formatCount(toStore - stored(partial))]), refusedNote(partial));
      else {
        status.textContent = joinSentences(t('transferImportFailed', [message(e), ...counts]), refusedNote(partial));
        status.classList.add('error');
      }
    } finally {
      counting(status, false);
      await library.close();
      window.removeEventListener('beforeunload', holdPage);
      writing = false;
      plan = null;
      cancel.disabled = false;
      cancel.textContent = t('transferClose');
      progress.hidden = true;
      cancel.focus();
    }
    const rejected = outcome?.rejected ?? [];
    if (rejected.length) {
      const list = el('ol', { className: 'transfer-failed' }, ...rejected.slice(0, MAX_FAILED_SHOWN).map((reason) => el('li', { textContent: localizeReason(reason, formatName) })));
      report.append(el('p', { className: 'error', textContent: t('transferRejected', formatCount(rejected.length)) }), list);
    }
  }

  return { dialog, open };
}

const FORMAT_KEYS: Record<string, string> = {
  'qingdu-backup': 'importFormatBackup', wallabag: 'importFormatWallabag', omnivore: 'importFormatOmnivore', 'pocket-csv': 'importFormatPocketCsv',
  'pocket-html': 'importFormatPocketHtml', 'instapaper-csv': 'importFormatInstapaper', netscape: 'importFormatBookmarks', feed: 'importFormatFeed',
  seed: 'importFormatSeed',
};

/** Line numbers a group of failed rows names before the rest are counted. */
const LINES_NAMED = 6;

/** How rows failed alike are named: by line, or as the entries of a JSON format are numbered. */
const PLACES: Record<PlaceKind, string> = { Article: 'transferFailedArticles', Entry: 'transferFailedEntries', Item: 'transferFailedItems', Image: 'transferFailedImages' };

/** "Line 3: missing URL"; for rows failed alike, "Lines 3, 5, 9… (230 rows): missing URL" (or "Entries 3, 5, 9…"). */
function failureLine({ reason, kind, rest, lines, count }: FailureGroup): string {
  if (count === 1) {
    const why = localizeReason(reason, formatName);
    return lines[0] && !kind ? t('transferFailedLine', [String(lines[0]), why]) : why;
  }
  const why = localizeReason(rest ?? reason, formatName);
  if (lines.length < count) return t('transferFailedTimes', [why, formatCount(count)]);
  const comma = uiLocale().startsWith('zh') ? '、' : ', ';
  const named = lines.slice(0, LINES_NAMED).join(comma) + (lines.length > LINES_NAMED ? '…' : '');
  return t(kind ? PLACES[kind] : 'transferFailedLines', [named, formatCount(count), why]);
}

/** Records an import stored: batches stored after Stop was pressed count too. */
const stored = (outcome: ImportOutcome | undefined): number => (outcome ? outcome.added + outcome.updated + outcome.skipped : 0);

/** "2 refused by the final check (listed above).", or nothing when the import stored every image it sent. */
function refusedNote(outcome: ImportOutcome | null | undefined): string {
  const count = outcome?.rejected.length ?? 0;
  return count ? t('transferImportedRejected', formatCount(count)) : '';
}

function holdPage(event: BeforeUnloadEvent): void {
  event.preventDefault();
}

function formatName(format: string): string {
  const key = FORMAT_KEYS[format];
  return key ? t(key) : format;
}
