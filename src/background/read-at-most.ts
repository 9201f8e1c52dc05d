/**
 * The body of `response`, or null as soon as it is known to be larger than `max` bytes: from its declared length
 * before reading, or while reading it. Read whole first, an image of a gigabyte (or one that never ends) was held in
 * the background's memory, with every other image of the save, until the timeout.
 */
export async function readAtMost(response: Response, max: number): Promise<Uint8Array | null> {
  const declared = Number(response.headers.get('content-length'));
  if (declared > max) {
    await response.body?.cancel().catch(() => undefined);
    return null;
  }
  if (!response.body) return new Uint8Array(await response.arrayBuffer());
  const reader = response.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > max) {
      await reader.cancel().catch(() => undefined);
      return null;
    }
    chunks.push(value);
  }
  // Copied even when it came in one chunk: a chunk may be a view of a larger buffer, which storing would keep whole.
  const bytes = new Uint8Array(size);
  let at = 0;
  for (const chunk of chunks) {
    bytes.set(chunk, at);
    at += chunk.byteLength;
  }
  return bytes;
}
