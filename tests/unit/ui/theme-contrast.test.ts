/**
 * Every theme's colours in src/ui/base.css, as drawn on Qingdu's pages: text (plain, muted, links and tags, errors,
 * success) on the page and on cards, dialogs and the current row, at 4.5:1 or more; the outline of text fields and
 * menus at 3:1 or more.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const CSS = readFileSync(join(import.meta.dirname, '../../../src/ui/base.css'), 'utf8').replace(/\/\*[\s\S]*?\*\//g, '');

/** Each block that sets the palette: the system light and dark ones, then each explicit theme. */
function themes(): { name: string; vars: Record<string, string> }[] {
  return [...CSS.matchAll(/(@media[^{]*\{\s*)?([^{}]*)\{([^{}]*--bg:[^{}]*)\}/g)].map((m) => {
    const selector = (m[2] ?? '').trim();
    const name = selector !== ':root' ? selector : m[1]?.includes('dark') ? 'system dark' : 'system light';
    const vars = Object.fromEntries([...(m[3] ?? '').matchAll(/--([\w-]+):\s*(#[0-9a-f]{3}(?:[0-9a-f]{3})?)\b/gi)].map((v) => [v[1]!, sixDigits(v[2]!)]));
    return { name, vars };
  });
}

/** `#fff` as `#ffffff`. */
const sixDigits = (hex: string) => (hex.length === 4 ? `#${[...hex.slice(1)].map((c) => c + c).join('')}` : hex).toLowerCase();

function luminance(hex: string): number {
  const [r, g, b] = [1, 3, 5].map((i) => {
    const v = parseInt(hex.slice(i, i + 2), 16) / 255;
    return v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4;
  });
  return 0.2126 * r! + 0.7152 * g! + 0.0722 * b!;
}

const contrast = (a: string, b: string) => {
  const [hi, lo] = [luminance(a), luminance(b)].sort((x, y) => y - x);
  return (hi! + 0.05) / (lo! + 0.05);
};

describe('theme colours', () => {
  const all = themes();

  it('finds the five palettes', () => {
    expect(all.map((t) => t.name)).toEqual([
      'system light',
      'system dark',
      ':root[data-theme="light"]',
      ':root[data-theme="dark"]',
      ':root[data-theme="sepia"]',
    ]);
  });

  it.each(all)('$name: text reads at 4.5:1 on the page and on cards', ({ vars }) => {
    const low: string[] = [];
    for (const text of ['fg', 'muted', 'accent', 'danger', 'ok']) {
      for (const ground of ['bg', 'card']) {
        const ratio = contrast(vars[text]!, vars[ground]!);
        if (ratio < 4.5) low.push(`--${text} on --${ground}: ${ratio.toFixed(2)}`);
      }
    }
    // Primary buttons, and the toast and status line (page colours swapped).
    if (contrast(vars['accent-fg']!, vars.accent!) < 4.5) low.push('--accent-fg on --accent');
    if (contrast(vars.bg!, vars.fg!) < 4.5) low.push('--bg on --fg');
    expect(low).toEqual([]);
  });

  it.each(all)('$name: the outline of a field or menu shows at 3:1 on the page and on cards', ({ vars }) => {
    for (const ground of ['bg', 'card']) expect(contrast(vars['field-line']!, vars[ground]!), ground).toBeGreaterThanOrEqual(3);
  });
});
