/** Recognising an import file from its name and first bytes. */
import { unzipSync } from 'fflate';
import type { ImportFormat } from './format-names';
import { isBackupEntry } from './backup';
import { csvDelimiter } from './csv';
import { bomEncoding, declaredCharset, decodeText } from './text-encoding';
import { isZip } from './util';

export { FORMAT_NAMES, type ImportFormat } from './format-names';

const SNIFF_BYTES = 64 * 1024;

/** Pocket's old export in a zip: `ril_export.html`, or `ril_export (1).html` as a second download is named. */
export const isPocketHtmlEntry = (name: string): boolean => /(^|\/)ril_export[^/]*\.html?$/i.test(name) && !name.startsWith('__MACOSX/');

function zipNames(bytes: Uint8Array): string[] {
  const names: string[] = [];
  try {
    unzipSync(bytes, { filter: (f) => (names.push(f.name), false) });
  } catch {
    return [];
  }
  return names;
}

/**
 * Whether a zip's first entry is a Qingdu backup, told from its local header
 * alone: a large zip is read as a stream, never whole, so its directory at the
 * end is not at hand.
 */
export function isZippedBackup(head: Uint8Array): boolean {
  if (!isZip(head) || head.length < 30) return false;
  const nameLength = (head[26] ?? 0) | ((head[27] ?? 0) << 8);
  return isBackupEntry(new TextDecoder().decode(head.subarray(30, 30 + nameLength)));
}

/**
 * Whether a file is one of the exports made for other apps (a Markdown file or
 * zip, an EPUB), which hold too little to come back as a library: an import
 * that refuses one says what to use instead. Never throws.
 */
export function isOneWayExport(name: string, bytes: Uint8Array): boolean {
  if (/\.(epub|md|markdown)$/i.test(name)) return true;
  return isZip(bytes) && zipNames(bytes).some((n) => n === 'mimetype' || /(^|\/)reading-list\.md$/.test(n));
}

/**
 * The text of a file's first bytes, in the encoding it would be read in
 * (`decodeText`: a CSV saved by a spreadsheet in GBK, a bookmarks page that
 * declares its charset); when none reads it, in the encoding its BOM names or
 * UTF-8, with U+FFFD for what is not, so the format is still told and its
 * reading can say what is wrong. `bytes` may be the first bytes of a longer
 * file (the library page reads no more to choose how to read the rest), cut
 * inside a character.
 */
export function headText(bytes: Uint8Array): string {
  const head = bytes.subarray(0, SNIFF_BYTES);
  try {
    return decodeText(head, { head: true, declared: declaredCharset(head) }).text;
  } catch {
    return new TextDecoder(bomEncoding(head) ?? 'utf-8').decode(head);
  }
}

/**
 * Whether a file's first text reads as binary: a NUL, which no text file in an encoding Qingdu reads holds, or more
 * than one character in twenty that no text has (controls, bytes no encoding read). A few of them are a damaged
 * title's, in a file that is otherwise good.
 */
function looksBinary(head: string): boolean {
  const start = head.slice(0, 1024);
  if (start.includes('\u0000')) return true;
  const odd = start.match(/[\u0001-\u0008\u000e-\u001f\ufffd]/g)?.length ?? 0; // eslint-disable-line no-control-regex
  return odd * 20 > start.length;
}

/**
 * Whether `t` opens an RSS, Atom or RDF feed: its root element after an XML declaration, processing instructions (a
 * stylesheet for browsers), comments and a doctype (RSS 0.91's). A scan, not one regular expression: one over
 * several comments took time doubling with each.
 */
function opensFeed(t: string): boolean {
  const space = /\s*/y;
  let at = 0;
  for (;;) {
    space.lastIndex = at;
    space.test(t);
    at = space.lastIndex;
    const [open, close] = t.startsWith('<?', at) ? ['<?', '?>'] : t.startsWith('<!--', at) ? ['<!--', '-->'] : /^<!doctype\s/i.test(t.slice(at, at + 10)) ? ['<!', '>'] : [];
    if (!open || !close) return /^<(?:rss|feed|rdf:RDF)\b/.test(t.slice(at, at + 9));
    const end = t.indexOf(close, at + open.length);
    if (end < 0) return false;
    at = end + close.length;
  }
}

/** The format of a file, or null when it is none Qingdu imports. Never throws. */
export function detectFormat(name: string, bytes: Uint8Array): ImportFormat | null {
  const lower = name.toLowerCase();
  if (isZip(bytes)) {
    const names = zipNames(bytes);
    if (names.some(isBackupEntry)) return 'qingdu-backup';
    if (names.some((n) => /(^|\/)metadata_[^/]*\.json$/i.test(n))) return 'omnivore';
    if (names.some((n) => /\.csv$/i.test(n))) return 'pocket-csv';
    if (names.some(isPocketHtmlEntry)) return 'pocket-html';
    return null;
  }
  const head = headText(bytes);
  if (looksBinary(head)) return null;
  const t = head.trimStart();
  if (t.startsWith('{')) return /"format"\s*:\s*"qingdu-backup"/.test(t) ? 'qingdu-backup' : null;
  if (t.startsWith('[')) {
    if (/"(is_archived|given_url|reading_time|is_starred)"\s*:/.test(t)) return 'wallabag';
    if (/"(slug|savedAt|labels|readingProgress)"\s*:/.test(t)) return 'omnivore';
    if (lower.includes('wallabag')) return 'wallabag';
    if (lower.includes('omnivore') || lower.startsWith('metadata_')) return 'omnivore';
    return null;
  }
  if (/^<!DOCTYPE\s+NETSCAPE-Bookmark-file-1/i.test(t)) return 'netscape';
  if (/^\s*<!--\s*\d{10,13}\s*-->\s*\r?\n/.test(head)) return 'seed';
  if (opensFeed(t)) return 'feed';
  if (/^<(!doctype html|html)/i.test(t)) {
    if (/<title>\s*Pocket Export\s*<\/title>/i.test(t) || /<a\s[^<>]*\btime_added=/i.test(t)) return 'pocket-html';
    return null;
  }
  // A tab-separated list (Excel's "Unicode Text") is recognised as its CSV.
  const line = t.split(/\r?\n/, 1)[0] ?? '';
  const firstLine = (csvDelimiter(line) === '\t' ? line.replace(/\t/g, ',') : line).toLowerCase().replace(/"/g, '');
  if (/^url,title(,|$)/.test(firstLine)) return 'instapaper-csv';
  if (/^title,url,time_added(,|$)/.test(firstLine)) return 'pocket-csv';
  if (lower.endsWith('.csv')) {
    if (lower.includes('instapaper')) return 'instapaper-csv';
    if (lower.includes('pocket') || lower.startsWith('part_')) return 'pocket-csv';
  }
  return null;
}
