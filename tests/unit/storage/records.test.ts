import { describe, expect, it } from 'vitest';
import { utf8Length } from '../../../src/storage/records';

const encoded = (text: string) => new TextEncoder().encode(text).length;

describe('utf8Length', () => {
  it('counts as TextEncoder does, across chunk boundaries and surrogate pairs', () => {
    const chunk = 1 << 16;
    const cases = [
      '',
      'plain ASCII',
      '清读：中文正文，含标点。',
      'emoji 😀 and 𠮷',
      // A pair straddling the first chunk boundary, then CJK beyond the second.
      'a'.repeat(chunk - 1) + '😀' + '中'.repeat(chunk * 2),
      // A lone high surrogate at the boundary, and a lone low one.
      'b'.repeat(chunk - 1) + '\ud800' + 'c',
      '\udc00 alone',
    ];
    for (const text of cases) expect(utf8Length(text)).toBe(encoded(text));
  });
});
