/** Walks a SCAN-family cursor to its end, yielding the items of every page. */
export async function* cursorItems<P extends { cursor: string }, T>(
  fetchPage: (cursor: string) => Promise<P>,
  itemsOf: (page: P) => readonly T[],
): AsyncGenerator<T, void, undefined> {
  let cursor = '0';
  do {
    const page = await fetchPage(cursor);
    cursor = page.cursor;
    yield* itemsOf(page);
  } while (cursor !== '0');
}
