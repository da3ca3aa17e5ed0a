/** What the test file running in this worker opened and has not closed yet. */
const open = new Set<() => Promise<void>>();

/**
 * Has `close` called when the current test file ends (the setup file's afterAll), unless the test
 * called it first: the app helpers register every app they open, so that none of them keeps its
 * database connections into the next test file that this worker runs. Returns `close`, made safe to
 * call more than once.
 */
export function closeWhenFileEnds(close: () => Promise<void>): () => Promise<void> {
  let closing: Promise<void> | undefined;
  const once = () => {
    open.delete(once);
    closing ??= close();
    return closing;
  };
  open.add(once);
  return once;
}

/** Closes everything the file left open. */
export async function closeFileResources(): Promise<void> {
  const left = [...open];
  await Promise.all(left.map((close) => close()));
}
