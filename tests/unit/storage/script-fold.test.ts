import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { foldPairs, foldScripts } from '../../../src/storage/script-fold';

describe('foldScripts', () => {
  it('writes every Traditional character a Simplified one stands for as that one', () => {
    const words: [string, string][] = [
      ['頭髮', '头发'],
      ['發展', '发展'],
      ['後來', '后来'],
      ['皇后', '皇后'],
      ['麵條', '面条'],
      ['麪粉', '面粉'],
      ['乾淨', '干净'],
      ['幹部', '干部'],
      ['干擾', '干扰'],
      ['裡面', '里面'],
      ['會議裏', '会议里'],
      ['臺灣', '台湾'],
      ['颱風', '台风'],
      ['關係', '关系'],
      ['聯繫', '联系'],
      ['恢復', '恢复'],
      ['複雜', '复杂'],
      ['歷史', '历史'],
      ['日曆', '日历'],
      ['鐘錶', '钟表'],
      ['鍾先生', '钟先生'],
    ];
    for (const [traditional, simplified] of words) {
      expect(foldScripts(traditional), traditional).toBe(simplified);
      expect(foldScripts(simplified), simplified).toBe(simplified);
    }
  });

  it("folds FT big5's, Taiwan's and Hong Kong's variants alike", () => {
    for (const variant of ['爲何', '為何']) expect(foldScripts(variant)).toBe('为何');
    for (const variant of ['羣衆', '群眾']) expect(foldScripts(variant)).toBe('群众');
    for (const variant of ['峯會', '峰會']) expect(foldScripts(variant)).toBe('峰会');
    for (const variant of ['衞生', '衛生']) expect(foldScripts(variant)).toBe('卫生');
    // Taiwan writes 著 for 着 too.
    expect(foldScripts('看著')).toBe(foldScripts('看着'));
  });

  it('leaves other text as it is, the same string when nothing folds', () => {
    const text = 'reader mode 123 清读让阅读更安静。ひらがな 한국어';
    expect(foldScripts(text)).toBe(text);
    expect(foldScripts('')).toBe('');
  });

  it('folds astral characters, and a character into one of another length', () => {
    // U+3823 folds to U+2BD77, outside the BMP: one UTF-16 unit becomes two.
    expect(foldScripts('\u3823山')).toBe('\u{2BD77}山');
    expect(foldScripts('\u{2BD77}山')).toBe('\u{2BD77}山');
    // An astral character nothing folds stays whole; a lone surrogate in text that folds becomes U+FFFD.
    expect(foldScripts('𠀀頭')).toBe('𠀀头');
    expect(foldScripts('\uD86F頭')).toBe('\uFFFD头');
  });

  it('is stable: a folded character folds to itself', () => {
    for (const [from, to] of foldPairs()) {
      expect(foldScripts(to), from).toBe(to);
      expect([...foldScripts(from)], from).toHaveLength(1);
    }
  });

  it('keeps the table stored search text was folded with', () => {
    // The stored search text is folded with this table (schema v7). A new table
    // (a new opencc-js) leaves stored text folded the old way: add a migration
    // that folds it again, then update these figures.
    const pairs = [...foldPairs()].map(([from, to]) => from + to).sort().join('|');
    expect(foldPairs().size).toBe(3236);
    expect(createHash('sha256').update(pairs).digest('hex')).toBe('9bcdbea9d4bd1eb5e96323f337b9733615fcf71d4d4969fbd0142684366a7ee3');
  });
});
