/**
 * The build's check of the built-in site rules (src/build/rules-plugin.ts): the content script carries no
 * validator, so a bad rule must stop the build, and what ships is the rule without its authors' notes.
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { checkedRules } from '../../../src/build/rules-plugin';

const FT_RULE = resolve('src/rules/sites/ft-chinese.json');

/** Runs the plugin's transform as Vite does, with `this.error` throwing. */
function transform(code: string, id: string): { code: string } | null {
  const hook = checkedRules().transform as (this: unknown, code: string, id: string) => { code: string } | null;
  return hook.call({ error: (message: string) => { throw new Error(message); } }, code, id);
}

describe('the build checks the built-in rules', () => {
  it('passes a valid rule on without its $comment notes', () => {
    const source = readFileSync(FT_RULE, 'utf8');
    const out = transform(source, FT_RULE);
    const shipped = JSON.parse(out?.code ?? 'null') as Record<string, unknown>;
    expect(source).toContain('$comment');
    expect(out?.code).not.toContain('$comment');
    expect(shipped.id).toBe('ft-chinese');
    expect(shipped.match).toEqual((JSON.parse(source) as Record<string, unknown>).match);
  });

  it('stops the build on a bad rule, naming its file and field', () => {
    const bad = JSON.stringify({ id: 'bad', match: { hosts: ['example.com'] }, remove: ['.ok', '<img src=x onerror=alert(1)>'] });
    expect(() => transform(bad, resolve('src/rules/sites/bad.json'))).toThrow(/src[\\/]rules[\\/]sites[\\/]bad\.json: remove\[1\]/);
  });

  it('leaves other JSON alone', () => {
    expect(transform('{"name":"qingdu"}', resolve('package.json'))).toBeNull();
  });
});
