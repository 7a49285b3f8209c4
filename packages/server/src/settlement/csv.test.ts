import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { CsvError, readCsv } from "./csv.js";

/** The text in pieces of `size` bytes, as a network may cut it (through cells, quotes, CR LF, a UTF-8 character). */
async function* pieces(text: string, size: number): AsyncGenerator<Uint8Array> {
  const bytes = new TextEncoder().encode(text);
  for (let i = 0; i < bytes.length; i += size) yield bytes.subarray(i, i + size);
}

async function records(text: string, size = 1 << 16, columns?: (header: readonly string[]) => number[]) {
  const out: Array<{ cells: string[]; line: number }> = [];
  for await (const { cells, lines } of readCsv(pieces(text, size), columns ? { columns } : {}))
    for (const [i, c] of cells.entries()) out.push({ cells: c, line: lines[i] ?? 0 });
  return out;
}

/** The same records however the file is cut. */
async function everyCut(text: string) {
  const whole = await records(text);
  for (let size = 1; size <= 9; size++) expect(await records(text, size)).toEqual(whole);
  return whole;
}

describe("CSV as it streams", () => {
  it("reads plain lines, LF or CR LF, a byte-order mark dropped, blank lines skipped", async () => {
    const text = "\uFEFFa,b,c\r\n1,,3\n\n\r\nx,y,z";
    expect(await everyCut(text)).toEqual([
      { cells: ["a", "b", "c"], line: 1 },
      { cells: ["1", "", "3"], line: 2 },
      { cells: ["x", "y", "z"], line: 5 },
    ]);
  });

  it("reads quoted cells: commas, doubled quotes, line breaks, and the lines they span", async () => {
    const text = 'a,"b, c","say ""hi"""\r\n"two\r\nlines",x,""\n"",plain,"end"\nlast,"é"';
    expect(await everyCut(text)).toEqual([
      { cells: ["a", "b, c", 'say "hi"'], line: 1 },
      { cells: ["two\r\nlines", "x", ""], line: 2 },
      { cells: ["", "plain", "end"], line: 4 },
      { cells: ["last", "é"], line: 5 },
    ]);
  });

  it("keeps characters of more than one byte whole, wherever the pieces cut", async () => {
    expect(await everyCut("€,ß,日本\n")).toEqual([{ cells: ["€", "ß", "日本"], line: 1 }]);
  });

  it("names the line of a quote it cannot read", async () => {
    await expect(records('a,b\nc,"open\n\nd')).rejects.toThrow(CsvError);
    await expect(records('a,b\nc,"open\n\nd')).rejects.toMatchObject({ line: 2 });
    await expect(records('a\nb,"x"y\n')).rejects.toMatchObject({ line: 2 });
    await expect(records('a\nb,"x"\nc,d"e\n')).rejects.toMatchObject({ line: 3 });
  });

  it("refuses bytes that are not UTF-8", async () => {
    async function* bad() {
      yield new Uint8Array([0x61, 0x2c, 0xff, 0x0a]);
    }
    await expect(async () => {
      for await (const _ of readCsv(bad()));
    }).rejects.toThrow(/not UTF-8/);
  });

  it("reads the same cells of the columns asked for as of the whole line, however the file is cut", async () => {
    // Cells as a report may have them: plain, empty, or quoted with commas, quotes and line breaks.
    const cell = fc.oneof(
      fc.stringMatching(/^[a-z0-9_. -]{0,12}$/),
      fc.stringMatching(/^[a-z,"\n -]{0,8}$/).map((c) => `"${c.replace(/"/g, '""')}"`),
    );
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 1, max: 6 }).chain((width) =>
          fc.record({
            rows: fc.array(fc.array(cell, { minLength: width, maxLength: width }), {
              minLength: 1,
              maxLength: 8,
            }),
            wanted: fc.uniqueArray(fc.integer({ min: 0, max: width - 1 }), { maxLength: width }),
            size: fc.integer({ min: 1, max: 40 }),
            crlf: fc.boolean(),
          }),
        ),
        async ({ rows, wanted, size, crlf }) => {
          const text = rows.map((r) => r.join(",")).join(crlf ? "\r\n" : "\n");
          const whole = await records(text);
          const picked = await records(text, size, () => wanted);
          expect(picked.map((r) => r.line)).toEqual(whole.map((r) => r.line));
          // The header whole; then each asked-for cell as the whole read has it.
          expect(picked[0]?.cells).toEqual(whole[0]?.cells);
          for (const [i, record] of picked.entries())
            for (const c of wanted) expect(record.cells[c] ?? "").toBe(whole[i]?.cells[c] ?? "");
        },
      ),
      { numRuns: 300 },
    );
  });
});
