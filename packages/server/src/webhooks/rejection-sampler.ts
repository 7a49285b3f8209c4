/**
 * Refused webhook requests are recorded for operators, but anyone can send them: an unauthenticated
 * client must not be able to write without limit. At most `perWindow` are written per window; the
 * rest are counted, and the count rides on the next one written.
 */
export class RejectionSampler {
  private windowStart = 0;
  private written = 0;
  private suppressed = 0;

  constructor(
    private readonly perWindow = 60,
    private readonly windowMs = 60_000,
  ) {}

  /** `undefined`: drop this one; otherwise write it, carrying how many were dropped before it. */
  take(now: number): { suppressedBefore: number } | undefined {
    if (now - this.windowStart >= this.windowMs) {
      this.windowStart = now;
      this.written = 0;
    }
    if (this.written >= this.perWindow) {
      this.suppressed++;
      return undefined;
    }
    this.written++;
    const suppressedBefore = this.suppressed;
    this.suppressed = 0;
    return { suppressedBefore };
  }
}
