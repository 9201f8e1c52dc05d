/**
 * The import formats and their English names, and the names of text
 * encodings, apart from detection so a page can name them without loading the
 * sniffing code and its unzipper.
 */
export type ImportFormat =
  | 'qingdu-backup' | 'wallabag' | 'omnivore' | 'pocket-csv' | 'pocket-html' | 'instapaper-csv' | 'netscape' | 'feed' | 'seed';

export const FORMAT_NAMES: Record<ImportFormat, string> = {
  'qingdu-backup': 'Qingdu backup', wallabag: 'wallabag JSON', omnivore: 'Omnivore export', 'pocket-csv': 'Pocket CSV',
  'pocket-html': 'Pocket HTML export', 'instapaper-csv': 'Instapaper CSV', netscape: 'browser bookmarks', feed: 'RSS/Atom feed',
  seed: 'feedx article page',
};

const ENCODING_NAMES: Record<string, string> = { 'utf-8': 'UTF-8', 'utf-16le': 'UTF-16LE', 'utf-16be': 'UTF-16BE', gbk: 'GBK', gb18030: 'GB18030', big5: 'Big5' };

/** A text encoding as `TextDecoder` names it, written as people write it: `gb18030` → `GB18030`, `big5` → `Big5`. */
export const encodingName = (encoding: string): string => ENCODING_NAMES[encoding] ?? encoding.toUpperCase();
