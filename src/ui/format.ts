/**
 * Small display helpers shared by the library and the reader. Pure: the
 * locale is passed in, so tests pin it.
 */

/** A date as readers expect it in their language: `2020年8月17日` or `Aug 17, 2020`; empty for bad input. */
export function formatDate(iso: string | null | undefined, locale: string): string {
  if (!iso) return '';
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return '';
  return new Intl.DateTimeFormat(locale, { year: 'numeric', month: 'short', day: 'numeric' }).format(date);
}

/** A list's date: `8月17日` or `Aug 17` in the current year, else as `formatDate` writes it. */
export function formatListDate(iso: string | null | undefined, locale: string, now = new Date()): string {
  const date = iso ? new Date(iso) : null;
  if (!date || Number.isNaN(date.getTime()) || date.getFullYear() !== now.getFullYear()) return formatDate(iso, locale);
  return new Intl.DateTimeFormat(locale, { month: 'short', day: 'numeric' }).format(date);
}

/** Date and time, for the reader's "published" line. */
export function formatDateTime(iso: string | null | undefined, locale: string): string {
  if (!iso) return '';
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return '';
  return new Intl.DateTimeFormat(locale, {
    year: 'numeric',
    month: 'long',
    day: 'numeric',
    // "4:00 PM", not "04:00 PM"; a 24-hour locale still writes 16:00.
    hour: 'numeric',
    minute: '2-digit',
  }).format(date);
}

/** Bytes in the largest unit that keeps the number readable: `0 B`, `12 KB`, `3.4 MB`. */
export function formatBytes(bytes: number): string {
  if (!Number.isFinite(bytes) || bytes <= 0) return '0 B';
  const units = ['B', 'KB', 'MB', 'GB', 'TB'];
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  const digits = unit === 0 || value >= 10 ? 0 : 1;
  return `${value.toFixed(digits)} ${units[unit]}`;
}

/** Host name without `www.`, for entries with no site name. */
export function hostOf(url: string): string {
  try {
    return new URL(url).hostname.replace(/^www\./, '');
  } catch {
    return '';
  }
}

/**
 * Which CJK glyph set an article's `lang` asks for. `zh` alone and unknown
 * Chinese tags mean Simplified (most of our readers); `zh-TW`, `zh-HK`,
 * `zh-MO` and `zh-Hant` mean Traditional.
 */
export type Script = 'hans' | 'hant' | 'latin';

export function scriptOf(lang: string | null | undefined): Script {
  const tag = (lang ?? '').toLowerCase();
  if (!tag.startsWith('zh')) return tag ? 'latin' : 'hans';
  if (/-hant\b|-(tw|hk|mo)\b/.test(tag)) return 'hant';
  return 'hans';
}

/** Leading/trailing calls collapse into at most one call per `ms`, the last arguments winning. */
export function throttle<A extends unknown[]>(fn: (...args: A) => void, ms: number): ((...args: A) => void) & { flush(): void } {
  let last = 0;
  let timer: ReturnType<typeof setTimeout> | null = null;
  let pending: A | null = null;
  const run = () => {
    timer = null;
    last = Date.now();
    const args = pending;
    pending = null;
    if (args) fn(...args);
  };
  const throttled = (...args: A) => {
    pending = args;
    const wait = ms - (Date.now() - last);
    if (wait <= 0) run();
    else timer ??= setTimeout(run, wait);
  };
  throttled.flush = () => {
    if (timer) clearTimeout(timer);
    if (pending) run();
  };
  return throttled;
}

/** Calls `fn` once `ms` after the last call. */
export function debounce<A extends unknown[]>(fn: (...args: A) => void, ms: number): (...args: A) => void {
  let timer: ReturnType<typeof setTimeout> | null = null;
  return (...args: A) => {
    if (timer) clearTimeout(timer);
    timer = setTimeout(() => fn(...args), ms);
  };
}

/**
 * Sentences of a message run together: a space after a Latin full stop, none after a
 * full-width one (Chinese sets 。 with its own space, and "。 1 条" reads as a stray gap).
 */
export function joinSentences(...sentences: string[]): string {
  return sentences.filter(Boolean).reduce((text, next) => (!text || /[\u3000-\u303f\uff01-\uff60]$/.test(text) ? text + next : `${text} ${next}`), '');
}
