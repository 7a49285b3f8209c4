import { describe, expect, it } from "vitest";
import { browserScript, componentsScript } from "./components.js";

describe("browser scripts", () => {
  it("run even when a transpiler inserted __name() calls into the function's source", () => {
    // What esbuild's keepNames leaves in a function body (tsx does this; vitest does not).
    const transpiled = new Function(
      "return function install(out) { __name(install, 'install'); out.ran = true; }",
    )();
    const out: { ran?: boolean } = {};
    new Function("out", browserScript(transpiled, "out"))(out);
    expect(out.ran).toBe(true);
  });

  it("serve the Web Components emulation as one classic script with its origin baked in", () => {
    const script = componentsScript({ origin: "http://127.0.0.1:3100" });
    expect(script).not.toMatch(/^\s*(import|export)\s/m);
    expect(script).toContain('{"origin":"http://127.0.0.1:3100"}');
    expect(() => new Function(script)).not.toThrow();
  });
});
