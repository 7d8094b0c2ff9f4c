// How the page and its worker fetch their files (models, data sets, language files): a server
// that stops sending — before the headers or in the middle of a file — ends in an error after
// STALL_S seconds without a byte, never in a spinner that turns for good.

export const STALL_S = 20;
/** The error a stalled fetch throws, `url: stalled S s`; the shell says it in the reader's language. */
export const STALLED = /^(\S+): stalled (\d+) s$/;

/**
 * The bytes at `url` (relative to `base`, the page's or the worker's address); `onBytes(loaded)`
 * hears how many have arrived after each piece.
 */
export async function fetchBytes(url, { base = location.href, onBytes } = {}) {
  const controller = new AbortController();
  let timer;
  const restart = () => {
    clearTimeout(timer);
    timer = setTimeout(() => controller.abort(), STALL_S * 1000);
  };
  restart();
  try {
    const response = await fetch(new URL(url, base), { signal: controller.signal });
    if (!response.ok) throw new Error(`${url}: HTTP ${response.status}`);
    const reader = response.body.getReader();
    const chunks = [];
    let loaded = 0;
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      restart();
      chunks.push(value);
      loaded += value.length;
      onBytes?.(loaded);
    }
    const bytes = new Uint8Array(loaded);
    let at = 0;
    for (const chunk of chunks) {
      bytes.set(chunk, at);
      at += chunk.length;
    }
    return bytes;
  } catch (err) {
    if (controller.signal.aborted) throw new Error(`${url}: stalled ${STALL_S} s`);
    throw err;
  } finally {
    clearTimeout(timer);
  }
}

/** The text at `url`, decoded as UTF-8 (see `fetchBytes`). */
export async function fetchText(url, options) {
  return new TextDecoder().decode(await fetchBytes(url, options));
}
