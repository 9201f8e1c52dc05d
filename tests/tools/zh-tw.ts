/**
 * The zh_TW messages file for a zh_CN one: messages and descriptions in
 * Traditional characters with Taiwan's words, and Taiwan's 「」『』 for “”‘’;
 * keys and placeholders kept.
 */
import * as OpenCC from 'opencc-js';

const QUOTES: Record<string, string> = { '“': '「', '”': '」', '‘': '『', '’': '』' };

/**
 * Mainland words that OpenCC's Taiwan phrases leave as they are, with the
 * words Taiwan's software uses for them. Longer words first.
 */
const TAIWAN_WORDS: readonly (readonly [string, string])[] = [
  ['標籤頁', '分頁'], ['快捷鍵', '快速鍵'], ['獲取', '取得'], ['當前', '目前'], ['訪問', '存取'], ['選中', '選取'],
  ['文本', '文字'], ['後臺', '背景'], ['滾動', '捲動'], ['撤銷', '復原'],
];

type Messages = Record<string, { message: string; description?: string; placeholders?: unknown }>;

export function zhTwMessages(zhCn: string): string {
  const words = OpenCC.Converter({ from: 'cn', to: 'twp' });
  const taiwan = (text: string) => TAIWAN_WORDS.reduce((out, [mainland, tw]) => out.replaceAll(mainland, tw), text);
  const convert = (text: string) => taiwan(words(text)).replace(/[“”‘’]/g, (q) => QUOTES[q] ?? q);
  const messages = JSON.parse(zhCn) as Messages;
  const out: Messages = {};
  for (const [key, entry] of Object.entries(messages)) {
    out[key] = { ...entry, message: convert(entry.message), ...(entry.description ? { description: convert(entry.description) } : {}) };
  }
  // The locale the strings are in, which no converter changes.
  if (out.uiLocale) out.uiLocale.message = 'zh-TW';
  return `${JSON.stringify(out, null, 2)}\n`;
}
