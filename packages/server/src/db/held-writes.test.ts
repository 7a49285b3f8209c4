import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { freshPostgresDatabase, testEngine } from "../test-support/postgres.js";
import { openDatabase } from "./open.js";
import { ConstraintError, type SqlClient } from "./sql-client.js";

/** `write` inside a transaction, on the engine of the test project (held and combined on PostgreSQL). */
let dir: string;
let db: SqlClient;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), "handoff-held-"));
  db = await openDatabase(
    testEngine() === "postgres" ? await freshPostgresDatabase() : `file:${join(dir, "shop.db")}`,
  );
  await db.execute("CREATE TABLE stock (sku TEXT PRIMARY KEY, n INTEGER NOT NULL CHECK (n >= 0))");
  await db.execute("CREATE TABLE notes (id INTEGER PRIMARY KEY, body TEXT NOT NULL)");
  await db.execute("INSERT INTO stock (sku, n) VALUES ('mug', 3)");
});
afterEach(async () => {
  await db.close();
  await rm(dir, { recursive: true, force: true });
});

const stockOf = async () => Number((await db.execute("SELECT n FROM stock WHERE sku = 'mug'")).rows[0]?.n);
const notes = async () => (await db.execute("SELECT id, body FROM notes ORDER BY id")).rows;

describe("writes held in a transaction", () => {
  it("are seen by the transaction's next read and commit with it", async () => {
    const seen = await db.transaction(async (tx) => {
      await tx.write("UPDATE stock SET n = n - 1 WHERE sku = ?", ["mug"]);
      await tx.write("INSERT INTO notes (id, body) VALUES (?, ?)", [1, "took one"]);
      return Number((await tx.execute("SELECT n FROM stock WHERE sku = ?", ["mug"])).rows[0]?.n);
    });
    expect(seen).toBe(2);
    expect(await stockOf()).toBe(2);
    expect(await notes()).toEqual([{ id: 1, body: "took one" }]);
  });

  it("keep their order when two write one table, and commit when the transaction ends without a read", async () => {
    await db.transaction(async (tx) => {
      await tx.write("INSERT INTO notes (id, body) VALUES (?, ?)", [1, "first"]);
      await tx.write("UPDATE notes SET body = ? WHERE id = ?", ["first, then changed", 1]);
      await tx.write("UPDATE stock SET n = n - 1 WHERE sku = ?", ["mug"]);
      await tx.write("INSERT INTO notes (id, body) VALUES (?, ?)", [2, "second"]);
    });
    expect(await notes()).toEqual([
      { id: 1, body: "first, then changed" },
      { id: 2, body: "second" },
    ]);
    expect(await stockOf()).toBe(2);
  });

  it("roll back whole when one of them is refused: nothing of the transaction stays", async () => {
    const taking = db.transaction(async (tx) => {
      await tx.write("INSERT INTO notes (id, body) VALUES (?, ?)", [1, "about to take four"]);
      await tx.write("UPDATE stock SET n = n - 4 WHERE sku = ?", ["mug"]);
    });
    await expect(taking).rejects.toBeInstanceOf(ConstraintError);
    expect(await stockOf()).toBe(3);
    expect(await notes()).toEqual([]);
    // The store is usable again.
    await db.transaction((tx) => tx.write("INSERT INTO notes (id, body) VALUES (?, ?)", [1, "fine"]));
    expect(await notes()).toEqual([{ id: 1, body: "fine" }]);
  });
});
