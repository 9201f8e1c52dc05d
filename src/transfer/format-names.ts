/**
 * The import formats and their English names, apart from detection so a page
 * can name a format without loading the sniffing code and its unzipper.
 */
export type ImportFormat =
  | 'qingdu-backup' | 'wallabag' | 'omnivore' | 'pocket-csv' | 'pocket-html' | 'instapaper-csv' | 'netscape' | 'feed' | 'seed';

export const FORMAT_NAMES: Record<ImportFormat, string> = {
  'qingdu-backup': 'Qingdu backup', wallabag: 'wallabag JSON', omnivore: 'Omnivore export', 'pocket-csv': 'Pocket CSV',
  'pocket-html': 'Pocket HTML export', 'instapaper-csv': 'Instapaper CSV', netscape: 'browser bookmarks', feed: 'RSS/Atom feed',
  seed: 'feedx article page',
};
