/**
 * Reader preferences: how articles look, not library data. They live in
 * `storage.local` under one key, so every reader tab and both browsers share
 * them, and any page may write them directly (the background owns only the library).
 */
import browser from '../platform/browser';

export type Theme = 'system' | 'light' | 'dark' | 'sepia';
export type BilingualLayout = 'side' | 'interleave';

export interface ReaderPrefs {
  /** Colour theme. Default `system` (follows the OS light/dark setting). */
  theme: Theme;
  /** Body font size in CSS px. Default 19; clamped to FONT_SIZES. */
  fontSize: number;
  /** Text column width in em. Default 36; clamped to WIDTHS. */
  width: number;
  /** How bilingual (English/Chinese) pairs are laid out. Default `side` (two columns on wide screens). */
  bilingual: BilingualLayout;
}

/** `local:reader-prefs` in WXT's notation: the `reader-prefs` key of `storage.local`. */
export const PREFS_KEY = 'reader-prefs';
export const THEMES: readonly Theme[] = ['system', 'light', 'dark', 'sepia'];
export const FONT_SIZES = { min: 14, max: 28, step: 1 } as const;
export const WIDTHS = { min: 24, max: 50, step: 2 } as const;
export const DEFAULT_PREFS: Readonly<ReaderPrefs> = Object.freeze({
  theme: 'system',
  fontSize: 19,
  width: 36,
  bilingual: 'side',
});

const clamp = (n: number, lo: number, hi: number) => Math.min(hi, Math.max(lo, n));
const num = (v: unknown): number | null => (typeof v === 'number' && Number.isFinite(v) ? v : null);

/** Any stored value (old, partial, hand-edited) as complete, in-range prefs. */
export function normalizePrefs(raw: unknown): ReaderPrefs {
  const r = (typeof raw === 'object' && raw !== null ? raw : {}) as Record<string, unknown>;
  const fontSize = num(r.fontSize);
  const width = num(r.width);
  return {
    theme: THEMES.includes(r.theme as Theme) ? (r.theme as Theme) : DEFAULT_PREFS.theme,
    fontSize: fontSize === null ? DEFAULT_PREFS.fontSize : clamp(Math.round(fontSize), FONT_SIZES.min, FONT_SIZES.max),
    width: width === null ? DEFAULT_PREFS.width : clamp(Math.round(width), WIDTHS.min, WIDTHS.max),
    bilingual: r.bilingual === 'interleave' ? 'interleave' : 'side',
  };
}

/** The next theme in the cycle the `t` key walks through. */
export function nextTheme(theme: Theme): Theme {
  return THEMES[(THEMES.indexOf(theme) + 1) % THEMES.length] ?? 'system';
}

/** Font size one step up or down, within range. */
export function stepFontSize(size: number, direction: 1 | -1): number {
  return clamp(size + direction * FONT_SIZES.step, FONT_SIZES.min, FONT_SIZES.max);
}

export function stepWidth(width: number, direction: 1 | -1): number {
  return clamp(width + direction * WIDTHS.step, WIDTHS.min, WIDTHS.max);
}

/** The part of `storage.local` prefs need; tests pass an in-memory one. */
export interface PrefsArea {
  get(key: string): Promise<Record<string, unknown>>;
  set(items: Record<string, unknown>): Promise<void>;
}

export async function loadPrefs(area: PrefsArea = browser.storage.local): Promise<ReaderPrefs> {
  try {
    return normalizePrefs((await area.get(PREFS_KEY))[PREFS_KEY]);
  } catch {
    return { ...DEFAULT_PREFS };
  }
}

export async function savePrefs(prefs: ReaderPrefs, area: PrefsArea = browser.storage.local): Promise<void> {
  await area.set({ [PREFS_KEY]: normalizePrefs(prefs) });
}
