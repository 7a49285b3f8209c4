import { describe, expect, it } from "vitest";
import { requestId } from "./app.js";

describe("the request id a log line and an answer carry", () => {
  it("keeps a caller's plain id and replaces anything else with a fresh one", () => {
    expect(requestId("req-7f3a.01:edge")).toBe("req-7f3a.01:edge");
    for (const given of ["ÿþ<script>", "a b", "x".repeat(129), "", ["a", "b"], undefined]) {
      const id = requestId(given);
      expect(id).toMatch(/^[0-9a-f-]{36}$/);
    }
  });
});
