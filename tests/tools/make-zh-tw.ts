/**
 * Writes the Traditional Chinese UI strings (public/_locales/zh_TW) from the
 * Simplified ones, with OpenCC's Taiwan phrases (软件 → 軟體, 文件 → 檔案).
 * The unit test tests/unit/policy/locales.test.ts fails when they fall out of
 * step: run `npx tsx tests/tools/make-zh-tw.ts` after editing zh_CN.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { zhTwMessages } from './zh-tw';

const LOCALES = join(import.meta.dirname, '..', '..', 'public', '_locales');
const source = readFileSync(join(LOCALES, 'zh_CN', 'messages.json'), 'utf8');
writeFileSync(join(LOCALES, 'zh_TW', 'messages.json'), zhTwMessages(source));
