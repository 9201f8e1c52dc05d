/**
 * Tables as GFM pipe tables in the Markdown export (Obsidian, GitHub and
 * most Markdown apps read them). Without these rules turndown writes each
 * cell as a paragraph of its own, and a table of figures becomes a column
 * of numbers.
 *
 * GFM needs a heading row: a table without one takes its first row as
 * heading. A cell holds one line, so its blocks are joined by spaces. A
 * table is as wide as its row with the most cells; a cell spanning columns
 * is followed by empty ones within that width (FT's tables end with a
 * `colspan="1000"` footer), and short rows are padded. A table inside a
 * cell is written as the text of its cells. No raw HTML is written, as
 * elsewhere in the export.
 *
 * Plain DOM calls only: in Node, turndown parses with domino.
 */
import type TurndownService from 'turndown';

function nearest(node: Node, tag: string): Element | null {
  for (let at = node.parentNode; at; at = at.parentNode) {
    if (at.nodeName === tag) return at as Element;
  }
  return null;
}

function nested(node: Node): boolean {
  const table = node.nodeName === 'TABLE' ? node : nearest(node, 'TABLE');
  return table !== null && (nearest(table, 'TD') !== null || nearest(table, 'TH') !== null);
}

/** The rows of `table` itself, not of tables nested in its cells. */
function rowsOf(table: Element): Element[] {
  return Array.from(table.getElementsByTagName('tr')).filter((row) => nearest(row, 'TABLE') === table);
}

function cellsOf(row: Element): Element[] {
  return Array.from(row.childNodes).filter((cell): cell is Element => cell.nodeName === 'TD' || cell.nodeName === 'TH');
}

function span(cell: Element): number {
  const n = Number.parseInt(cell.getAttribute('colspan') ?? '1', 10);
  return Number.isFinite(n) && n > 1 ? n : 1;
}

interface Layout {
  columns: number;
  firstRow: Element | undefined;
}

const layouts = new WeakMap<Node, Layout>();

function layoutOf(table: Element): Layout {
  let layout = layouts.get(table);
  if (!layout) {
    const rows = rowsOf(table);
    layout = { columns: Math.max(1, ...rows.map((row) => cellsOf(row).length)), firstRow: rows[0] };
    layouts.set(table, layout);
  }
  return layout;
}

/** Columns each cell of a row takes, spans cut to the table's width. */
function widths(row: Element, columns: number): Map<Element, number> {
  const out = new Map<Element, number>();
  let used = 0;
  for (const cell of cellsOf(row)) {
    const w = Math.max(1, Math.min(span(cell), columns - used));
    out.set(cell, w);
    used += w;
  }
  return out;
}

export function addTableRules(td: TurndownService): void {
  td.addRule('qingdu-table-cell', {
    filter: ['th', 'td'],
    replacement: (content, node) => {
      const text = content.replace(/\s*\n\s*/g, ' ').trim();
      if (nested(node)) return ` ${text} `;
      const cell = node as Element;
      const row = cell.parentNode as Element;
      const table = nearest(row, 'TABLE');
      const taken = table ? (widths(row, layoutOf(table).columns).get(cell) ?? 1) : 1;
      return ` ${text.replace(/\|/g, '\\|')} |${' |'.repeat(taken - 1)}`;
    },
  });
  td.addRule('qingdu-table-row', {
    filter: 'tr',
    replacement: (content, node) => {
      if (nested(node)) return ` ${content} `;
      const row = node as Element;
      const table = nearest(row, 'TABLE');
      const { columns, firstRow } = table ? layoutOf(table) : { columns: 1, firstRow: row };
      // A row of nothing (FT's footer) would show as an empty line of cells.
      if (firstRow !== row && !/[^\s|]/.test(content)) return '';
      const used = [...widths(row, columns).values()].reduce((sum, w) => sum + w, 0);
      const line = `|${content}${' |'.repeat(Math.max(0, columns - used))}`;
      return firstRow === row ? `\n${line}\n|${' --- |'.repeat(columns)}` : `\n${line}`;
    },
  });
  // Sections only group rows; the caption goes above the table as a paragraph.
  td.addRule('qingdu-table-section', { filter: ['thead', 'tbody', 'tfoot'], replacement: (content) => content });
  td.addRule('qingdu-table-caption', { filter: 'caption', replacement: (content) => `\n\n${content.trim()}\n\n` });
  td.addRule('qingdu-table', {
    filter: 'table',
    replacement: (content, node) => (nested(node) ? ` ${content.replace(/\s+/g, ' ').trim()} ` : `\n\n${content.trim()}\n\n`),
  });
}
