/**
 * The list's view (search, filters, where it was scrolled, the row selected),
 * kept whenever the page goes: the reader shows an article in the library's
 * tab, and "← Library", Esc and the browser's Back then bring the list back as
 * it was left, not the newest articles with the search gone (a reload keeps it
 * too). Kept in sessionStorage, which is the tab's own: a library opened in
 * another tab starts from the default view.
 */
import type { Filters, StateFilter } from './view';

export interface ViewMemory {
  query: string;
  filters: Filters;
  scrollY: number;
  /** The selected row's article. */
  current: string | null;
}

const KEY = 'qingdu-library-view';
const STATES: readonly StateFilter[] = ['inbox', 'unread', 'archived', 'all'];
/** Longer than any search typed: what is stored past it is no view this page kept. */
const MAX_QUERY = 1000;

export function rememberView(memory: ViewMemory): void {
  try {
    sessionStorage.setItem(KEY, JSON.stringify(memory));
  } catch {
    // Storage refused (full, or turned off): the list comes back in its default view.
  }
}

/** The view last kept in this tab, or null (none, or not one this page wrote). */
export function recalledView(): ViewMemory | null {
  let value: unknown;
  try {
    value = JSON.parse(sessionStorage.getItem(KEY) ?? 'null');
  } catch {
    return null;
  }
  if (typeof value !== 'object' || value === null) return null;
  const { query, filters, scrollY, current } = value as Partial<Record<keyof ViewMemory, unknown>>;
  if (typeof query !== 'string' || query.length > MAX_QUERY || typeof scrollY !== 'number' || !Number.isFinite(scrollY)) return null;
  if (current !== null && typeof current !== 'string') return null;
  if (typeof filters !== 'object' || filters === null) return null;
  const { state, tag, site } = filters as Partial<Record<keyof Filters, unknown>>;
  if (!STATES.includes(state as StateFilter) || typeof tag !== 'string' || typeof site !== 'string') return null;
  return { query, filters: { state: state as StateFilter, tag, site }, scrollY: Math.max(0, scrollY), current };
}
