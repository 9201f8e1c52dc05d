/** `i18n.getMessage` over the real `_locales` files, for pages' code under test in Node. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

type Messages = Record<string, { message: string; placeholders?: Record<string, { content: string }> }>;
const LOCALES = join(import.meta.dirname, '../../../public/_locales');
const load = (lang: string): Messages => JSON.parse(readFileSync(join(LOCALES, lang, 'messages.json'), 'utf8')) as Messages;

/** `i18n.getMessage` as the browsers do it: named placeholders, then $1..$9, then `$$`. */
export function getMessage(lang: string) {
  const messages = load(lang);
  return (key: string, subs: string | string[] = []): string => {
    const entry = messages[key];
    if (!entry) return '';
    const list = typeof subs === 'string' ? [subs] : subs;
    const fill = (s: string) => s.replace(/\$(\d)/g, (_, n: string) => list[Number(n) - 1] ?? '');
    return entry.message
      .replace(/\$([A-Za-z0-9_]+)\$/g, (_, name: string) => fill(entry.placeholders?.[name.toLowerCase()]?.content ?? ''))
      .replace(/\$\$/g, '$');
  };
}
