import { ClientAbortedError } from "./client-aborted.js";

/**
 * Reads a fetch `Request`'s body as it streams, keeping at most `limit` bytes. Past the limit it
 * cancels the stream and answers `body: undefined` with the bytes seen so far (more than `limit`),
 * whatever `Content-Length` said or did not say: a chunked gigabyte costs `limit` bytes of memory.
 * A stream that errors (the runtime's way to say the client went away) rejects it with
 * ClientAbortedError. Imports nothing from Node, so edge runtimes can use it.
 */
export async function readWebBody(
  stream: ReadableStream<Uint8Array> | null,
  limit: number,
): Promise<{ body: Uint8Array | undefined; size: number }> {
  if (!stream) return { body: new Uint8Array(0), size: 0 };
  const reader = stream.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read().catch((error: unknown) => {
      throw new ClientAbortedError(error);
    });
    if (done) break;
    size += value.byteLength;
    if (size > limit) {
      await reader.cancel().catch(() => undefined);
      return { body: undefined, size };
    }
    chunks.push(value);
  }
  const body = new Uint8Array(size);
  let at = 0;
  for (const chunk of chunks) {
    body.set(chunk, at);
    at += chunk.byteLength;
  }
  return { body, size };
}
