/**
 * How contexts hear that the library changed: whoever writes posts
 * `{ type: 'changed', ids }` on one BroadcastChannel, and open pages refresh
 * what they show.
 */
export const LIBRARY_CHANNEL = 'qingdu-library';

export interface LibraryChange {
  type: 'changed';
  /** Ids written (saved, updated, deleted or restored). Absent or empty: anything may have changed. */
  ids?: string[];
}

export function isLibraryChange(value: unknown): value is LibraryChange {
  return typeof value === 'object' && value !== null && (value as { type?: unknown }).type === 'changed';
}

let channel: BroadcastChannel | null | undefined;

/** Tells every other context (and other listeners in this one) which articles changed; none named: anything may have. */
export function announceChange(ids: string[] = []): void {
  channel ??= typeof BroadcastChannel === 'undefined' ? null : new BroadcastChannel(LIBRARY_CHANNEL);
  channel?.postMessage({ type: 'changed', ids } satisfies LibraryChange);
}
