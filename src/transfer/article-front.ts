/**
 * What the reader shows of an article beside its body that `contentHtml`
 * does not hold: the standfirst, the translator's credit, and a hero image
 * the body does not show. FT Chinese pages have all three and the body
 * extracted from them holds none of the first two (see src/core), so every
 * export that writes an article's text writes them too.
 */
import type { SavedArticle } from '../storage/types';
import { bodyImageUrls } from './images';

export interface ArticleFront {
  /** The standfirst's lines: a bilingual one has an English line and a Chinese one. Empty when there is none. */
  lead: string[];
  /** The credit as the article's language writes it ("译者：何黎"), or null. */
  translator: string | null;
  /** The hero image's URL when the body does not show it, or null. */
  hero: string | null;
}

/** The words before a translator's name in a credit: Traditional Chinese, Simplified Chinese, any other language. */
export const CREDIT_WORDS = ['譯者：', '译者：', 'Translated by '] as const;

/** A translator's credit in the article's own language, as the reader shows it. */
export function translatorCredit(name: string, lang: string | null): string {
  const [hant, hans, other] = CREDIT_WORDS;
  if (/^zh-(tw|hk|mo|hant)\b/i.test(lang ?? '')) return hant + name;
  if (/^zh\b/i.test(lang ?? '')) return hans + name;
  return other + name;
}

/** A standfirst's lines, blank ones left out. */
export function leadLines(lead: string | null): string[] {
  return (lead ?? '').split('\n').map((line) => line.trim()).filter(Boolean);
}

function absolute(url: string, base: string): string {
  try {
    return new URL(url, base).href;
  } catch {
    return url;
  }
}

export function articleFront(a: SavedArticle): ArticleFront {
  const { article } = a;
  const lead = leadLines(article.lead);
  const name = article.translator?.trim();
  const heroUrl = article.leadImage ?? a.leadImage;
  const inBody = heroUrl !== null && bodyImageUrls(article.contentHtml).some((url) => absolute(url, a.url) === absolute(heroUrl, a.url));
  return { lead, translator: name ? translatorCredit(name, article.lang) : null, hero: heroUrl && !inBody ? heroUrl : null };
}
