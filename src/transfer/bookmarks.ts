/**
 * Netscape bookmark files (bookmarks.html), export and import, and Pocket's
 * ril_export.html, which shares the `<a>`-list shape.
 */
import type { ReadState, SavedArticle } from '../storage/types';
import { tokenizeHtml } from './html-scan';
import type { ChunkOptions, ImportError, ImportedLink, ImportItem, ParseResult } from './types';
import { escapeHtml, inArchive, isoFromUnix, lineEnds, mapChunked, safeUrl, TransferError, unixSeconds, urlProblem, UNKNOWN_TIME } from './util';

/** Karakeep checks `startsWith` on exactly this; nothing (no BOM, no space) may precede it. */
export const NETSCAPE_DOCTYPE = '<!DOCTYPE NETSCAPE-Bookmark-file-1>';

/** Everything before the first link of a Netscape bookmark file. */
export const BOOKMARKS_HEAD =
  `${NETSCAPE_DOCTYPE}\n<!-- This is an automatically generated file.\n     It will be read and overwritten.\n     DO NOT EDIT! -->\n` +
  '<META HTTP-EQUIV="Content-Type" CONTENT="text/html; charset=UTF-8">\n<TITLE>Bookmarks</TITLE>\n<H1>Bookmarks</H1>\n<DL><p>\n';
export const BOOKMARKS_TAIL = '</DL><p>\n';

/** Why a list file is refused when a list it opens is never closed. */
const CUT_SHORT = 'the file ends inside a list, so it was probably cut short';

/** A tag as a bookmarks file writes it: TAGS are comma-separated, so a comma in a tag becomes a space. */
export const bookmarkTag = (tag: string): string => tag.replace(/,/g, ' ').trim();

/**
 * One article's lines in a Netscape bookmark file. Archived articles carry
 * `TOREAD="0"`, which Readeck and Qingdu read as archived; the others, read
 * ones among them, `TOREAD="1"`: they are still in the list (see `inArchive`).
 * An article whose URL is not http(s) gives nothing.
 */
export function bookmarkRow(a: SavedArticle): string {
  const href = safeUrl(a.url);
  if (!href) return '';
  const tags = a.tags.map(bookmarkTag).filter(Boolean).join(',');
  const desc = a.lead ? `\n    <DD>${escapeHtml(a.lead.replace(/\s+/g, ' '))}` : '';
  return (
    `    <DT><A HREF="${escapeHtml(href)}" ADD_DATE="${unixSeconds(a.savedAt)}" LAST_MODIFIED="${unixSeconds(a.updatedAt)}"` +
    ` TAGS="${escapeHtml(tags)}" TOREAD="${inArchive(a) ? 0 : 1}">${escapeHtml(a.title || href)}</A>${desc}\n`
  );
}

/** Writes a Netscape bookmark file (see `bookmarkRow`). */
export async function exportBookmarks(articles: readonly SavedArticle[], opts: ChunkOptions = {}): Promise<string> {
  const rows = await mapChunked(articles, bookmarkRow, opts);
  return BOOKMARKS_HEAD + rows.join('') + BOOKMARKS_TAIL;
}

export interface ParseBookmarksOptions {
  /** Add each enclosing folder name as a tag. Default false. */
  foldersAsTags?: boolean;
}

/**
 * The folders a browser makes for itself (Chrome's bookmarks bar, Firefox's toolbar and "Other Bookmarks"), marked
 * so in the file: they hold nearly everything, and as a tag would say nothing.
 */
const BROWSER_FOLDER = ['personal_toolbar_folder', 'unfiled_bookmarks_folder'];

/** Folder names a link gets as tags at most: the innermost ones (a deep tree would otherwise bury its own tags). */
const MAX_FOLDER_TAGS = 4;

function splitTags(raw: string | undefined): string[] {
  return raw ? raw.split(',').map((t) => t.trim()).filter(Boolean) : [];
}

function uniq(list: string[]): string[] {
  return [...new Set(list)];
}

/** Tags that end a `<DD>`'s text: the next entry, list or link. */
const DESCRIPTION_END = new Set(['dt', 'dd', 'dl', 'h3', 'a']);

/** Where a bookmark file is cut into entries: before each `<DT`, never inside a comment (one left open runs to the end). */
const ENTRY_START = /<!--[\s\S]*?(?:-->|$)|<dt/gi;

/**
 * Reads a Netscape bookmark file as its text arrives: `push` each piece, then
 * `end`. The text is tokenized entry by entry, each from its `<DT` to the
 * next, so only the text of one unfinished entry is held back, and a damaged
 * tag (an unclosed quote, a missing `>`) spoils its own entry only, the same
 * wherever the pieces of the file happen to end.
 */
export class BookmarksReader {
  private readonly items: ImportItem[] = [];
  private readonly errors: ImportError[] = [];
  private readonly folders: string[] = [];
  /** The folder names links would get as tags (see `ParseResult.folders`). */
  private readonly linkFolders = new Set<string>();
  private pendingFolder: string | null = null;
  private browserFolder = false;
  private inFolderTitle = false;
  private folderTitle = '';
  private link: { attrs: Record<string, string>; line: number; text: string } | null = null;
  /** The link just read, which a `<DD>` next describes (a `<DD>` after a folder's `<H3>` describes the folder). */
  private describable: ImportedLink | null = null;
  private description: { item: ImportedLink; text: string } | null = null;
  private buf = '';
  /** Where in `buf` the search for the next entry resumes. */
  private searched = 0;
  private line = 1;
  private started = false;

  constructor(private readonly opts: ParseBookmarksOptions = {}) {}

  push(text: string): void {
    this.buf += text;
    if (!this.started) {
      // Wait for enough text to see the doctype.
      if (this.buf.length < 256) return;
      this.checkStart();
    }
    this.buf = this.buf.slice(this.scanEntries(this.buf));
  }

  /** The links read. Throws when the file is not a bookmark file. */
  end(): ParseResult {
    if (!this.started) this.checkStart();
    this.scan(this.buf.slice(this.scanEntries(this.buf)));
    this.buf = '';
    this.finishLink();
    this.finishDescription();
    // Every exporter closes each <DL> it opens: one left open means the file stops early, and its missing links would go unmentioned.
    if (this.folders.length > 0) throw new TransferError(CUT_SHORT);
    return { items: this.items, errors: this.errors, tagForm: bookmarkTag, folders: this.linkFolders.size };
  }

  private checkStart(): void {
    if (!/^\s*<!DOCTYPE\s+NETSCAPE-Bookmark-file-1\s*>/i.test(this.buf)) {
      throw new TransferError('not a bookmarks file (it must start with <!DOCTYPE NETSCAPE-Bookmark-file-1>)');
    }
    this.started = true;
  }

  private finishLink(): void {
    if (!this.link) return;
    const { attrs, line, text } = this.link;
    this.link = null;
    const url = safeUrl(attrs.href);
    if (!url) {
      this.errors.push({ line, reason: urlProblem(attrs.href) });
      return;
    }
    const toread = attrs.toread;
    const state: ReadState = toread === '0' ? 'archived' : 'unread';
    // The innermost names, read from the end: a file thousands of folders deep costs no more per link. The outermost
    // <DL> and a browser's own folders are placeholders with no name.
    const folders: string[] = [];
    for (let i = this.folders.length - 1; i >= 0 && folders.length < MAX_FOLDER_TAGS; i--) if (this.folders[i]) folders.unshift(this.folders[i] as string);
    for (const name of folders) this.linkFolders.add(name);
    const tags = uniq([...splitTags(attrs.tags), ...(this.opts.foldersAsTags ? folders : [])]);
    const savedAt = isoFromUnix(attrs.add_date) ?? UNKNOWN_TIME;
    this.describable = { kind: 'link', url, title: text.trim().replace(/\s+/g, ' ') || url, tags, state, savedAt };
    this.items.push(this.describable);
  }

  /** Gives the described link its lead: the `<DD>`'s text on one line, as Firefox and Raindrop write notes. */
  private finishDescription(): void {
    if (!this.description) return;
    const lead = this.description.text.trim().replace(/\s+/g, ' ');
    if (lead) this.description.item.lead = lead;
    this.description = null;
  }

  /** Scans each entry of `text` that the next `<DT` closes; returns where the last one starts. */
  private scanEntries(text: string): number {
    let from = 0;
    // Resume the search where the last one stopped (in an open comment, or just short of the end), not at the start again.
    ENTRY_START.lastIndex = Math.min(this.searched, text.length);
    for (let m = ENTRY_START.exec(text); m; m = ENTRY_START.exec(text)) {
      if (m[0].startsWith('<!--')) {
        // A comment still open: what follows it waits for its end.
        if (m[0].length < 7 || !m[0].endsWith('-->')) return this.searchedFrom(from, m.index);
        continue;
      }
      if (m.index > from) this.scan(text.slice(from, m.index));
      from = m.index;
    }
    return this.searchedFrom(from, Math.max(from, text.length - 3));
  }

  /** Notes where the next search starts in the text that will be kept from `from`. */
  private searchedFrom(from: number, resume: number): number {
    this.searched = resume - from;
    return from;
  }

  private scan(html: string): void {
    for (const tok of tokenizeHtml(html, this.line)) {
      if (tok.type !== 'text' && DESCRIPTION_END.has(tok.name)) {
        this.finishDescription();
        if (tok.type === 'open' && tok.name === 'dd' && this.describable) this.description = { item: this.describable, text: '' };
        this.describable = null;
      }
      if (tok.type === 'open') {
        if (tok.name === 'a') {
          this.finishLink();
          this.link = { attrs: tok.attrs, line: tok.line, text: '' };
        } else if (tok.name === 'h3') {
          this.inFolderTitle = true;
          this.folderTitle = '';
          this.browserFolder = BROWSER_FOLDER.some((name) => tok.attrs[name]?.toLowerCase() === 'true');
        } else if (tok.name === 'dl') {
          this.folders.push(this.pendingFolder ?? '');
          this.pendingFolder = null;
        }
      } else if (tok.type === 'close') {
        if (tok.name === 'a') this.finishLink();
        else if (tok.name === 'h3') {
          this.inFolderTitle = false;
          // A browser's own folder is kept as a placeholder, which names no tag.
          this.pendingFolder = this.browserFolder ? '' : this.folderTitle.trim().replace(/\s+/g, ' ');
        } else if (tok.name === 'dl') this.folders.pop();
      } else if (this.link) this.link.text += tok.text;
      else if (this.description) this.description.text += tok.text;
      else if (this.inFolderTitle) this.folderTitle += tok.text;
    }
    // Pieces are cut before a `<DT`, never between the CR and LF of a line end.
    this.line += lineEnds(html);
  }
}

/** Reads a Netscape bookmark file. Throws when the file is not one. */
export function parseBookmarks(html: string, opts: ParseBookmarksOptions = {}): ParseResult {
  const reader = new BookmarksReader(opts);
  reader.push(html);
  return reader.end();
}

/**
 * Reads Pocket's `ril_export.html`: the `<h1>` section (Unread / Read Archive)
 * gives the state, `time_added` the save time, `tags` comma-separated tags.
 */
export function parsePocketHtml(html: string): ParseResult {
  const items: ImportItem[] = [];
  const errors: ImportError[] = [];
  let section = '';
  let inH1 = false;
  let sawList = false;
  let openLists = 0;
  let link: { attrs: Record<string, string>; line: number; text: string } | null = null;
  const finish = () => {
    if (!link) return;
    const { attrs, line, text } = link;
    link = null;
    const url = safeUrl(attrs.href);
    if (!url) {
      errors.push({ line, reason: urlProblem(attrs.href) });
      return;
    }
    const state: ReadState = /read archive|archive/i.test(section) ? 'archived' : 'unread';
    items.push({
      kind: 'link', url, title: text.trim().replace(/\s+/g, ' ') || url, tags: uniq(splitTags(attrs.tags)), state,
      savedAt: isoFromUnix(attrs.time_added) ?? UNKNOWN_TIME,
    });
  };
  for (const tok of tokenizeHtml(html)) {
    if (tok.type === 'open') {
      if (tok.name === 'h1') {
        inH1 = true;
        section = '';
      } else if (tok.name === 'ul') {
        sawList = true;
        openLists++;
      }
      else if (tok.name === 'a') {
        finish();
        link = { attrs: tok.attrs, line: tok.line, text: '' };
      }
    } else if (tok.type === 'close') {
      if (tok.name === 'h1') inH1 = false;
      else if (tok.name === 'ul') openLists--;
      else if (tok.name === 'a') finish();
    } else if (link) link.text += tok.text;
    else if (inH1) section += tok.text;
  }
  finish();
  if (!sawList && items.length === 0) throw new TransferError('not a Pocket export (no Unread / Read Archive lists)');
  if (openLists > 0) throw new TransferError(CUT_SHORT);
  return { items, errors };
}
