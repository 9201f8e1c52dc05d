/**
 * What the library shows: filters, search order and facets over index rows.
 * Pure functions over arrays, so 20,000 rows are filtered in a few ms and the
 * rules are unit-tested without a browser.
 */
import type { LibraryEntry } from '../storage/types';
import { hostOf } from '../ui/format';
import { compareNames, tagsByUse } from '../ui/tags';
import { newestFirst, sameEntry } from '../storage/records';
import { foldScripts } from '../storage/script-fold';

export type StateFilter = 'inbox' | 'unread' | 'archived' | 'all';

export interface Filters {
  /** `inbox`: everything not archived (default); `all` includes archived. */
  state: StateFilter;
  /** Exact tag, or '' for any. */
  tag: string;
  /** A site's `siteKey`, or '' for any. */
  site: string;
}

export const DEFAULT_FILTERS: Readonly<Filters> = Object.freeze({ state: 'inbox', tag: '', site: '' });

export function siteOf(entry: LibraryEntry): string {
  return entry.siteName?.trim() || hostOf(entry.url);
}

/** Site names seen, folded: a library names a few dozen sites, over thousands of rows. */
const siteKeys = new Map<string, string>();

/**
 * What the site filter groups by: `siteOf` in one script, so FT's big5 edition
 * (FT中文網) and its Simplified one (FT中文网) are one site, as search takes them.
 */
export function siteKey(entry: LibraryEntry): string {
  return keyOfSite(siteOf(entry));
}

function keyOfSite(site: string): string {
  let key = siteKeys.get(site);
  if (key === undefined) siteKeys.set(site, (key = foldScripts(site)));
  return key;
}

export function matchesFilters(entry: LibraryEntry, filters: Filters): boolean {
  switch (filters.state) {
    case 'inbox':
      if (entry.state === 'archived') return false;
      break;
    case 'unread':
      if (entry.state !== 'unread') return false;
      break;
    case 'archived':
      if (entry.state !== 'archived') return false;
      break;
    case 'all':
      break;
  }
  if (filters.tag && !entry.tags.includes(filters.tag)) return false;
  if (filters.site && siteKey(entry) !== filters.site) return false;
  return true;
}

/**
 * The rows to show. Without a search, `all` is already newest first; with
 * one, rows follow the search's order (title hits first) and ids the library
 * no longer holds are skipped.
 */
export function applyView(all: readonly LibraryEntry[], filters: Filters, searchIds: readonly string[] | null): LibraryEntry[] {
  if (searchIds === null) return all.filter((e) => matchesFilters(e, filters));
  const byId = new Map(all.map((e) => [e.id, e]));
  const out: LibraryEntry[] = [];
  for (const id of searchIds) {
    const entry = byId.get(id);
    if (entry && matchesFilters(entry, filters)) out.push(entry);
  }
  return out;
}

/** A filter's choice: the value it filters by, how many entries have it, and its name where that is not the value. */
export type Facet = [value: string, count: number, label?: string];

/**
 * Tags and sites with how many entries carry them, most used first, then by
 * name. A site is named as most of its entries spell it.
 */
export function facets(all: readonly LibraryEntry[]): { tags: Facet[]; sites: Facet[] } {
  const sites = new Map<string, Map<string, number>>();
  for (const e of all) {
    const site = siteOf(e);
    if (!site) continue;
    const key = keyOfSite(site);
    const spellings = sites.get(key) ?? new Map<string, number>();
    spellings.set(site, (spellings.get(site) ?? 0) + 1);
    sites.set(key, spellings);
  }
  const order = (a: Facet, b: Facet) => b[1] - a[1] || compareNames(a[2] ?? a[0], b[2] ?? b[0]);
  const siteFacets = [...sites].map(([key, spellings]): Facet => {
    let count = 0;
    let label = key;
    let most = 0;
    for (const [spelling, n] of spellings) {
      count += n;
      if (n > most) [label, most] = [spelling, n];
    }
    return label === key ? [key, count] : [key, count, label];
  });
  return { tags: tagsByUse(all), sites: siteFacets.sort(order) };
}

/**
 * The tag and site menus: each counts the entries the other filters leave (a
 * tag's count is of those the state and site chosen hold), so a tag and a site
 * that hold nothing together say so before they are chosen. Names the others
 * leave none of follow, at 0, in the library's order, still there to choose.
 * `libraryTags`: every tag, counted over the whole library.
 */
export function filterFacets(all: readonly LibraryEntry[], filters: Filters): { tags: Facet[]; sites: Facet[]; libraryTags: Facet[] } {
  const library = facets(all);
  const within = (f: Filters) => facets(all.filter((e) => matchesFilters(e, f)));
  const withZeros = (counted: Facet[], every: Facet[]): Facet[] => {
    const seen = new Set(counted.map(([value]) => value));
    return [...counted, ...every.filter(([value]) => !seen.has(value)).map(([value, , label]): Facet => (label === undefined ? [value, 0] : [value, 0, label]))];
  };
  return {
    tags: withZeros(within({ ...filters, tag: '' }).tags, library.tags),
    sites: withZeros(within({ ...filters, site: '' }).sites, library.sites),
    libraryTags: library.tags,
  };
}

/**
 * `all` with `entry` put in (replacing the row with its id), still newest first.
 * A row read back the same as the one held is not put in: the page redraws a
 * row whose object changed, and a click that lands as its button is swapped is lost.
 */
export function upsertEntry(all: readonly LibraryEntry[], entry: LibraryEntry): readonly LibraryEntry[] {
  const held = all.find((e) => e.id === entry.id);
  if (held && sameEntry(held, entry)) return all;
  const out = all.filter((e) => e.id !== entry.id);
  let lo = 0;
  let hi = out.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (newestFirst(out[mid] as LibraryEntry, entry) < 0) lo = mid + 1;
    else hi = mid;
  }
  out.splice(lo, 0, entry);
  return out;
}

export function removeEntry(all: readonly LibraryEntry[], id: string): LibraryEntry[] {
  return all.filter((e) => e.id !== id);
}

/**
 * The index as just read (`fresh`, newest first), with what the page holds
 * (`held`) kept where it is newer or the same: rows `changedHere` names as the
 * page has them (its own writes answered after the read began), and every
 * other row read back unchanged as the object already held.
 */
export function reconcile(held: readonly LibraryEntry[], fresh: readonly LibraryEntry[], changedHere: (id: string) => boolean): readonly LibraryEntry[] {
  const heldById = new Map(held.map((e) => [e.id, e]));
  const out: LibraryEntry[] = [];
  for (const entry of fresh) {
    const mine = heldById.get(entry.id);
    if (changedHere(entry.id)) {
      if (mine) out.push(mine);
    } else out.push(mine && sameEntry(mine, entry) ? mine : entry);
  }
  const read = new Set(fresh.map((e) => e.id));
  let merged: readonly LibraryEntry[] = out;
  for (const entry of held) if (!read.has(entry.id) && changedHere(entry.id)) merged = upsertEntry(merged, entry);
  return merged;
}
