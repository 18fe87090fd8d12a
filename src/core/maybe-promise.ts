/**
 * A value now or later. Expressions on the fast path answer synchronously; awaiting them anyway
 * would put every message of a flow through the microtask queue once per step, which costs more
 * than the expressions themselves. Steps therefore stay synchronous until something is not.
 */
export type MaybePromise<T> = T | Promise<T>;

/** `next(value)`, at once when the value is there, else when it arrives. */
export function whenReady<T, R>(value: MaybePromise<T>, next: (value: T) => MaybePromise<R>): MaybePromise<R> {
  return value instanceof Promise ? value.then(next) : next(value);
}

/** The values, at once when none is pending. */
export function allReady<T>(values: MaybePromise<T>[]): MaybePromise<T[]> {
  return values.some((value) => value instanceof Promise) ? Promise.all(values) : (values as T[]);
}
