/**
 * Helpers for code that is synchronous for synchronous estimators and asynchronous as soon as one `fit` returns a
 * Promise (the MLP trains on tfjs). One code path serves both, so results are identical either way. @internal
 */

/** A value now, or a Promise of it. */
export type MaybePromise<T> = T | Promise<T>;

/** True for Promises and other thenables. @internal */
export function isThenable(v: unknown): v is PromiseLike<unknown> {
  return (typeof v === "object" || typeof v === "function") && v !== null && typeof (v as { then?: unknown }).then === "function";
}

/** Applies `f` to `v` at once, or after `v` resolves (then the result is a Promise). @internal */
export function andThen<T, R>(v: T | PromiseLike<T>, f: (value: T) => R | PromiseLike<R>): MaybePromise<R> {
  if (isThenable(v)) return Promise.resolve(v).then(f);
  return f(v as T) as MaybePromise<R>;
}

/**
 * Calls `f` on each item in order; while every call returns a plain value this is synchronous. From the first call
 * that returns a thenable on, the remaining calls run after it resolves, one at a time, and a Promise is returned.
 * @internal
 */
export function forEachInOrder<T>(items: readonly T[], f: (item: T, index: number) => unknown): MaybePromise<void> {
  for (let i = 0; i < items.length; i++) {
    const r = f(items[i], i);
    if (isThenable(r)) {
      return (async () => {
        await r;
        for (let j = i + 1; j < items.length; j++) await f(items[j], j);
      })();
    }
  }
  return undefined;
}
