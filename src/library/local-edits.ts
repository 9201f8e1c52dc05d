/**
 * Which rows the library page changed itself, and when. The page shows its
 * own writes as soon as they answer, and rereads rows whenever any context
 * announces a change; a reread that began before one of its own writes
 * answered can end after it with the row as it was, and would put back, say,
 * an archived row the reader has just unarchived. Such a read leaves those
 * rows alone: the write announces itself, and the reread that follows sees it.
 */
export class LocalEdits {
  private clock = 0;
  private readonly at = new Map<string, number>();

  /** Notes that the page has just changed these rows (or removed them) with what a write of its own answered. */
  mark(ids: Iterable<string>): void {
    this.clock++;
    for (const id of ids) this.at.set(id, this.clock);
  }

  /** The moment a read begins, for `changedSince` once it ends. */
  now(): number {
    return this.clock;
  }

  /** True when the page changed `id` itself after `since`: a read begun then holds an older row. */
  changedSince(id: string, since: number): boolean {
    return (this.at.get(id) ?? 0) > since;
  }
}
