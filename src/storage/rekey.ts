import { unwrap } from 'idb';
import { BodyWriter } from './bodies';
import { idForUrl } from './ids';
import { emptyBody, isEntry, mergeEntries } from './records';
import { META_REV, type EntrySegment, type ImageRecord } from './schema';
import { buildSearchRecord } from './search-text';
import { SegmentWriter, type ArticleTx } from './segments';
import type { LibraryEntry } from './types';

/**
 * Moves every stored article whose id is no longer the one its URL hashes to
 * (`urlKey` came to fold more: schema v9) to that id: index row, search text,
 * body and images. Articles that now share an id, one story saved from two
 * hosts, become one, merged as an import merges a record into a stored one
 * (tags unioned, read state and progress never going back, the newer text
 * kept), with every image of each. Bodies moved go to rows of their own.
 * Reads the index rows a segment at a time and holds only those that move.
 * Returns how many rows moved.
 */
export async function rekeyArticles(tx: ArticleTx): Promise<number> {
  const moving: LibraryEntry[] = [];
  for (let cursor = await tx.objectStore('entrySegments').openCursor(); cursor; cursor = await cursor.continue()) {
    for (const entry of (cursor.value as EntrySegment).entries) if (isEntry(entry) && idForUrl(entry.url) !== entry.id) moving.push(entry);
  }
  if (moving.length === 0) return 0;
  const groups = new Map<string, LibraryEntry[]>();
  for (const entry of moving) groups.set(idForUrl(entry.url), [...(groups.get(idForUrl(entry.url)) ?? []), entry]);

  const segments = new SegmentWriter(tx);
  const bodies = new BodyWriter(tx);
  const images = tx.objectStore('images');
  const [rev] = await Promise.all([
    tx.objectStore('meta').get(META_REV) as Promise<number | undefined>,
    segments.find([...groups.keys(), ...moving.map((e) => e.id)], true),
  ]);
  for (const [id, members] of groups) {
    const stored = await segments.entry(id);
    // The row already at the id is the local side; the others come in as an import's records would, oldest text first.
    const [first, ...rest] = [...(stored ? [stored] : []), ...members.sort((a, b) => Date.parse(a.updatedAt) - Date.parse(b.updatedAt))];
    let merged: LibraryEntry = { ...(first as LibraryEntry), id };
    let textOf = first as LibraryEntry;
    for (const entry of rest) {
      const { entry: next, incomingBody } = mergeEntries(merged, entry);
      merged = next;
      if (incomingBody) textOf = entry;
    }
    const body = await bodies.read(textOf.id);
    const pictures = (await Promise.all(members.map((m) => images.index('articleId').getAll(m.id)))).flat() as ImageRecord[];
    // A story new to its id keeps the place of its first copy in the list; the others leave theirs.
    for (const member of members) {
      await (member === first && !stored ? segments.moveTo(member.id, id) : segments.delete(member.id));
      await bodies.delete(member.id);
    }
    for (const img of pictures) unwrap(tx).objectStore('images').delete([img.articleId, img.url]);
    if (textOf !== stored) {
      delete merged.pack;
      if (body) await bodies.put(id, body);
      else await bodies.delete(id);
    }
    const urls = new Set((await images.index('articleId').getAllKeys(id)).map((key) => (key as [string, string])[1]));
    let imageBytes = stored?.imageBytes ?? 0;
    for (const img of pictures) {
      if (urls.has(img.url)) continue;
      urls.add(img.url);
      imageBytes += img.bytes.byteLength;
      unwrap(tx).objectStore('images').put({ ...img, articleId: id });
    }
    merged.imageBytes = imageBytes;
    merged.missingImages = merged.missingImages.filter((url) => !urls.has(url));
    const search = buildSearchRecord(id, body ?? emptyBody(merged), merged.savedAt, rev ?? 0);
    await segments.put(merged, search);
  }
  await segments.flush(rev ?? 0);
  await bodies.flush();
  return moving.length;
}
