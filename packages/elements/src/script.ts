const scripts = new Map<string, Promise<unknown>>();

/**
 * Adds `<script src>` and resolves to what it put on the page (`read()`); when that is already
 * there, loads nothing. One promise per URL: asked twice, it loads once; a failure (or 30 s of
 * nothing) rejects with `script_failed`, and the next ask tries again.
 */
export function loadScript<T>(src: string, read: () => T | undefined): Promise<T> {
  const ready = read();
  if (ready) return Promise.resolve(ready);
  let loading = scripts.get(src) as Promise<T> | undefined;
  if (!loading) {
    loading = new Promise<T>((resolve, reject) => {
      const script = document.createElement("script");
      const failed = () => {
        scripts.delete(src);
        reject(Object.assign(new Error(`could not load ${src}`), { code: "script_failed" }));
      };
      script.src = src;
      script.async = true;
      script.onload = () => {
        clearTimeout(timer);
        const loaded = read();
        if (loaded) resolve(loaded);
        else failed();
      };
      script.onerror = failed;
      const timer = setTimeout(failed, 30_000);
      document.head.append(script);
    });
    scripts.set(src, loading);
  }
  return loading;
}
