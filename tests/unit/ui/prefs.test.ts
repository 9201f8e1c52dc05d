// @vitest-environment happy-dom
import { describe, expect, it, vi } from 'vitest';

// The polyfill throws outside an extension; prefs take their storage area as a parameter anyway.
vi.mock('../../../src/platform/browser', () => ({ default: {} }));

const { DEFAULT_PREFS, PREFS_KEY, loadPrefs, nextTheme, normalizePrefs, savePrefs, stepFontSize, stepWidth, FONT_SIZES, WIDTHS } =
  await import('../../../src/ui/prefs');

function memoryArea(initial: Record<string, unknown> = {}) {
  const data = { ...initial };
  return {
    data,
    get: async (key: string) => (key in data ? { [key]: data[key] } : {}),
    set: async (items: Record<string, unknown>) => void Object.assign(data, items),
  };
}

describe('reader prefs', () => {
  it('fill defaults for missing, unknown or malformed values', () => {
    expect(normalizePrefs(undefined)).toEqual(DEFAULT_PREFS);
    expect(normalizePrefs('nonsense')).toEqual(DEFAULT_PREFS);
    expect(normalizePrefs({ theme: 'neon', fontSize: 'big', width: NaN, bilingual: 'diagonal' })).toEqual(DEFAULT_PREFS);
  });

  it('keep valid values and clamp sizes into range', () => {
    expect(normalizePrefs({ theme: 'sepia', fontSize: 22.4, width: 30, bilingual: 'interleave' })).toEqual({
      theme: 'sepia',
      fontSize: 22,
      width: 30,
      bilingual: 'interleave',
    });
    expect(normalizePrefs({ fontSize: 200, width: 1 })).toMatchObject({ fontSize: FONT_SIZES.max, width: WIDTHS.min });
  });

  it('cycle themes and step sizes within bounds', () => {
    expect(nextTheme('system')).toBe('light');
    expect(nextTheme('sepia')).toBe('system');
    expect(stepFontSize(FONT_SIZES.max, 1)).toBe(FONT_SIZES.max);
    expect(stepFontSize(19, -1)).toBe(18);
    expect(stepWidth(WIDTHS.min, -1)).toBe(WIDTHS.min);
    expect(stepWidth(36, 1)).toBe(38);
  });

  it('are remembered under one storage key and read back normalized', async () => {
    const area = memoryArea();
    expect(await loadPrefs(area)).toEqual(DEFAULT_PREFS);
    await savePrefs({ theme: 'dark', fontSize: 24, width: 40, bilingual: 'interleave' }, area);
    expect(Object.keys(area.data)).toEqual([PREFS_KEY]);
    expect(await loadPrefs(area)).toEqual({ theme: 'dark', fontSize: 24, width: 40, bilingual: 'interleave' });
  });

  it('fall back to defaults when storage fails', async () => {
    const broken = { get: () => Promise.reject(new Error('gone')), set: () => Promise.resolve() };
    expect(await loadPrefs(broken)).toEqual(DEFAULT_PREFS);
  });
});
