// Command-line flags of the bench scripts: `--name value` pairs and bare switches.
const args = process.argv.slice(2);

/** The value after `--name`, or undefined. */
export function option(name: string): string | undefined {
  const index = args.indexOf(name);
  return index === -1 ? undefined : args[index + 1];
}

/** The number after `--name`, or `fallback`. */
export function numberOption(name: string, fallback: number): number {
  const value = option(name);
  return value === undefined ? fallback : Number(value);
}

export function flag(name: string): boolean {
  return args.includes(name);
}
