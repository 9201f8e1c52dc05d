/**
 * The zh_TW messages file for a zh_CN one: messages and descriptions in
 * Traditional characters with Taiwan's words, and Taiwan's 「」『』 for “”‘’;
 * keys and placeholders kept.
 */
import * as OpenCC from 'opencc-js';

const QUOTES: Record<string, string> = { '“': '「', '”': '」', '‘': '『', '’': '』' };

type Messages = Record<string, { message: string; description?: string; placeholders?: unknown }>;

export function zhTwMessages(zhCn: string): string {
  const words = OpenCC.Converter({ from: 'cn', to: 'twp' });
  const convert = (text: string) => words(text).replace(/[“”‘’]/g, (q) => QUOTES[q] ?? q);
  const messages = JSON.parse(zhCn) as Messages;
  const out: Messages = {};
  for (const [key, entry] of Object.entries(messages)) {
    out[key] = { ...entry, message: convert(entry.message), ...(entry.description ? { description: convert(entry.description) } : {}) };
  }
  return `${JSON.stringify(out, null, 2)}\n`;
}
