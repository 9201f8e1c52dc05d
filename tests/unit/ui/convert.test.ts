// @vitest-environment happy-dom
import { describe, expect, it } from 'vitest';
import { TextConversion, loadConverter } from '../../../src/reader/convert';

describe('简⇄繁 conversion', () => {
  it('converts text nodes only and restores the original text exactly', async () => {
    const root = document.createElement('article');
    root.innerHTML = '<h1>俄罗斯表示准备军事支持白俄罗斯</h1><p><a href="https://example.com/发展">经济发展</a> and English</p>';
    const before = root.innerHTML;
    const conversion = new TextConversion(root);
    conversion.apply(await loadConverter('hans'));
    expect(conversion.active).toBe(true);
    expect(root.querySelector('h1')?.textContent).toBe('俄羅斯表示準備軍事支持白俄羅斯');
    expect(root.querySelector('a')?.textContent).toBe('經濟發展');
    // Attributes (links) are untouched.
    expect(root.querySelector('a')?.getAttribute('href')).toBe('https://example.com/发展');
    expect(root.querySelector('p')?.textContent).toContain('and English');
    conversion.restore();
    expect(conversion.active).toBe(false);
    expect(root.innerHTML).toBe(before);
  });

  it('converts Traditional to Simplified', async () => {
    const convert = await loadConverter('hant');
    expect(convert('經濟發展')).toBe('经济发展');
  });
});
