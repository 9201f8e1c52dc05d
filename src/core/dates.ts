/**
 * Date parsing for article metadata. Every result is ISO 8601 UTC without
 * milliseconds (`2020-08-16T22:52:26Z`), the one form the whole product uses.
 *
 * Pure string functions: no DOM, no clock (relative times like "7小时前" yield null).
 */

/** Chinese sites print wall-clock time in Beijing time unless told otherwise. */
export const DEFAULT_TZ_OFFSET_MINUTES = 8 * 60;

const CJK_DATE = /(\d{4})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*日(?:\s*(\d{1,2})\s*[:：]\s*(\d{2})(?:\s*[:：]\s*(\d{2}))?)?/;
const ISO_LIKE = /^\d{4}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2})?)?$/;
/** RFC 822 / 2822, as RSS `pubDate` uses: `Sun, 16 Aug 2020 22:52:26 +0000`. */
const RFC822 = /^(?:[A-Z][a-z]{2},\s*)?\d{1,2}\s+[A-Z][a-z]{2}\s+\d{2,4}\s+\d{2}:\d{2}(?::\d{2})?\s*(?:GMT|UTC?|Z|[+-]\d{4}|[ECMP][SD]T)?$/;
/**
 * `Sun Jul 19 2026 04:00:15 GMT+0000 (…)`, as JavaScript's Date#toString prints, in any case: rebuilt
 * from an unquoted attribute the HTML parser split up, the words after the first come back lower-cased.
 */
const JS_DATE = /^[a-z]{3} ([a-z]{3}) (\d{1,2}) (\d{4}) (\d{2}):(\d{2}):(\d{2}) gmt([+-])(\d{2})(\d{2})/i;
const MONTHS = ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec'];

/** Formats a Date as `YYYY-MM-DDTHH:MM:SSZ`, or null when invalid. */
export function toIso(date: Date): string | null {
  const t = date.getTime();
  if (!Number.isFinite(t)) return null;
  return date.toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/** Unix time in seconds or milliseconds (told apart by magnitude). */
export function fromUnix(value: string | number): string | null {
  const n = typeof value === 'number' ? value : Number(String(value).trim());
  if (!Number.isFinite(n) || n <= 0) return null;
  // Seconds until the year 5138; anything larger is milliseconds.
  return toIso(new Date(n < 1e11 ? n * 1000 : n));
}

/**
 * "2019年2月18日 07:17" → "2019-02-17T23:17:00Z" (wall clock read at `tzOffsetMinutes`).
 * A date without a time means midnight at that offset.
 */
export function parseChineseDate(text: string, tzOffsetMinutes = DEFAULT_TZ_OFFSET_MINUTES): string | null {
  const m = CJK_DATE.exec(text);
  if (!m) return null;
  const [y, mo, d, h, mi, s] = m.slice(1).map((v) => (v === undefined ? 0 : Number(v)));
  if (!y || !mo || !d || mo > 12 || d > 31 || (h ?? 0) > 23 || (mi ?? 0) > 59) return null;
  const utc = Date.UTC(y, mo - 1, d, h ?? 0, mi ?? 0, s ?? 0) - tzOffsetMinutes * 60_000;
  return toIso(new Date(utc));
}

/** `+08:00` for 480 minutes. */
function zoneOf(offsetMinutes: number): string {
  const m = Math.abs(offsetMinutes);
  return `${offsetMinutes < 0 ? '-' : '+'}${String(Math.floor(m / 60)).padStart(2, '0')}:${String(m % 60).padStart(2, '0')}`;
}

/**
 * Best-effort parse of one date value: unix seconds/ms, Chinese date text,
 * ISO 8601, or a JavaScript Date string. Anything else → null, never a guess
 * (free text like "更新于2019年2月18日" must not reach `Date.parse`).
 * Chinese text is wall-clock time at `tzOffsetMinutes`; an ISO date and time
 * without a zone at `isoOffsetMinutes` (default UTC; a date alone stays UTC midnight).
 */
export function parseDate(value: string | null | undefined, tzOffsetMinutes = DEFAULT_TZ_OFFSET_MINUTES, isoOffsetMinutes = 0): string | null {
  if (!value) return null;
  const v = value.trim();
  if (/^\d{9,13}$/.test(v)) return fromUnix(v);
  if (CJK_DATE.test(v)) return parseChineseDate(v, tzOffsetMinutes);
  if (ISO_LIKE.test(v)) {
    const zoned = /(?:Z|[+-]\d{2}:?\d{2})$/.test(v) || v.length === 10 ? v : `${v.replace(' ', 'T')}${zoneOf(isoOffsetMinutes)}`;
    return toIso(new Date(zoned));
  }
  if (RFC822.test(v)) return toIso(new Date(v));
  const js = JS_DATE.exec(v);
  if (js) {
    const [mon = '', d, y, h, mi, s, sign, oh, om] = js.slice(1);
    const mo = MONTHS.indexOf(mon.toLowerCase());
    const offset = (sign === '-' ? -1 : 1) * (Number(oh) * 60 + Number(om));
    return mo < 0 ? null : toIso(new Date(Date.UTC(Number(y), mo, Number(d), Number(h), Number(mi), Number(s)) - offset * 60_000));
  }
  return null;
}

/** The date printed right after `label` in `text` ("发布于2024年12月14日 更新于…" with label 发布于). */
export function parseLabelledDate(text: string, label: string, tzOffsetMinutes = DEFAULT_TZ_OFFSET_MINUTES): string | null {
  const at = text.indexOf(label);
  if (at < 0) return null;
  return parseChineseDate(text.slice(at + label.length), tzOffsetMinutes);
}
