/** The operator the scale benchmark signs in as (pages) and calls the API as (bearer token). */
export const OPERATOR = {
  name: "bench",
  password: "bench password 0123",
  token: "tok_bench_0123456789abcdef",
};

/** Signs the operator in to the console at `base` (pages); the session cookie to send. */
export async function signIn(base: string): Promise<string> {
  const response = await fetch(`${base}/login`, {
    method: "POST",
    redirect: "manual",
    headers: { "content-type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams({ name: OPERATOR.name, password: OPERATOR.password }).toString(),
  });
  const cookie = /handoff_ops_session=[^;]+/.exec(response.headers.get("set-cookie") ?? "")?.[0];
  if (response.status !== 303 || !cookie) throw new Error(`sign-in answered ${response.status}`);
  return cookie;
}

/**
 * Times `samples` GETs of a console path (the API with the operator's token, a page with `cookie`),
 * one at a time, after `warmUp` untimed ones; milliseconds each, answer read whole. Anything but a
 * 200 fails the benchmark.
 */
export async function timeOpsGet(
  base: string,
  path: string,
  how: { api: boolean; cookie: string; warmUp: number; samples: number },
): Promise<number[]> {
  const headers: Record<string, string> = how.api
    ? { authorization: `Bearer ${OPERATOR.token}` }
    : { cookie: how.cookie };
  const once = async () => {
    const response = await fetch(`${base}${path}`, { headers });
    await response.arrayBuffer();
    if (response.status !== 200) throw new Error(`${path} answered ${response.status}`);
  };
  for (let i = 0; i < how.warmUp; i++) await once();
  const samples: number[] = [];
  for (let i = 0; i < how.samples; i++) {
    const started = performance.now();
    await once();
    samples.push(performance.now() - started);
  }
  return samples;
}
