/** What the popup and the reader's preview say of a page with no article, by the extractor's reason: message keys. */
export const NO_ARTICLE_REASONS: Record<'no-article' | 'not-html' | 'too-large', string> = {
  'no-article': 'noArticleDetail',
  'not-html': 'notHtml',
  'too-large': 'pageTooLarge',
};
