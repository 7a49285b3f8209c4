export interface RunningPostgres {
  /** postgres://handoff@127.0.0.1:<port>/<database> */
  url: string;
  port: number;
  dir: string;
  stop(): void;
}
export function postgresBinDir(): string;
export function startPostgres(options?: { durable?: boolean; database?: string }): Promise<RunningPostgres>;
