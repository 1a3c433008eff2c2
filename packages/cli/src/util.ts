import { InvalidArgumentError } from 'commander';

/** The keys of T whose type admits undefined. */
type UndefKeys<T> = { [K in keyof T]-?: undefined extends T[K] ? K : never }[keyof T];

/** T with every possibly-undefined property made optional and undefined-free (for exactOptionalPropertyTypes). */
export type Compact<T> = { [K in Exclude<keyof T, UndefKeys<T>>]: T[K] } & {
  [K in UndefKeys<T>]?: Exclude<T[K], undefined>;
};

/** Drops properties whose value is undefined. */
export function compact<T extends object>(o: T): Compact<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Compact<T>;
}

/** Commander parser for a TCP port (0 = any free port). */
export function parsePort(value: string): number {
  const n = Number(value);
  if (!/^\d+$/.test(value) || n > 65535) throw new InvalidArgumentError('expected a port number 0..65535');
  return n;
}

/** Commander parser for a positive integer. */
export function parsePositiveInt(value: string): number {
  const n = Number(value);
  if (!/^\d+$/.test(value) || !Number.isSafeInteger(n) || n < 1) {
    throw new InvalidArgumentError('expected a positive integer');
  }
  return n;
}

/** Commander collector for repeatable options. */
export function collect(value: string, previous: string[] = []): string[] {
  return [...previous, value];
}
