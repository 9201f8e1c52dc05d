// @vitest-environment happy-dom
/**
 * The import dialog's last word: what a screen reader hears when the import ends is the status line (a live
 * region); the lists above it are in none, so whatever they add must be said there too.
 */
import { describe, expect, it, vi } from 'vitest';
import type { ImportOutcome } from '../../../src/library/import-writer';
import type { FilePlan } from '../../../src/library/transfer-import';
import { getMessage } from './messages';

/** The UI's language for the next import: the strings are read as each is shown. */
let lang = 'en';
const messages = { en: getMessage('en'), zh_CN: getMessage('zh_CN') };

vi.mock('../../../src/platform/browser', () => ({
  default: { i18n: { getMessage: (key: string, subs?: string | string[]) => messages[lang as keyof typeof messages](key, subs), getUILanguage: () => lang } },
}));
vi.mock('../../../src/storage/library', () => ({ Library: class { close = async () => undefined; } }));
vi.mock('../../../src/storage/changes', () => ({ announceChange: () => undefined }));

/** The outcome the next import's write gives, and what happens while it writes. */
let outcome: ImportOutcome = { added: 0, updated: 0, skipped: 0, rejected: [] };
let whileWriting: () => void = () => undefined;
/** What the next file's report counts beside its one addition and one update. */
let reported: Pick<FilePlan['report'], 'duplicates' | 'failed'> = { duplicates: 0, failed: [] };
vi.mock('../../../src/library/transfer-import', () => ({
  planFile: async (): Promise<FilePlan> => ({
    report: { ok: true, format: 'qingdu-backup', message: null, added: 1, updated: 1, ...reported, toAdd: [], toUpdate: [] },
    updates: [],
    writes: 2,
    apply: async () => {
      whileWriting();
      await new Promise((resolve) => setTimeout(resolve, 10));
      return outcome;
    },
  }),
}));

const { mountTransfer } = await import('../../../src/library/transfer');

/** Imports a file through the dialog and waits for its last word. */
async function importWith(result: ImportOutcome, uiLang = 'en'): Promise<HTMLDialogElement> {
  outcome = result;
  lang = uiLang;
  document.body.replaceChildren();
  const actions = document.createElement('div');
  document.body.append(actions);
  mountTransfer(actions);
  const input = document.querySelector<HTMLInputElement>('#transfer-file')!;
  Object.defineProperty(input, 'files', { value: [new File(['{}'], 'backup.json')], configurable: true });
  input.dispatchEvent(new Event('change'));
  const dialog = document.querySelector<HTMLDialogElement>('#transfer-import-dialog')!;
  const confirm = dialog.querySelector<HTMLButtonElement>('#transfer-import-confirm')!;
  await vi.waitFor(() => expect(confirm.hidden).toBe(false));
  confirm.click();
  await vi.waitFor(() => expect(dialog.querySelector('#transfer-import-status')!.textContent).toMatch(/(Imported|导入完成)/));
  await vi.waitFor(() => expect(dialog.querySelector<HTMLButtonElement>('.dialog-actions button')!.textContent).toMatch(/^(Close|关闭)$/));
  return dialog;
}

/** Text inside a live region of `root`: what a screen reader is told as it changes. */
const liveText = (root: Element): string =>
  [...root.querySelectorAll('[role="status"], [role="alert"], [role="log"], [aria-live]:not([aria-live="off"])')].map((el) => el.textContent).join(' ');

describe('the import dialog', () => {
  it('says in its live status line that images were refused, not only in the list above it', async () => {
    const dialog = await importWith({ added: 1, updated: 0, skipped: 0, rejected: ['2 image(s) for an article not in the library (id-7)'] });
    expect(dialog.querySelector('.transfer-failed li')!.textContent).toBe('2 image(s) for an article not in the library (id-7)');
    expect(liveText(dialog)).toMatch(/1 refused by the final check \(listed above\)\./);
    const zh = await importWith({ added: 1, updated: 0, skipped: 0, rejected: ['2 image(s) for an article not in the library (id-7)'] }, 'zh_CN');
    expect(zh.querySelector('.transfer-failed li')!.textContent).toBe('2 张图片所属的文章不在阅读列表中（id-7）');
    expect(liveText(zh)).toBe('导入完成：新增 1 篇，更新 0 篇，跳过 0 篇重复。最终检查拒收 1 条（见上）。');
  });

  // Stop pressed while the last batch was being stored: that batch is stored, and the last word says the stop came too late.
  it('says the import ended before a stop pressed as its last batch was stored', async () => {
    whileWriting = () => document.querySelector<HTMLButtonElement>('#transfer-import-dialog .dialog-actions button')!.click();
    try {
      const dialog = await importWith({ added: 1, updated: 0, skipped: 0, rejected: [] });
      expect(liveText(dialog)).toBe('The import ended before the stop could take effect. Imported: 1 added, 0 updated, 0 skipped as duplicates.');
    } finally {
      whileWriting = () => undefined;
    }
  });

  it('says nothing of refusals when there were none', async () => {
    const dialog = await importWith({ added: 1, updated: 1, skipped: 0, rejected: [] });
    expect(dialog.querySelector('.transfer-failed')).toBeNull();
    expect(liveText(dialog)).toBe('Imported: 1 added, 1 updated, 0 skipped as duplicates.');
  });

  // The report counted three duplicates before the confirm: the last word counts them with the one found stored meanwhile.
  it('counts the duplicates the report found, and does not call an import with failed rows a plain success', async () => {
    reported = { duplicates: 3, failed: [{ line: 4, reason: 'missing URL' }] };
    try {
      const dialog = await importWith({ added: 1, updated: 1, skipped: 1, rejected: [] });
      expect(liveText(dialog)).toBe('Imported: 1 added, 1 updated, 4 skipped as duplicates. 1 could not be imported (the reasons are above).');
      const status = dialog.querySelector('#transfer-import-status')!;
      expect(status.classList.contains('done')).toBe(false);
      expect(status.classList.contains('partly')).toBe(true);
    } finally {
      reported = { duplicates: 0, failed: [] };
    }
  });

  // 230 rows that all say "missing URL" were 230 lines of the list: they are one line, with where they are.
  it('lists rows failed for one reason once, with their lines, and rows alone as before', async () => {
    const missing = Array.from({ length: 230 }, (_, i) => ({ line: i + 2, reason: 'missing URL' }));
    reported = { duplicates: 0, failed: [...missing, { line: 300, reason: 'invalid URL' }, { reason: 'not an object' }, { reason: 'not an object' }] };
    try {
      const lines = (dialog: Element) => [...dialog.querySelectorAll('.transfer-failed li')].map((li) => li.textContent);
      expect(lines(await importWith({ added: 1, updated: 1, skipped: 0, rejected: [] }))).toEqual([
        'Lines 2, 3, 4, 5, 6, 7… (230 rows): missing URL',
        'Line 300: invalid URL',
        'not an object (2 times)',
      ]);
      const zh = await importWith({ added: 1, updated: 1, skipped: 0, rejected: [] }, 'zh_CN');
      expect(lines(zh)).toEqual(['第 2、3、4、5、6、7… 行（共 230 行）：缺少网址', '第 300 行：网址无效', '不是 JSON 对象（共 2 次）']);
      expect(liveText(zh)).toMatch(/233 条无法导入/);
      // A JSON export numbers its entries in the reasons: those are grouped the same way.
      reported = { duplicates: 0, failed: [...[3, 5, 9, 12, 15, 20, 22].map((n) => ({ reason: `Entry ${n}: missing URL` })), { reason: 'Entry 4: not an object' }] };
      expect(lines(await importWith({ added: 1, updated: 1, skipped: 0, rejected: [] }))).toEqual([
        'Entries 3, 5, 9, 12, 15, 20… (7 in all): missing URL',
        'Entry 4: not an object',
      ]);
      expect(lines(await importWith({ added: 1, updated: 1, skipped: 0, rejected: [] }, 'zh_CN'))).toEqual([
        '第 3、5、9、12、15、20… 个条目（共 7 个）：缺少网址',
        '第 4 个条目：不是 JSON 对象',
      ]);
    } finally {
      reported = { duplicates: 0, failed: [] };
    }
  });
});
