/** A file that is not CSV as RFC 4180 writes it: the line it happens on (1 is the first), and why. */
export class CsvError extends Error {
  override name = "CsvError";
  constructor(
    message: string,
    readonly line: number,
  ) {
    super(message);
  }
}

export interface CsvOptions {
  /**
   * The columns the reader needs, from the header (the first record, given whole): the plain
   * records after it keep only those cells, the others read as empty strings.
   */
  columns?: (header: readonly string[]) => readonly number[];
}

/** The records of one piece of the file: each record's cells, and the line it starts on. */
export interface CsvRecords {
  cells: string[][];
  lines: number[];
}

const QUOTE = 34; // "
const COMMA = 44; // ,
const CR = 13;
const LF = 10;

/**
 * CSV records as the file streams in, a piece at a time (RFC 4180: cells separated by commas,
 * quoted with `"` when they hold a comma, a quote (doubled) or a line break; lines end in LF or
 * CRLF; a UTF-8 byte-order mark is dropped; blank lines are skipped). Only the unread end of the
 * last piece is held, so memory does not grow with the file.
 *
 * Written for settlement reports rather than taken from a general CSV library: a million-line
 * report is almost all plain lines, and a line with no quote in it is cut at its commas with
 * `indexOf` (only the columns asked for, see `CsvOptions.columns`), never looked at a character at
 * a time. Quoted lines take the careful path below. PapaParse 5.5 read the same million-line
 * Checkout.com report in about the same time as this reader cutting every cell, so a dependency
 * would buy nothing here; this one also cuts only the cells settlement reads.
 */
export async function* readCsv(
  source: AsyncIterable<Uint8Array | string>,
  options: CsvOptions = {},
): AsyncGenerator<CsvRecords> {
  const decoder = new TextDecoder("utf-8", { fatal: true });
  let rest = "";
  let line = 1;
  let first = true;
  // Until the header is read (when `columns` is given), one record at a time.
  let wanted: Uint8Array | undefined;
  let header = options.columns !== undefined;
  const decode = (piece: Uint8Array | string | undefined, final: boolean) => {
    try {
      return typeof piece === "string" ? piece : decoder.decode(piece, { stream: !final });
    } catch {
      throw new CsvError("the file is not UTF-8 text", line);
    }
  };
  const read = (piece: Uint8Array | string | undefined, final: boolean): CsvRecords => {
    let text = rest + decode(piece, final);
    // TextDecoder drops the mark from bytes; a source of strings may still start with it.
    if (first && text.length > 0) {
      if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
      first = false;
    }
    if (header && options.columns) {
      const head = recordsOf(text, line, final, undefined, 1);
      const cells = head.cells[0];
      if (!cells) {
        rest = text.slice(head.end);
        line = head.nextLine;
        return head;
      }
      header = false;
      wanted = kept(options.columns(cells));
      const more = recordsOf(text.slice(head.end), head.nextLine, final, wanted);
      rest = text.slice(head.end + more.end);
      line = more.nextLine;
      return { cells: [cells, ...more.cells], lines: [head.lines[0] as number, ...more.lines] };
    }
    const records = recordsOf(text, line, final, wanted);
    rest = text.slice(records.end);
    line = records.nextLine;
    return records;
  };
  for await (const piece of source) {
    const records = read(piece, false);
    if (records.cells.length > 0) yield records;
  }
  const last = read(undefined, true);
  if (last.cells.length > 0) yield last;
}

/**
 * The complete records in `text` from its start, and where the unread rest begins. With `final`,
 * the text is the end of the file: its last line needs no line break, and an open quote is an error.
 */
function recordsOf(
  text: string,
  firstLine: number,
  final: boolean,
  wanted?: Uint8Array,
  limit = Number.POSITIVE_INFINITY,
): CsvRecords & { end: number; nextLine: number } {
  const cells: string[][] = [];
  const lines: number[] = [];
  let line = firstLine;
  let pos = 0;
  // Where the next quote is, found once, not searched again for every line before it.
  let quote = text.indexOf('"');
  while (pos < text.length && cells.length < limit) {
    let lf = text.indexOf("\n", pos);
    if (lf < 0) {
      if (!final) break;
      lf = text.length;
    }
    if (quote >= 0 && quote < pos) quote = text.indexOf('"', pos);
    if (quote < 0 || quote > lf) {
      // A plain line: no quote in it.
      const end = lf > pos && text.charCodeAt(lf - 1) === CR ? lf - 1 : lf;
      if (end > pos) {
        cells.push(wanted ? picked(text, pos, end, wanted) : text.slice(pos, end).split(","));
        lines.push(line);
      }
      line++;
      pos = lf + 1;
      continue;
    }
    const record = quotedRecord(text, pos, line, final);
    if (!record) break; // its end has not come in yet
    cells.push(record.cells);
    lines.push(line);
    line += record.lines;
    pos = record.end;
  }
  return { cells, lines, end: Math.min(pos, text.length), nextLine: line };
}

/** The columns to keep, as a lookup by index. */
function kept(columns: readonly number[]): Uint8Array {
  const wanted = new Uint8Array(Math.max(0, ...columns) + 1);
  for (const c of columns) if (c >= 0) wanted[c] = 1;
  return wanted;
}

/**
 * The cells of the plain line text[start, end) at the wanted indexes, the others left empty: a
 * report line has twice the columns settlement reads, and each cell cut is a string to collect.
 */
function picked(text: string, start: number, end: number, wanted: Uint8Array): string[] {
  const cells: string[] = [];
  let at = start;
  for (let c = 0; c < wanted.length && at <= end; c++) {
    let comma = text.indexOf(",", at);
    if (comma < 0 || comma > end) comma = end;
    cells.push(wanted[c] ? text.slice(at, comma) : "");
    at = comma + 1;
  }
  return cells;
}

/**
 * One record that has a quote in it, read character by character from `start`: its cells, the
 * index after its line break, and how many lines it spans. Undefined when the text ends before
 * the record does (more is coming).
 */
function quotedRecord(
  text: string,
  start: number,
  line: number,
  final: boolean,
): { cells: string[]; end: number; lines: number } | undefined {
  const cells: string[] = [];
  let i = start;
  let lines = 1;
  for (;;) {
    if (text.charCodeAt(i) === QUOTE) {
      let cell = "";
      let from = i + 1;
      for (;;) {
        const close = text.indexOf('"', from);
        if (close < 0) {
          if (final) throw new CsvError("a quoted cell is not closed", line);
          return undefined;
        }
        // A quote at the very end may be the first of a doubled one: wait for the next character.
        if (close + 1 === text.length && !final) return undefined;
        cell += text.slice(from, close);
        if (text.charCodeAt(close + 1) !== QUOTE) {
          i = close + 1;
          break;
        }
        cell += '"';
        from = close + 2;
      }
      for (let at = cell.indexOf("\n"); at >= 0; at = cell.indexOf("\n", at + 1)) lines++;
      cells.push(cell);
    } else {
      let end = i;
      for (; end < text.length; end++) {
        const c = text.charCodeAt(end);
        if (c === COMMA || c === LF) break;
        if (c === QUOTE) throw new CsvError("a quote inside a cell that is not quoted", line + lines - 1);
      }
      // The CR of a CR LF (or of the file's very end) is not the cell's.
      const atEnd = end >= text.length || text.charCodeAt(end) === LF;
      cells.push(text.slice(i, atEnd && end > i && text.charCodeAt(end - 1) === CR ? end - 1 : end));
      i = end;
    }
    // After a cell: a comma, the line break (LF or CR LF), or the end of the file.
    let c = text.charCodeAt(i);
    if (c === COMMA) {
      i++;
      continue;
    }
    if (c === CR) c = text.charCodeAt(++i);
    if (i >= text.length) {
      if (!final) return undefined;
      return { cells, end: text.length, lines };
    }
    if (c === LF) return { cells, end: i + 1, lines };
    throw new CsvError("a quoted cell has more after its closing quote", line + lines - 1);
  }
}
