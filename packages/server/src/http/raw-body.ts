import type { IncomingMessage } from "node:http";
import type { Socket } from "node:net";
import { ClientAbortedError } from "./client-aborted.js";

/** Requests whose reading stopped at the limit: the rest of their body is still on the socket. */
const leftUnread = new WeakSet<IncomingMessage>();

/**
 * Reads a request's raw bytes up to `limit`, whatever `Content-Length` says (a chunked body has
 * none). Past the limit it stops reading at once and reports the bytes seen so far (more than
 * `limit`) and leaves the request paused, so the pipeline answers 413 without taking in the rest
 * of an attacker's gigabyte (the server's request timeout ends the connection). A client that
 * goes away before the end rejects it with ClientAbortedError.
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
      leftUnread.add(req);
      resolve({ body: undefined, size });
    };
    const onEnd = () => resolve({ body: Buffer.concat(chunks, size), size });
    // Node reports a client gone mid-body as an "aborted" error; a close before the end is the same.
    // Either way it is over (once resolved, neither changes anything).
    const onGone = (error?: unknown) => reject(new ClientAbortedError(error));
    req.on("data", onData);
    req.on("end", onEnd);
    req.on("error", onGone);
    req.on("close", () => {
      if (!req.complete) onGone();
    });
  });
}

/** How long a connection answered 413 is still read (and what it sends thrown away) before it closes. */
const LINGER_MS = 2_000;

/**
 * A body read only up to the limit leaves the rest on the socket, whatever the answer says (a 413,
 * or a 405 decided first): the connection must not carry another request. A keep-alive client's
 * next one would queue behind the leftovers nobody reads, wait, and be reset.
 */
export function closeIfUnread(req: IncomingMessage): Record<string, string> {
  if (!leftUnread.has(req)) return {};
  lingerBeforeClosing(req.socket);
  return { connection: "close" };
}

/**
 * Closing a socket that still has unread bytes makes the kernel send a reset, and the reset can
 * overtake our 413: the client, still sending, sees "connection reset" (EPIPE) instead of the
 * answer. So, as nginx's lingering close does, once the answer is sent the socket says it is done
 * writing, keeps reading and throwing away what still comes for at most LINGER_MS, then closes.
 */
function lingerBeforeClosing(socket: Socket): void {
  // Node's server calls destroySoon() once the last response is written.
  socket.destroySoon = function (this: Socket) {
    this.end();
    const close = () => this.destroy();
    const timer = setTimeout(close, LINGER_MS);
    timer.unref();
    this.once("end", close);
    this.once("close", () => clearTimeout(timer));
    this.resume();
  };
}

export function headerOf(req: IncomingMessage) {
  return (name: string): string | undefined => {
    const value = req.headers[name.toLowerCase()];
    return Array.isArray(value) ? value.join(", ") : value;
  };
}
