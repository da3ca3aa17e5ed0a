/**
 * Polls `check` until it returns something other than undefined/false, or fails after `timeoutMs`.
 * For conditions that arrive asynchronously, such as a child process's log lines, which can come
 * after its HTTP answer. Tests wait on a condition, never for a fixed time.
 */
export async function waitFor<T>(check: () => T | undefined | false | Promise<T | undefined | false>, timeoutMs = 10_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined && value !== false) return value;
    if (Date.now() > deadline) throw new Error(`condition not met within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
