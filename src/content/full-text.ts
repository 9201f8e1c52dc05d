/**
 * Fetch the single-page full text of a paginated story: same origin only, with
 * the reader's own cookies (a subscriber gets what they may read). Null when it
 * cannot be had, so the caller keeps the page it has rather than nothing.
 */
export async function fetchSameOriginDocument(url: string): Promise<Document | null> {
  if (new URL(url).origin !== location.origin) return null;
  const response = await fetch(url, { credentials: 'include' });
  if (!response.ok) return null;
  return new DOMParser().parseFromString(await response.text(), 'text/html');
}
