import type { IncomingMessage } from "node:http";

/**
 * Reads a request's raw bytes up to `limit`. Past the limit it stops keeping them and reports the
 * size, so the pipeline can answer 413 without buffering an attacker's gigabyte.
 */
export function readRawBody(
  req: IncomingMessage,
  limit: number,
): Promise<{ body: Buffer | undefined; size: number }> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on("data", (chunk: Buffer) => {
      size += chunk.length;
      if (size <= limit) chunks.push(chunk);
    });
    req.on("end", () => resolve({ body: size <= limit ? Buffer.concat(chunks, size) : undefined, size }));
    req.on("error", reject);
  });
}

export function headerOf(req: IncomingMessage) {
  return (name: string): string | undefined => {
    const value = req.headers[name.toLowerCase()];
    return Array.isArray(value) ? value.join(", ") : value;
  };
}
