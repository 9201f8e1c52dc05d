/**
 * Merging an imported record into one already in the library (same URL).
 *
 * Rules, in order:
 * - Read state only moves forward: archived > read > unread.
 * - Tags are unioned (existing order first).
 * - Progress keeps the larger value; readAt the later time; savedAt the earlier
 *   (one in the same whole second is the same time: see `earlierSave`).
 * - Text is never replaced by nothing: a link-only record never overwrites a body;
 *   a body always fills a link-only record, and a newer link-only one gives it
 *   its title and lead (a description), when it has them.
 * - Otherwise the record with the later `updatedAt` wins field by field.
 * Every field that changed is listed in `changes`; every field where the
 * incoming value lost to a newer existing one is listed in `kept`.
 */
import { detectChinese } from '../core/metadata';
import { siteNameOf } from '../core/rules/site-names';
import { earlierSave, furtherState } from '../storage/records';
import type { LibraryEntry, SavedArticle } from '../storage/types';
import type { ImportItem } from './types';


export type MergeableRecord = LibraryEntry & { article?: SavedArticle['article'] };

export interface MergeResult<T extends MergeableRecord> {
  record: T;
  changed: boolean;
  /** Fields whose value differs from the existing record. */
  changes: string[];
  /** Fields where the incoming value differed but the existing, newer one was kept. */
  kept: string[];
}

/** Fields that come with the text and follow the newer record. */
const CONTENT_FIELDS = [
  'title', 'siteName', 'lang', 'byline', 'lead', 'leadImage', 'published', 'readingMinutes', 'length', 'partial', 'bodyBytes',
  'imageBytes', 'missingImages', 'article',
] as const;

const same = (a: unknown, b: unknown): boolean => a === b || JSON.stringify(a) === JSON.stringify(b);
const later = (a: string | null, b: string | null): string | null => (!a ? b : !b ? a : Date.parse(b) > Date.parse(a) ? b : a);

export function mergeRecord<T extends MergeableRecord>(existing: T, incoming: MergeableRecord): MergeResult<T> {
  const out = { ...existing } as T & Record<string, unknown>;
  const kept: string[] = [];
  const incomingNewer = Date.parse(incoming.updatedAt) > Date.parse(existing.updatedAt);
  const incomingHasBody = !incoming.linkOnly && incoming.article !== undefined;
  const existingHasBody = !existing.linkOnly;
  const takeContent = incomingHasBody && (!existingHasBody || incomingNewer);
  for (const f of CONTENT_FIELDS) {
    const value = (incoming as unknown as Record<string, unknown>)[f];
    if (value === undefined || same(value, out[f])) continue;
    if (takeContent) (out as Record<string, unknown>)[f] = value;
    else if (f === 'title' && !existingHasBody && incomingNewer && typeof value === 'string' && value && value !== incoming.url) out.title = value;
    else if (f === 'lead' && !existingHasBody && incomingNewer && value) out.lead = value as string;
    else kept.push(f);
  }
  out.linkOnly = existing.linkOnly && !incomingHasBody;
  out.tags = [...new Set([...existing.tags, ...incoming.tags])];
  out.state = furtherState(existing.state, incoming.state);
  out.progress = Math.max(existing.progress, incoming.progress);
  out.readAt = later(existing.readAt, incoming.readAt);
  out.savedAt = earlierSave(existing.savedAt, incoming.savedAt);
  const changes = Object.keys(out).filter((k) => k !== 'updatedAt' && !same(out[k], (existing as unknown as Record<string, unknown>)[k]));
  out.updatedAt = changes.length ? (later(existing.updatedAt, incoming.updatedAt) as string) : existing.updatedAt;
  if (changes.length && !same(out.updatedAt, existing.updatedAt)) changes.push('updatedAt');
  return { record: out, changed: changes.length > 0, changes, kept };
}

/** Han characters with no kana or hangul beside them: Chinese, even in a title too short to tell the script. */
const CHINESE_ONLY = /^(?=.*\p{Script=Han})(?!.*[\p{Script=Hiragana}\p{Script=Katakana}\p{Script=Hangul}])/su;

/**
 * The library row for a link-only import item (no body: the library fetches it later). Its
 * language is the title's when that is Chinese, so the title is read out and drawn as Chinese.
 */
export function linkEntry(item: Extract<ImportItem, { kind: 'link' }>, id: string): LibraryEntry {
  return {
    id, url: item.url, title: item.title, siteName: siteNameOf(item.url), lang: detectChinese(item.title) ?? (CHINESE_ONLY.test(item.title) ? 'zh' : null), byline: null, lead: item.lead ?? null, leadImage: null, published: null,
    savedAt: item.savedAt, updatedAt: item.savedAt, readAt: null, state: item.state, tags: item.tags, readingMinutes: 0, length: 0,
    partial: false, progress: 0, linkOnly: true, bodyBytes: 0, imageBytes: 0, missingImages: [],
  };
}
