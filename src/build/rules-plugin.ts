/**
 * Build step: the built-in site rules are checked here, not in the pages that run them.
 *
 * Why: every rule file is data the build knows in full, so validating it in the content script (which is
 * injected into every page read) only shipped the validator, about a fifth of the script's own code, to
 * find nothing. A rule that fails validation stops the build with its file and field instead of being
 * left out at run time without a word; the unit tests validate the same files, with a real document to
 * try each selector on. `$comment` fields are notes for rule authors and are dropped from the bundle.
 */
import { relative } from 'node:path';
import type { Plugin } from 'vite';
// The config loads this file and what it imports as they are, without a bundler: those imports name their .ts file.
import { validateRule } from '../core/rules/schema.ts';

const RULE_FILE = /[\\/]src[\\/]rules[\\/]sites[\\/][^\\/]+\.json$/;

export function checkedRules(): Plugin {
  return {
    name: 'qingdu-checked-rules',
    // Before Vite's JSON plugin, which turns the text into a module.
    enforce: 'pre',
    transform(code, id) {
      if (!RULE_FILE.test(id)) return null;
      const file = relative(process.cwd(), id);
      const data: unknown = JSON.parse(code);
      const checked = validateRule(data, file);
      if (!checked.ok) this.error(checked.problems.map((p) => `${p.file}: ${p.field}: ${p.message}`).join('\n'));
      return { code: JSON.stringify(data, (key, value: unknown) => (key === '$comment' ? undefined : value)), map: null };
    },
  };
}
