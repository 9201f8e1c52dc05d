/**
 * Checks on export files as a reader receives them (the bytes a download
 * wrote), with the same rules as the in-memory export checks: bookmark rows
 * carry nothing active, every EPUB chapter is well-formed XHTML with nothing
 * that runs or loads from the attacker, every Markdown file keeps markup as
 * text.
 *
 * Run as a program (`tsx tests/security/export-files.ts bookmarks=… epub=…
 * markdown=…`) it prints a JSON report per file: the checks load the
 * extraction code, which a browser test's loader cannot import.
 */
import { readFileSync } from 'node:fs';
import { argv } from 'node:process';
import { pathToFileURL } from 'node:url';
import { strFromU8, unzipSync } from 'fflate';
import { findStringProblems, tagsOf } from './checks';
import { EVIL_HOST } from './corpus';
import { markdownProblems } from './exports';
import { WIN } from './node';

export interface FileReport {
  /** Files or rows looked at, so an empty export cannot pass unnoticed. */
  checked: number;
  problems: string[];
}

/** A Netscape bookmarks file: the header's META is expected; the rows may hold only plain bookmark markup. */
export function bookmarksFileProblems(html: string): FileReport {
  const problems: string[] = [];
  const start = html.indexOf('<DL><p>');
  if (start < 0) return { checked: 0, problems: ['no <DL><p> list in the bookmarks file'] };
  const TAGS = new Set(['dl', 'dt', 'dd', 'a', 'p', 'h3']);
  const ATTRS = new Set(['href', 'add_date', 'last_modified', 'tags', 'toread']);
  let checked = 0;
  for (const { name, attrs } of tagsOf(html.slice(start))) {
    if (name === 'a') checked++;
    if (!TAGS.has(name)) problems.push(`<${name}> in a bookmark row`);
    for (const [k, v] of attrs) {
      if (!ATTRS.has(k)) problems.push(`${k}= on <${name}> in a bookmark row`);
      if (k === 'href' && !/^https?:\/\//.test(v)) problems.push(`bookmark HREF ${v.slice(0, 20)}`);
    }
  }
  return { checked, problems };
}

/** An EPUB: every (X)HTML entry parses as XML and, below its head, holds nothing active. */
export function epubFileProblems(bytes: Uint8Array): FileReport {
  const problems: string[] = [];
  let checked = 0;
  const parser = new WIN.DOMParser();
  for (const [name, entry] of Object.entries(unzipSync(bytes))) {
    if (!/\.x?html$/.test(name)) continue;
    checked++;
    const text = strFromU8(entry);
    const doc = parser.parseFromString(text, 'application/xhtml+xml');
    if (doc.getElementsByTagName('parsererror').length > 0) problems.push(`${name}: not well-formed XHTML`);
    // The chapter head legitimately has <meta charset> and a stylesheet link to the book's own CSS.
    const body = text.replace(/<head>[\s\S]*?<\/head>/, '');
    problems.push(...findStringProblems(body, EVIL_HOST).map((p) => `${name}: ${p}`));
  }
  return { checked, problems };
}

/** A Markdown zip: every `.md` entry (articles and the reading list) keeps markup as text. */
export function markdownZipProblems(bytes: Uint8Array): FileReport {
  const problems: string[] = [];
  let checked = 0;
  for (const [name, entry] of Object.entries(unzipSync(bytes))) {
    if (!name.endsWith('.md')) continue;
    checked++;
    problems.push(...markdownProblems(strFromU8(entry)).map((p) => `${name}: ${p}`));
  }
  return { checked, problems };
}

const CHECKS = {
  bookmarks: (path: string) => bookmarksFileProblems(readFileSync(path, 'utf8')),
  epub: (path: string) => epubFileProblems(readFileSync(path)),
  markdown: (path: string) => markdownZipProblems(readFileSync(path)),
} as const;
export type ExportFormat = keyof typeof CHECKS;

if (argv[1] !== undefined && import.meta.url === pathToFileURL(argv[1]).href) {
  const report: Partial<Record<ExportFormat, FileReport>> = {};
  for (const arg of argv.slice(2)) {
    const at = arg.indexOf('=');
    const format = arg.slice(0, at) as ExportFormat;
    if (!(format in CHECKS)) throw new Error(`unknown export format ${format}`);
    report[format] = CHECKS[format](arg.slice(at + 1));
  }
  console.log(JSON.stringify(report));
}
