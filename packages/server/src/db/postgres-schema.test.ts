import pg from "pg";
import { afterEach, describe, expect, it } from "vitest";
import { freshPostgresDatabase } from "../test-support/postgres.js";
import { handoffTables } from "./migrate.js";
import { openDatabase } from "./open.js";
import { moveFromPublicSql, openPostgres } from "./postgres.js";
import type { SqlClient } from "./sql-client.js";

const opened: SqlClient[] = [];
afterEach(async () => {
  await Promise.all(opened.splice(0).map((db) => db.close()));
});

async function open(url: string, options: Parameters<typeof openDatabase>[1] = {}): Promise<SqlClient> {
  const db = await openDatabase(url, options);
  opened.push(db);
  return db;
}

/** Runs SQL on a plain connection: no schema of ours, as the merchant's own tools see the database. */
async function asMerchant<T>(url: string, work: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

async function tablesIn(url: string, schema: string): Promise<string[]> {
  return asMerchant(url, async (c) =>
    (
      await c.query<{ tablename: string }>(
        "SELECT tablename FROM pg_catalog.pg_tables WHERE schemaname = $1 ORDER BY tablename",
        [schema],
      )
    ).rows.map((r) => r.tablename),
  );
}

async function schemaExists(url: string, schema: string): Promise<boolean> {
  return asMerchant(
    url,
    async (c) =>
      (await c.query("SELECT 1 FROM pg_catalog.pg_namespace WHERE nspname = $1", [schema])).rowCount === 1,
  );
}

/** What `orders` means to a merchant who was there first: other columns, their own row. */
async function merchantOrders(url: string): Promise<void> {
  await asMerchant(url, async (c) => {
    await c.query(
      "CREATE TABLE public.orders (order_no SERIAL PRIMARY KEY, customer TEXT NOT NULL, total NUMERIC)",
    );
    await c.query("INSERT INTO public.orders (customer, total) VALUES ('Ada', 12.50)");
  });
}

function warnings() {
  const seen: Array<{ obj: object; msg?: string }> = [];
  return { seen, logger: { warn: (obj: object, msg?: string) => seen.push({ obj, msg }) } };
}

const ALL_TABLES = [...handoffTables()].sort();

describe("Handoff's schema on PostgreSQL", () => {
  it("starts beside a merchant's own orders table in public, leaving it and its row untouched", async () => {
    const url = await freshPostgresDatabase();
    await merchantOrders(url);

    const db = await open(url);

    expect(await tablesIn(url, "handoff")).toEqual(ALL_TABLES);
    expect(await tablesIn(url, "public")).toEqual(["orders"]);
    const theirs = await asMerchant(url, async (c) => ({
      columns: (
        await c.query(
          `SELECT column_name FROM information_schema.columns
            WHERE table_schema = 'public' AND table_name = 'orders' ORDER BY ordinal_position`,
        )
      ).rows.map((r) => r.column_name),
      rows: (await c.query("SELECT order_no, customer, total FROM public.orders")).rows,
    }));
    expect(theirs).toEqual({
      columns: ["order_no", "customer", "total"],
      rows: [{ order_no: 1, customer: "Ada", total: "12.50" }],
    });

    // Unqualified SQL is Handoff's: plain queries, transactions, and every connection of the pool.
    expect((await db.execute("SELECT COUNT(*) AS n FROM orders")).rows[0]?.n).toBe("0");
    expect(
      await db.transaction(async (tx) => (await tx.execute("SELECT current_schema() AS s")).rows[0]?.s),
    ).toBe("handoff");
    const pids = await Promise.all(
      Array.from({ length: 6 }, () =>
        db.transaction(async (tx) => {
          const row = (
            await tx.execute("SELECT pg_backend_pid() AS pid, current_schema() AS s, pg_sleep(0.05)")
          ).rows[0];
          return { pid: row?.pid, schema: row?.s };
        }),
      ),
    );
    expect(new Set(pids.map((p) => p.pid)).size).toBeGreaterThan(1);
    expect(new Set(pids.map((p) => p.schema))).toEqual(new Set(["handoff"]));
    await db.execute(
      `INSERT INTO orders (id, cart_id, amount, currency, lines_json, status, created_at, updated_at)
       VALUES ('ord_1', 'cart_1', 100, 'GBP', '[]', 'pending', 'now', 'now')`,
    );
    expect(
      await asMerchant(
        url,
        async (c) => (await c.query("SELECT COUNT(*) AS n FROM handoff.orders")).rows[0].n,
      ),
    ).toBe("1");
    expect(
      await asMerchant(
        url,
        async (c) => (await c.query("SELECT COUNT(*) AS n FROM public.orders")).rows[0].n,
      ),
    ).toBe("1");

    // A second instance finds it all done and migrates nothing again.
    const again = await open(url);
    expect((await again.execute("SELECT COUNT(*) AS n FROM schema_migrations")).rows[0]?.n).toBe(
      (await db.execute("SELECT COUNT(*) AS n FROM schema_migrations")).rows[0]?.n,
    );
  });

  it("uses a schema of the merchant's choosing, and only that one", async () => {
    const url = await freshPostgresDatabase();
    const db = await open(url, { schema: "shop_eu" });
    expect(await tablesIn(url, "shop_eu")).toEqual(ALL_TABLES);
    expect(await schemaExists(url, "handoff")).toBe(false);
    expect(await tablesIn(url, "public")).toEqual([]);
    expect((await db.execute("SELECT current_schema() AS s")).rows[0]?.s).toBe("shop_eu");

    // Two installs in one database do not see each other.
    const other = await open(url, { schema: "shop_us" });
    await db.execute("INSERT INTO carts (id, currency, created_at) VALUES ('c1', 'EUR', 'now')");
    expect((await other.execute("SELECT COUNT(*) AS n FROM carts")).rows[0]?.n).toBe("0");
  });

  it("uses a schema made for it by a role that may not create schemas itself", async () => {
    const url = await freshPostgresDatabase();
    const role = `shop_${Math.random().toString(36).slice(2, 10)}`;
    await asMerchant(url, async (c) => {
      await c.query("CREATE SCHEMA handoff");
      await c.query(`CREATE ROLE ${role} LOGIN`);
      await c.query(`GRANT USAGE, CREATE ON SCHEMA handoff TO ${role}`);
    });
    try {
      const db = await openDatabase(url.replace("//handoff@", `//${role}@`));
      try {
        expect((await db.execute("SELECT current_user AS u")).rows[0]?.u).toBe(role);
        await expect(db.execute("CREATE SCHEMA other")).rejects.toThrow(/permission denied/);
      } finally {
        await db.close();
      }
      expect(await tablesIn(url, "handoff")).toEqual(ALL_TABLES);
    } finally {
      await asMerchant(url, async (c) => {
        await c.query(`DROP OWNED BY ${role} CASCADE`);
        await c.query(`DROP ROLE ${role}`);
      });
    }
  });

  it("refuses a schema name that is not a plain lowercase identifier, saying what it accepts", async () => {
    const url = await freshPostgresDatabase();
    for (const bad of [
      "Handoff",
      "1shop",
      "shop-eu",
      'shop"; DROP TABLE x; --',
      "",
      "a".repeat(64),
      "pg_shop",
    ]) {
      await expect(openDatabase(url, { schema: bad })).rejects.toThrow(
        /Database schema .* is not usable: give 1 to 63 lowercase letters, digits or underscores/,
      );
    }
    await expect(openPostgres(url, { schema: "information_schema" })).rejects.toThrow(/not usable/);
    expect(await tablesIn(url, "public")).toEqual([]);
    // The longest name PostgreSQL keeps whole is fine.
    await open(url, { schema: `s${"a".repeat(62)}` });
    expect(await tablesIn(url, `s${"a".repeat(62)}`)).toEqual(ALL_TABLES);
  });

  it("keeps its search_path when the URL carries start-up options of its own", async () => {
    const url = await freshPostgresDatabase();
    const db = await open(`${url}?options=${encodeURIComponent("-c statement_timeout=4321")}`);
    const row = (await db.execute("SELECT current_schema() AS s, current_setting('statement_timeout') AS t"))
      .rows[0];
    expect(row).toEqual({ s: "handoff", t: "4321ms" });
  });

  it("instances starting together on an empty database create the schema once and all start", async () => {
    const url = await freshPostgresDatabase();
    const dbs = await Promise.all(Array.from({ length: 4 }, () => open(url, { poolSize: 2 })));
    expect(dbs).toHaveLength(4);
    expect(await tablesIn(url, "handoff")).toEqual(ALL_TABLES);
  });

  it("does not mistake another tool's schema_migrations in public for an older Handoff", async () => {
    const url = await freshPostgresDatabase();
    await asMerchant(url, async (c) => {
      await c.query("CREATE TABLE public.schema_migrations (version VARCHAR PRIMARY KEY)"); // Rails' shape
      await c.query("INSERT INTO public.schema_migrations VALUES ('20240101000000')");
    });
    const { seen, logger } = warnings();
    await open(url, { logger });
    expect(seen).toEqual([]);
    expect(await tablesIn(url, "handoff")).toEqual(ALL_TABLES);
    expect(await tablesIn(url, "public")).toEqual(["schema_migrations"]);
  });

  describe("an install from before schemas, its tables in public", () => {
    async function legacyInstall(): Promise<string> {
      const url = await freshPostgresDatabase();
      // What earlier versions did: every table in public.
      const old = await openDatabase(url, { schema: "public" });
      await old.execute(
        "INSERT INTO products (sku, name, unit_amount, currency, stock) VALUES ('mug', 'Mug', 1450, 'GBP', 7)",
      );
      await old.execute(
        "INSERT INTO order_events (order_id, at, kind, detail_json) VALUES ('ord_0', 'then', 'created', '{}')",
      );
      await old.close();
      expect(await tablesIn(url, "public")).toEqual(ALL_TABLES);
      return url;
    }

    it("keeps working in public with the default schema, moving nothing and warning with the SQL that would", async () => {
      const url = await legacyInstall();
      const { seen, logger } = warnings();
      const db = await open(url, { logger });

      expect((await db.execute("SELECT stock FROM products WHERE sku = 'mug'")).rows).toEqual([
        { stock: "7" },
      ]);
      expect((await db.execute("SELECT current_schema() AS s")).rows[0]?.s).toBe("public");
      expect(await schemaExists(url, "handoff")).toBe(false);
      expect(await tablesIn(url, "public")).toEqual(ALL_TABLES);
      expect(seen).toHaveLength(1);
      expect(seen[0]?.msg).toMatch(/Handoff's tables are in the "public" schema .* still using "public"/);
      expect(seen[0]?.obj).toMatchObject({
        schema: "public",
        wanted: "handoff",
        move: moveFromPublicSql("handoff"),
      });

      // Saying "public" outright is the same install, without the warning.
      const quiet = warnings();
      await open(url, { schema: "public", logger: quiet.logger });
      expect(quiet.seen).toEqual([]);
    });

    it("refuses another schema name until the tables are moved, naming how", async () => {
      const url = await legacyInstall();
      await expect(openDatabase(url, { schema: "shop_eu" })).rejects.toThrow(
        /Handoff's tables are in the "public" schema.*schema "shop_eu" has none[\s\S]*ALTER TABLE IF EXISTS public\.orders SET SCHEMA "shop_eu"/,
      );
      expect(await schemaExists(url, "shop_eu")).toBe(false);
      expect(await tablesIn(url, "public")).toEqual(ALL_TABLES);
    });

    it("after the SQL of the warning, lives in its own schema with every row, sequence and migration", async () => {
      const url = await legacyInstall();
      const { seen, logger } = warnings();
      await (await openDatabase(url, { logger })).close();
      const move = (seen[0]?.obj as { move: string } | undefined)?.move ?? "";
      await asMerchant(url, (c) => c.query(move));
      await merchantOrders(url); // public is free now: a merchant table may come back

      const quiet = warnings();
      const db = await open(url, { logger: quiet.logger });
      expect(quiet.seen).toEqual([]);
      expect(await tablesIn(url, "handoff")).toEqual(ALL_TABLES);
      expect(await tablesIn(url, "public")).toEqual(["orders"]);
      expect((await db.execute("SELECT stock FROM products WHERE sku = 'mug'")).rows).toEqual([
        { stock: "7" },
      ]);
      // The id sequence moved with its table and goes on counting.
      await db.execute(
        "INSERT INTO order_events (order_id, at, kind, detail_json) VALUES ('ord_0', 'now', 'paid', '{}')",
      );
      expect((await db.execute("SELECT id FROM order_events ORDER BY id")).rows).toEqual([
        { id: "1" },
        { id: "2" },
      ]);
    });
  });
});
