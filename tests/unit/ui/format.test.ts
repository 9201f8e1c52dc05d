// @vitest-environment happy-dom
import { afterEach, describe, expect, it, vi } from 'vitest';
import { debounce, formatBytes, formatDate, formatDateTime, formatListDate, hostOf, joinSentences, scriptOf, throttle } from '../../../src/ui/format';

describe('formatting', () => {
  it('dates follow the UI language and survive bad input', () => {
    expect(formatDate('2020-08-17T06:52:00Z', 'zh-CN')).toBe('2020年8月17日');
    expect(formatDate('2020-08-17T06:52:00Z', 'en-US')).toBe('Aug 17, 2020');
    expect(formatDate(null, 'zh-CN')).toBe('');
    expect(formatDate('not a date', 'en')).toBe('');
    expect(formatDateTime('2020-08-17T06:52:00Z', 'zh-CN')).toMatch(/^2020年8月17日/);
    // No leading zero on a 12-hour clock's hour, whatever the time zone the tests run in.
    expect(formatDateTime('2020-08-17T06:52:00Z', 'en-US')).toMatch(/^August 17, 2020(,| at) [1-9]\d?:52\s[AP]M$/);
    expect(formatDateTime('2020-08-17T06:52:00Z', 'zh-CN')).toMatch(/^2020年8月17日 \d{1,2}:52$/);
  });

  it('a list leaves the year out of dates in the current year', () => {
    const now = new Date('2026-11-26T12:00:00Z');
    expect(formatListDate('2026-08-17T06:52:00Z', 'zh-CN', now)).toBe('8月17日');
    expect(formatListDate('2026-08-17T06:52:00Z', 'en-US', now)).toBe('Aug 17');
    expect(formatListDate('2025-08-17T06:52:00Z', 'zh-CN', now)).toBe('2025年8月17日');
    expect(formatListDate('bad', 'en', now)).toBe('');
  });

  it('bytes use readable units', () => {
    expect(formatBytes(0)).toBe('0 B');
    expect(formatBytes(512)).toBe('512 B');
    expect(formatBytes(1536)).toBe('1.5 KB');
    expect(formatBytes(25 * 1024 * 1024)).toBe('25 MB');
  });

  it('sentences run together with a space after a Latin full stop and none after a full-width one', () => {
    expect(joinSentences('Imported: 1 added.', '1 could not be imported.')).toBe('Imported: 1 added. 1 could not be imported.');
    expect(joinSentences('导入完成：新增 1 篇。', '1 条无法导入（原因见上）。')).toBe('导入完成：新增 1 篇。1 条无法导入（原因见上）。');
    expect(joinSentences('', '匯入完成。', '')).toBe('匯入完成。');
  });

  it('hosts drop www', () => {
    expect(hostOf('https://www.ftchinese.com/story/1')).toBe('ftchinese.com');
    expect(hostOf('not a url')).toBe('');
  });

  it('lang tags map to the right glyph set', () => {
    expect(scriptOf('zh-CN')).toBe('hans');
    expect(scriptOf('zh')).toBe('hans');
    expect(scriptOf('zh-Hans-CN')).toBe('hans');
    expect(scriptOf('zh-TW')).toBe('hant');
    expect(scriptOf('zh-HK')).toBe('hant');
    expect(scriptOf('zh-Hant')).toBe('hant');
    expect(scriptOf('en')).toBe('latin');
    expect(scriptOf(null)).toBe('hans');
  });
});

describe('timing helpers', () => {
  afterEach(() => void vi.useRealTimers());

  it('throttle sends at most once per interval, the last value winning, and flushes on demand', () => {
    vi.useFakeTimers();
    const calls: number[] = [];
    const send = throttle((n: number) => calls.push(n), 1000);
    send(1);
    send(2);
    send(3);
    expect(calls).toEqual([1]);
    vi.advanceTimersByTime(1000);
    expect(calls).toEqual([1, 3]);
    send(4);
    send.flush();
    expect(calls).toEqual([1, 3, 4]);
  });

  it('debounce calls once after the last call', () => {
    vi.useFakeTimers();
    const fn = vi.fn();
    const soon = debounce(fn, 100);
    soon('a');
    soon('b');
    vi.advanceTimersByTime(99);
    expect(fn).not.toHaveBeenCalled();
    vi.advanceTimersByTime(1);
    expect(fn).toHaveBeenCalledTimes(1);
    expect(fn).toHaveBeenCalledWith('b');
  });
});
