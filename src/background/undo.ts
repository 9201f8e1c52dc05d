/**
 * Deleted articles are kept in memory for a short while so "undo" can put them
 * back exactly (body and images included).
 */
const UNDO_WINDOW_MS = 60_000;
const pending = new Map<string, { removed: unknown; timer: ReturnType<typeof setTimeout> }>();

/** Holds `removed` for an undo; `token` names it again when an undo that took it failed. */
export function keepForUndo<T>(removed: T, token: string = crypto.randomUUID()): string {
  const timer = setTimeout(() => pending.delete(token), UNDO_WINDOW_MS);
  pending.set(token, { removed, timer });
  return token;
}

export function takeUndo<T>(token: string): T | undefined {
  const held = pending.get(token);
  if (!held) return undefined;
  clearTimeout(held.timer);
  pending.delete(token);
  return held.removed as T;
}
