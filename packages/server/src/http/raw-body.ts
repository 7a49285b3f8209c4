import type { IncomingMessage } from "node:http";

/**
 * Reads a request's raw bytes up to `limit`, whatever `Content-Length` says (a chunked body has
 * none). Past the limit it stops reading at once and reports the bytes seen so far (more than
 * `limit`) and leaves the request paused, so the pipeline answers 413 without taking in the rest
 * of an attacker's gigabyte (the server's request timeout ends the connection).
 */
export function readRawBody(
  req: IncomingMessage,
  limit: number,
): Promise<{ body: Buffer | undefined; size: number }> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size <= limit) {
        chunks.push(chunk);
        return;
      }
      req.off("data", onData);
      req.off("end", onEnd);
      req.pause();
      resolve({ body: undefined, size });
    };
    const onEnd = () => resolve({ body: Buffer.concat(chunks, size), size });
    req.on("data", onData);
    req.on("end", onEnd);
    req.on("error", reject);
  });
}

/**
 * A 413 leaves the rest of the body unread on the socket: the connection must not carry another
 * request (a keep-alive client would send its next one into the leftovers and see it reset).
 */
export function closeIfUnread(status: number): Record<string, string> {
  return status === 413 ? { connection: "close" } : {};
}

export function headerOf(req: IncomingMessage) {
  return (name: string): string | undefined => {
    const value = req.headers[name.toLowerCase()];
    return Array.isArray(value) ? value.join(", ") : value;
  };
}
