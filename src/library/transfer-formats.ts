/** The export formats the library page lists (data only, so the menu renders before any exporter loads). */

export type ExportFormatId = 'backup' | 'markdown' | 'bookmarks' | 'instapaper' | 'pocket' | 'wallabag' | 'epub' | 'reading-list';

export interface ExportFormat {
  id: ExportFormatId;
  /** messages.json keys of the name and the one-line description. */
  labelKey: string;
  hintKey: string;
  /** Whether the file carries stored images (they are read from storage first). */
  images: boolean;
  /** Whether the file carries the articles' text (else only the library rows are read). */
  bodies: boolean;
}

/** In menu order. */
export const EXPORT_FORMATS: readonly ExportFormat[] = [
  { id: 'backup', labelKey: 'formatBackup', hintKey: 'formatBackupHint', images: true, bodies: true },
  { id: 'markdown', labelKey: 'formatMarkdown', hintKey: 'formatMarkdownHint', images: true, bodies: true },
  { id: 'bookmarks', labelKey: 'formatBookmarks', hintKey: 'formatBookmarksHint', images: false, bodies: false },
  { id: 'instapaper', labelKey: 'formatInstapaper', hintKey: 'formatInstapaperHint', images: false, bodies: false },
  { id: 'pocket', labelKey: 'formatPocket', hintKey: 'formatPocketHint', images: false, bodies: false },
  { id: 'wallabag', labelKey: 'formatWallabag', hintKey: 'formatWallabagHint', images: false, bodies: true },
  { id: 'epub', labelKey: 'formatEpub', hintKey: 'formatEpubHint', images: true, bodies: true },
  { id: 'reading-list', labelKey: 'formatReadingList', hintKey: 'formatReadingListHint', images: false, bodies: false },
];
