import { mkdtemp, rm, stat } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import Database from "libsql";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { ConstraintError, type SqlClient } from "./sql-client.js";
import { openSqlite } from "./sqlite.js";

let dir: string;
let db: SqlClient;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), "handoff-sqlite-"));
  db = await openSqlite(`file:${join(dir, "shop.db")}`);
  await db.execute("CREATE TABLE notes (id INTEGER PRIMARY KEY, body TEXT NOT NULL)");
});
afterEach(async () => {
  await db.close();
  await rm(dir, { recursive: true, force: true });
});

const insert = (id: number, body = "x".repeat(1000)) => ({
  sql: "INSERT INTO notes (id, body) VALUES (?, ?)",
  args: [id, body],
});

describe("the SQLite client's batches", () => {
  it("are durable when they resolve: another connection to the file sees every row", async () => {
    const results = await db.batch([insert(1), insert(2), insert(3)]);
    expect(results.map((r) => r.rowsAffected)).toEqual([1, 1, 1]);
    const other = new Database(join(dir, "shop.db"));
    expect(other.prepare("SELECT COUNT(*) AS n FROM notes").get()).toMatchObject({ n: 3 });
    other.close();
  });

  it("apply whole or not at all: one duplicate key refuses the batch and leaves no row of it", async () => {
    await db.batch([insert(1)]);
    await expect(db.batch([insert(2), insert(1)])).rejects.toBeInstanceOf(ConstraintError);
    const { rows } = await db.execute("SELECT id FROM notes ORDER BY id");
    expect(rows).toEqual([{ id: 1 }]);
    // The client is usable again after the refusal.
    await db.batch([insert(2)]);
    expect((await db.execute("SELECT COUNT(*) AS n FROM notes")).rows).toEqual([{ n: 2 }]);
  });
});

describe("the SQLite client's write-ahead log", () => {
  it("stays bounded under a long run of commits, and every row is there after reopening", async () => {
    // 600 commits of 4 KB rows: about 1,850 WAL pages, nearly twice what SQLite lets the WAL hold.
    for (let id = 1; id <= 600; id++) await db.batch([insert(id, "y".repeat(4000))]);
    // About 1,000 pages (4 MB) at most; a WAL that never started over would be 7.6 MB.
    expect((await stat(join(dir, "shop.db-wal"))).size).toBeLessThan(6_000_000);
    await db.close();
    db = await openSqlite(`file:${join(dir, "shop.db")}`);
    expect((await db.execute("SELECT COUNT(*) AS n, SUM(length(body)) AS bytes FROM notes")).rows).toEqual([
      { n: 600, bytes: 600 * 4000 },
    ]);
  });

  it("stays bounded under bulk transactions too, and the next ordinary commit checkpoints as usual", async () => {
    // 120 bulk transactions of 125 rows of 4 KB: about 60 MB of pages, twice what a bulk COMMIT lets
    // the WAL hold before SQLite checkpoints inside it.
    const body = "z".repeat(4000);
    for (let t = 0; t < 120; t++)
      await db.transaction(
        async (tx) => {
          for (let k = 1; k <= 125; k++) await tx.execute(insert(t * 125 + k, body).sql, [t * 125 + k, body]);
        },
        { bulk: true },
      );
    // 32 MB and one transaction at most; a WAL that never started over would be about 60 MB.
    expect((await stat(join(dir, "shop.db-wal"))).size).toBeLessThan(36_000_000);
    // A failed bulk transaction too leaves the connection as it was: a confirm's COMMIT after it
    // checkpoints past SQLite's usual 1,000 pages, not 8,000.
    await expect(
      db.transaction(
        async (tx) => {
          await tx.execute(insert(1).sql, insert(1).args);
        },
        { bulk: true },
      ),
    ).rejects.toBeInstanceOf(ConstraintError);
    expect((await db.execute("PRAGMA wal_autocheckpoint")).rows).toEqual([{ wal_autocheckpoint: 1000 }]);
    await db.close();
    db = await openSqlite(`file:${join(dir, "shop.db")}`);
    expect((await db.execute("SELECT COUNT(*) AS n, SUM(length(body)) AS bytes FROM notes")).rows).toEqual([
      { n: 15_000, bytes: 15_000 * 4000 },
    ]);
  });
});

describe("opening a SQLite database another process is writing", () => {
  it("succeeds while the writer holds its lock, when the database is up to date", async () => {
    // Another process mid-transaction, holding the write lock longer than the busy timeout.
    const writer = new Database(join(dir, "shop.db"));
    writer.exec("BEGIN IMMEDIATE");
    writer.exec("INSERT INTO notes (id, body) VALUES (1, 'held')");
    try {
      const second = await openSqlite(`file:${join(dir, "shop.db")}`);
      expect((await second.execute("SELECT COUNT(*) AS n FROM notes")).rows).toEqual([{ n: 0 }]);
      await second.close();
    } finally {
      writer.exec("ROLLBACK");
      writer.close();
    }
  });
});
