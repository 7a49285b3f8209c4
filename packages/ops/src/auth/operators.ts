import { readFile } from "node:fs/promises";
import { z } from "zod";
import { hashPassword, hashToken } from "./secrets.js";

/** A named person who may use the console; what they do is recorded under this name. */
export interface Operator {
  name: string;
  /** `scrypt$…` from `hashPassword`: signs in to the pages. */
  passwordHash?: string;
  /** `sha256$…` from `hashToken`: the bearer token of the JSON API. */
  apiTokenHash?: string;
  /** IANA zone for times on the pages. Default UTC. */
  timeZone?: string;
}

const operatorSchema = z.strictObject({
  name: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9 ._@-]{0,63}$/),
  passwordHash: z.string().startsWith("scrypt$").optional(),
  apiTokenHash: z.string().startsWith("sha256$").optional(),
  timeZone: z
    .string()
    .refine((tz) => {
      try {
        new Intl.DateTimeFormat("en", { timeZone: tz });
        return true;
      } catch {
        return false;
      }
    }, "not a time zone Intl knows")
    .optional(),
});

export class OperatorsFileError extends Error {
  override name = "OperatorsFileError";
}

/** Reads the JSON array HANDOFF_OPERATORS names (hashes only, never passwords or tokens in the clear). */
export async function loadOperatorsFile(path: string): Promise<Operator[]> {
  let json: unknown;
  try {
    json = JSON.parse(await readFile(path, "utf8"));
  } catch (error) {
    throw new OperatorsFileError(`cannot read ${path}: ${(error as Error).message}`);
  }
  const parsed = z.array(operatorSchema).min(1).safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new OperatorsFileError(`${path}: entry ${issue?.path.join(".") || "(root)"}: ${issue?.message}`);
  }
  return parsed.data;
}

/**
 * The local demo's single operator `admin`: a password for the pages and a different token for the
 * API, so a token leaked from a script signs nobody in to the pages (and the other way round).
 */
export function adminOperator(credentials: { password: string; token: string }): Operator {
  if (credentials.password === credentials.token)
    throw new Error("The ops password and the API token must differ.");
  return {
    name: "admin",
    passwordHash: hashPassword(credentials.password),
    apiTokenHash: hashToken(credentials.token),
  };
}
