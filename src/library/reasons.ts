/**
 * Import reasons in the reader's language. The transfer code is pure and
 * speaks English (the command line, logs and tests read it as is); the page
 * looks each reason up by its English wording, the way gettext keys messages
 * by their source text, and shows the matching message of `_locales`.
 * A reason with no entry here is shown as written, never dropped.
 *
 * Template holes: `{}` any value, `{f}` a field name, `{p}` a file name
 * inside a zip, `{*}` a reason of its own, translated in turn.
 */
import { FORMAT_NAMES } from '../transfer/format-names';
import type { ImportError } from '../transfer/types';
import { t } from '../ui/i18n';

const TEMPLATES: ReadonlyArray<readonly [key: string, english: string]> = [
  ["whyArticleN", "Article {}: {*}"],
  ["whyImageN", "Image {}: {*}"],
  ["whyEntryN", "Entry {}: {*}"],
  ["whyItemN", "Item {}: {*}"],
  ["whyInFile", "{p}: {*}"],
  ["whyMissingUrl", "missing URL"],
  ["whyUnsafeScheme", "unsafe or unsupported URL scheme \"{}:\""],
  ["whyInvalidUrl", "invalid URL"],
  ["whyNotHttpUrl", "URL {} is not an http(s) URL"],
  ["whyColumnsAtLeast", "expected at least {} columns, found {}"],
  ["whyColumns", "expected {} columns, found {}"],
  ["whyNotObject", "not an object"],
  ["whyRecordNotObject", "record is not an object"],
  ["whyArticleNotObject", "article is not an object"],
  ["whyArticleMissing", "article is missing or not an object"],
  ["whyIdEmpty", "id is empty"],
  ["whyFieldMissing", "{f} is missing"],
  ["whyFieldString", "{f} must be a string"],
  ["whyFieldStringOrNull", "{f} must be a string or null"],
  ["whyFieldNumber", "{f} must be a non-negative number"],
  ["whyFieldFraction", "{f} must be a number from 0 to 1"],
  ["whyFieldBoolean", "{f} must be true or false"],
  ["whyFieldList", "{f} must be a list of strings"],
  ["whyFieldState", "{f} must be \"unread\", \"read\" or \"archived\""],
  ["whyFieldDate", "{f} must be an ISO 8601 date"],
  ["whyFieldDateOrNull", "{f} must be an ISO 8601 date or null"],
  ["whyFieldUrl", "{f} {*}"],
  ["whyImageFields", "needs articleId, url, type and data strings"],
  ["whyImageOrphan", "belongs to no imported article ({})"],
  ["whyImageType", "type \"{}\" is not an image type"],
  ["whyImageTooLarge", "larger than {} MB"],
  ["whyImageEmpty", "no image data"],
  ["whyBase64", "invalid base64 image data"],
  ["whyImagesForMissing", "{} image(s) for an article not in the library ({})"],
  ["whyDuplicateId", "duplicate id \"{}\""],
  ["whyDuplicateUrl", "duplicate URL {}"],
  ["whyNotJson", "the backup is not valid JSON, probably truncated or damaged ({*})"],
  ["whyJsonAt", "at character {}"],
  ["whyJsonUnexpected", "unexpected {} at character {}"],
  ["whyJsonEnds", "the file ends before the backup does"],
  ["whyJsonEndsExport", "the file ends before the export does"],
  ["whyJsonUnparsed", "its text does not parse"],
  ["whyNotBackup", "not a Qingdu backup (missing \"format\": \"qingdu-backup\")"],
  ["whyNoVersion", "the backup has no valid version number"],
  ["whyNewerBackup", "this backup was made by a newer Qingdu (backup version {}; this one reads up to {}). Update Qingdu and import again"],
  ["whyNoArticlesList", "the backup has no \"articles\" list"],
  ["whyImagesNotList", "\"images\" must be a list"],
  ["whyEntryTooLarge", "an entry of \"{}\" is larger than {} MB"],
  ["whyFieldTooLarge", "the backup's \"{}\" field is too large"],
  ["whyKeyTooLong", "the backup has a key that is too long"],
  ["whyKeyTwice", "the backup has \"{}\" twice"],
  ["whyNotBookmarks", "not a bookmarks file (it must start with <!DOCTYPE NETSCAPE-Bookmark-file-1>)"],
  ["whyNotPocketHtml", "not a Pocket export (no Unread / Read Archive lists)"],
  ["whyCutShort", "the file ends inside a list, so it was probably cut short"],
  ["whyCsvEmpty", "the CSV file is empty"],
  ["whyNotInstapaper", "not an Instapaper CSV (needs URL and Title columns)"],
  ["whyNotPocketCsv", "not a Pocket CSV (needs title, url and time_added columns)"],
  ["whyZipNoCsv", "the zip holds no CSV files"],
  ["whyCsvQuote", "unterminated quoted field starting on line {}"],
  ["whyCsvCutRow", "the file ends inside the row on line {}, so it was probably cut short"],
  ["whyTagAttributes", "the tag on line {} has more attributes than can be read"],
  ["whyFeedParser", "feed import is not available here (no feed parser)"],
  ["whyFeedBroken", "the feed does not parse ({*})"],
  ["whyFeedXml", "feed XML does not parse"],
  ["whySeedParser", "feedx article pages cannot be imported here (no page parser)"],
  ["whyNotSeed", "not a feedx article page (expected <!--time-->, [title](url), ------, then HTML)"],
  ["whyZipNoEntry", "the zip holds no {}"],
  ["whyNotUtf8", "the file is not UTF-8 text"],
  ["whyNotTextIn", "the file is not {} text"],
  ["whyNotKnownText", "the file is not text in UTF-8, GB18030 (GBK) or Big5; save it as UTF-8 and import it again"],
  ["whyZipDamaged", "the zip archive is damaged ({*})"],
  // fflate's words for a damaged zip.
  ["whyZipData", "invalid zip data"],
  ["whyZipEof", "unexpected EOF"],
  ["whyZipBlock", "invalid block type"],
  ["whyZipLiteral", "invalid length/literal"],
  ["whyZipDistance", "invalid distance"],
  ["whyZipChecksum", "{p}: its checksum does not match"],
  ["whyZipEntries", "the zip archive has too many entries ({} > {})"],
  ["whyZipBomb", "the zip archive would unpack to {} MB, above the {} MB limit"],
  ["whyZipBombStreamed", "the zip archive unpacks to more than {} MB, the limit"],
  ["whyZipCut", "the zip archive ends before the backup does"],
  ["whyUnorderedArticles", "the backup lists its articles before its \"format\" and \"version\""],
  ["whyUnorderedImages", "the backup lists its images before its articles"],
  ["whyJsonBroken", "the file is not valid JSON, probably truncated or damaged ({*})"],
  ["whyNotExport", "not a {} export (expected a JSON list of entries)"],
  ["whyNoOmnivore", "the zip holds no Omnivore metadata_*.json files"],
  ["whyNoArticles", "the file holds no articles"],
  ["whyTooBig", "the file is {} MB; files above {} MB are refused"],
  ["whyEmptyFile", "the file is empty"],
  ["whyOneWayExport", "a Markdown or EPUB export is made for other apps and does not import back; to move a library, export and import the JSON backup"],
  ["whyUnknownFormat", "not a file Qingdu can import (expected a Qingdu backup, Pocket, Instapaper, Omnivore or wallabag export, browser bookmarks, an RSS/Atom feed or a feedx article page)"],
  ["whyUnexpected", "unexpected error ({})"],
];

// A quoted value may be empty (an image whose type is "").
const HOLE: Record<string, string> = { '{}': '(.*?)', '{f}': '([A-Za-z][\\w.]*)', '{p}': '([^\\s:]+)', '{*}': '(.+)' };

interface Rule {
  key: string;
  pattern: RegExp;
  /** Which captures are reasons of their own. */
  nested: boolean[];
}

const RULES: Rule[] = TEMPLATES.map(([key, english]) => {
  const nested: boolean[] = [];
  const source = english
    .split(/(\{[*fp]?\})/)
    .map((part, i) => {
      if (i % 2 === 0) return part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
      nested.push(part === '{*}');
      return HOLE[part];
    })
    .join('');
  return { key, pattern: new RegExp(`^${source}$`, 's'), nested };
});

/** The reason in the UI language, or undefined when some part of it has no message. */
function translate(reason: string, message: typeof t): string | undefined {
  for (const rule of RULES) {
    const match = rule.pattern.exec(reason);
    if (!match) continue;
    const values: string[] = [];
    let whole = true;
    match.slice(1).forEach((value, i) => {
      if (!whole) return;
      const inner = rule.nested[i] ? translate(value, message) : value;
      if (inner === undefined) whole = false;
      else values.push(inner);
    });
    if (!whole) continue;
    const text = message(rule.key, values);
    if (text && text !== rule.key) return text;
  }
  return undefined;
}

/**
 * Longest reason matched against the messages. Reasons quote at most a short piece of the file (`quoted`), so
 * real ones stay far below it; a longer one is shown as written: with a hole followed by text a value can repeat,
 * matching takes time quadratic in the value's length.
 */
const MAX_TRANSLATED = 2_000;

/** `reason` in the UI language where there is a message for it; as written otherwise. */
export function localizeReason(reason: string, formatName: (format: string) => string, message: typeof t = t): string {
  if (reason.length > MAX_TRANSLATED) return reason;
  // A refusal names the format first ("Pocket CSV: the CSV file is empty").
  for (const [format, name] of Object.entries(FORMAT_NAMES)) {
    if (reason.startsWith(`${name}: `)) {
      const rest = reason.slice(name.length + 2);
      return message('whyInFormat', [formatName(format), translate(rest, message) ?? rest]);
    }
  }
  return translate(reason, message) ?? reason;
}

/** What a JSON format numbers its failed rows by, as the transfer code writes it ("Entry 3: missing URL"). */
export type PlaceKind = 'Article' | 'Entry' | 'Item' | 'Image';

/** Failed rows that share a reason, in the order the file first gave it. */
export interface FailureGroup {
  /** The first row's reason, whole. */
  reason: string;
  /** Rows numbered in their reason: what they are, and the reason without the number. */
  kind?: PlaceKind;
  rest?: string;
  /** The rows' line numbers, or the numbers their reasons give. */
  lines: number[];
  count: number;
}

const NUMBERED = /^(Article|Entry|Item|Image) (\d+): (.+)$/s;

/**
 * Rows failed for the same reason, one group each: a list of 230 lines that
 * all say "missing URL" is read as one line with its 230 places, and so are
 * 230 entries of a JSON export, whose reasons name their number.
 */
export function groupFailures(failed: readonly ImportError[]): FailureGroup[] {
  const groups = new Map<string, FailureGroup>();
  for (const { line, reason } of failed) {
    const numbered = line ? null : NUMBERED.exec(reason);
    const key = numbered ? `${numbered[1]}\u0000${numbered[3]}` : reason;
    let group = groups.get(key);
    if (!group) {
      group = numbered ? { reason, kind: numbered[1] as PlaceKind, rest: numbered[3], lines: [], count: 0 } : { reason, lines: [], count: 0 };
      groups.set(key, group);
    }
    group.count++;
    const place = line ?? (numbered ? Number(numbered[2]) : 0);
    if (place) group.lines.push(place);
  }
  return [...groups.values()];
}
