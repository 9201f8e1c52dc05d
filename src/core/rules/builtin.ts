/** The rule files built into the extension, unvalidated (see `loadRules`). */
import ftChinese from '../../rules/sites/ft-chinese.json';
import feedx from '../../rules/sites/feedx.json';
import flourish from '../../rules/sites/flourish.json';
import ads from '../../rules/sites/ads.json';
import newsletter from '../../rules/sites/newsletter.json';

export interface RuleSource {
  /** Where the rule came from, for problem reports (e.g. `src/rules/sites/ft-chinese.json`). */
  file: string;
  data: unknown;
}

export const BUILTIN_RULE_SOURCES: readonly RuleSource[] = [
  { file: 'src/rules/sites/ft-chinese.json', data: ftChinese },
  // Generic rules run in this order: a chart box is empty until Flourish's rule fills it, and the feed footer's trims empty boxes off the end.
  { file: 'src/rules/sites/flourish.json', data: flourish },
  { file: 'src/rules/sites/feedx.json', data: feedx },
  { file: 'src/rules/sites/ads.json', data: ads },
  { file: 'src/rules/sites/newsletter.json', data: newsletter },
];
