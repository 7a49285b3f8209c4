import { ENV_VARIABLES } from "./variables.js";

/** One thing wrong with one variable, said so a person can fix it. */
export interface ConfigProblem {
  variable: string;
  problem: string;
}

/**
 * Settings are missing or wrong: start-up stops with every problem at once, one line each
 * (`VARIABLE: problem`), so a deploy is fixed in one go rather than one restart per line.
 */
export class ConfigError extends Error {
  override name = "ConfigError";
  /** The first problem's variable (what a single-problem error always had). */
  readonly variable: string;
  readonly problems: readonly ConfigProblem[];

  constructor(variable: string, problem: string);
  constructor(problems: readonly ConfigProblem[]);
  constructor(first: string | readonly ConfigProblem[], problem = "") {
    const problems = typeof first === "string" ? [{ variable: first, problem }] : [...first];
    if (problems.length === 0) throw new TypeError("ConfigError needs at least one problem");
    super(problems.map((p) => `${p.variable}: ${p.problem}`).join("\n"));
    this.variable = (problems[0] as ConfigProblem).variable;
    this.problems = problems;
  }
}

/** Where the checks record what they find; `loadConfig` throws them together at the end. */
export class ConfigProblems {
  private readonly found: ConfigProblem[] = [];

  /** Records a problem; returns undefined so a check can `return problems.add(…)`. */
  add(variable: string, problem: string): undefined {
    // One line per variable: its first problem is the one to fix, the rest may follow from it.
    if (!this.has(variable)) this.found.push({ variable, problem });
    return undefined;
  }

  has(variable: string): boolean {
    return this.found.some((p) => p.variable === variable);
  }

  /** Throws them all, in the order of the variables' documentation. */
  throwIfAny(): void {
    if (this.found.length === 0) return;
    const rank = (p: ConfigProblem) => {
      const index = ENV_VARIABLES.findIndex((v) => v.name === p.variable);
      return index < 0 ? ENV_VARIABLES.length : index;
    };
    throw new ConfigError([...this.found].sort((a, b) => rank(a) - rank(b)));
  }
}
