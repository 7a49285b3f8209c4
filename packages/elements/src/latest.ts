/**
 * Keeps only the latest run's answers. Each `begin()` starts a run and returns its guard: a promise
 * passed through the guard of a run that has since been replaced (a new cart, a disconnection)
 * never settles, so the code after its `await` never runs. Stale answers are dropped by
 * construction, not by a check someone has to remember.
 */
export class Latest {
  #run = 0;

  begin(): <T>(answer: Promise<T>) => Promise<T> {
    const run = ++this.#run;
    const never = <T>() => new Promise<T>(() => {});
    return <T>(answer: Promise<T>): Promise<T> =>
      answer.then(
        (value) => (run === this.#run ? value : never<T>()),
        (error: unknown) => (run === this.#run ? Promise.reject(error) : never<T>()),
      );
  }

  /** Ends the current run: whatever it is still waiting for is dropped. */
  cancel(): void {
    this.#run++;
  }
}
