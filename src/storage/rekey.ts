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
 * body and images. One alone at its new id keeps its place in the list, its
 * body in its pack or row and its search text. Articles that now share an id,
 * one story saved from two hosts, become one, merged as an import merges a
 * record into a stored one (tags unioned, read state and progress never going
 * back, the newer text kept, in a row of its own), with every image of each.
 * Returns how many rows moved.
 */
export async function rekeyArticles(tx: ArticleTx): Promise<number> {
  const segments = new SegmentWriter(tx);
  const moving: LibraryEntry[] = [];
  // The pass over the index finds every row's segment, so nothing below looks an id up.
  for (let cursor = await tx.objectStore('entrySegments').openCursor(); cursor; cursor = await cursor.continue()) {
    const segment = cursor.value as EntrySegment;
    // A row of another shape is left as it is: nothing here may throw and keep the library shut.
    if (!Array.isArray(segment?.ids) || !Array.isArray(segment.entries)) continue;
    segments.know(cursor.key as number | string, segment);
    for (const entry of segment.entries) if (isEntry(entry) && idForUrl(entry.url) !== entry.id) moving.push(entry);
  }
  if (moving.length === 0) return 0;
  const groups = new Map<string, LibraryEntry[]>();
  for (const entry of moving) groups.set(idForUrl(entry.url), [...(groups.get(idForUrl(entry.url)) ?? []), entry]);

  const bodies = new BodyWriter(tx);
  const imageIndex = tx.objectStore('images').index('articleId');
  const [storedRev, imageKeys] = await Promise.all([
    tx.objectStore('meta').get(META_REV) as Promise<number | undefined>,
    tx.objectStore('images').getAllKeys(),
  ]);
  const rev = storedRev ?? 0;
  // Which articles have images, from the keys alone: an image row counts even when its bytes are empty.
  const pictured = new Set(imageKeys.map((key) => (key as [string, string])[0]));
  // Every read goes out at once (the writers keep what they read); the writes after wait on no request.
  const plans = await Promise.all(
    [...groups].map(async ([id, members]) => {
      const found = await segments.entry(id);
      // A row at the id the library could not read is left alone, and so are its copies: an upgrade that threw would keep the library shut.
      if (found && !isEntry(found)) return null;
      const stored = found;
      // The row already at the id is the local side; the others come in as an import's records would, oldest text first.
      const [first, ...rest] = [...(stored ? [stored] : []), ...members.sort((a, b) => Date.parse(a.updatedAt) - Date.parse(b.updatedAt))] as [LibraryEntry, ...LibraryEntry[]];
      let merged: LibraryEntry = { ...first, id };
      let textOf = first;
      for (const entry of rest) {
        const { entry: next, incomingBody } = mergeEntries(merged, entry);
        merged = next;
        if (incomingBody) textOf = entry;
      }
      const renamed = rest.length === 0;
      const [body, search, pictures, kept] = await Promise.all([
        renamed ? undefined : bodies.read(textOf.id),
        segments.text(textOf.id),
        Promise.all(members.map((m) => (pictured.has(m.id) ? (imageIndex.getAll(m.id) as Promise<ImageRecord[]>) : []))),
        pictured.has(id) ? imageIndex.getAllKeys(id) : [],
      ]);
      return { id, members, stored, first, merged, textOf, renamed, body, search, pictures: pictures.flat(), kept: kept.map((key) => (key as [string, string])[1]) };
    }),
  );
  const bodyWrites: Promise<void>[] = [];
  for (const plan of plans) {
    if (!plan) continue;
    const { id, members, stored, first, merged, textOf, renamed, body, search, pictures, kept } = plan;
    // A story new to its id keeps the place of its first copy in the list; the others leave theirs.
    for (const member of members) {
      await (member === first && !stored ? segments.moveTo(member.id, id) : segments.delete(member.id));
      if (!renamed) bodyWrites.push(bodies.delete(member.id));
    }
    if (renamed) bodyWrites.push(bodies.rename(textOf.id, id, textOf.pack));
    else if (textOf !== stored) {
      delete merged.pack;
      bodyWrites.push(body ? bodies.put(id, body) : bodies.delete(id));
    }
    const images = unwrap(tx).objectStore('images');
    for (const img of pictures) images.delete([img.articleId, img.url]);
    const urls = new Set(kept);
    let imageBytes = stored?.imageBytes ?? 0;
    for (const img of pictures) {
      if (urls.has(img.url)) continue;
      urls.add(img.url);
      imageBytes += img.bytes.byteLength;
      images.put({ ...img, articleId: id });
    }
    merged.imageBytes = imageBytes;
    merged.missingImages = (Array.isArray(merged.missingImages) ? merged.missingImages : []).filter((url) => !urls.has(url));
    // The text is the one whose body is kept: its search row moves with it.
    const savedAt = Date.parse(merged.savedAt) || 0;
    const text = search ? { ...search, id, savedAt } : buildSearchRecord(id, body ?? emptyBody(merged), merged.savedAt, rev);
    await segments.put(merged, text);
  }
  await Promise.all(bodyWrites);
  await segments.flush(rev);
  await bodies.flush();
  return moving.length;
}
