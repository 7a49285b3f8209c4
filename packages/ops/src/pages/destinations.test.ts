import { describe, expect, it } from "vitest";
import { withoutCredentials } from "./destinations.js";

describe("a destination's URL as the console shows it", () => {
  it("leaves out a user name and password saved before they were refused", () => {
    expect(withoutCredentials("http://alice:S3cretPass@127.0.0.1:3290/cred")).toBe(
      "http://127.0.0.1:3290/cred",
    );
    expect(withoutCredentials("https://token@hooks.example.com/x?y=1")).toBe(
      "https://hooks.example.com/x?y=1",
    );
    expect(withoutCredentials("https://hooks.example.com/orders")).toBe("https://hooks.example.com/orders");
  });
});
