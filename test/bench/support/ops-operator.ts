/** The operator the scale benchmark signs in as (pages) and calls the API as (bearer token). */
export const OPERATOR = {
  name: "bench",
  password: "bench password 0123",
  token: "tok_bench_0123456789abcdef",
};
