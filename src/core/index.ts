/**
 * The extraction core's public API. Pure: works on any standard DOM
 * (browser, jsdom, happy-dom) and never touches extension APIs.
 */
export type { Article, ExtractResult } from './types';
export { extractArticle, extractWithFullText, fullTextUrlOf, MAX_HTML_CHARS, MIN_ARTICLE_LENGTH, type ExtractOptions } from './extract';
export { parseSeed, parseFeed, isSeed, isFeed, htmlToDocument, type SeedItem, type FeedItem, type ParserWindow } from './inputs';
export {
  loadRules, validateRule, matchRule, matchRules, hostMatches, builtinRules, ruleHosts, isKnownSiteHost, isSafeSelector,
  TRANSFORM_NAMES, BUILTIN_RULE_SOURCES, type SiteRule, type RuleProblem, type RuleSource, type LoadedRules,
} from './rules/index';
export { canonicalUrl } from './url';
export { parseDate, parseChineseDate } from './dates';
export { readingMinutes, textLength, countText } from './reading-time';
export { sanitizeHtml, SANITIZE_CONFIG } from './sanitize';
