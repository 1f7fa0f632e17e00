#!/usr/bin/env node
// Entry point of the `fracas` command: runs the compiled CLI in dist/ (built by `npm run build`), or in a clone without a build the TypeScript sources through tsx.
import { existsSync, readdirSync, statSync } from 'node:fs';

// A reader that stops early (`fracas templates x.log | head`) closes the pipe: that ends the run quietly, as in other tools.
for (const stream of [process.stdout, process.stderr]) {
  stream.on('error', (error) => {
    if (error.code === 'EPIPE') process.exit(process.exitCode ?? 0);
    throw error;
  });
}

const compiled = new URL('../dist/cli.js', import.meta.url);
const sources = new URL('../src/', import.meta.url);

/** In a clone, sources edited after the last build run from source (through tsx) instead of the stale dist/. */
function distIsCurrent() {
  if (!existsSync(compiled)) return false;
  if (!existsSync(sources)) return true;
  const built = statSync(compiled).mtimeMs;
  return !readdirSync(sources, { recursive: true }).some((name) => statSync(new URL(name, sources)).mtimeMs > built);
}

let cli;
if (distIsCurrent()) {
  cli = await import(compiled.href);
} else {
  try {
    const { register } = await import('tsx/esm/api');
    register();
  } catch {
    process.stderr.write('fracas: the compiled CLI (dist/) is missing: run `npm run build` in the fracas directory.\n');
    process.exit(1);
  }
  cli = await import('../src/cli.ts');
}
process.exitCode = await cli.main(process.argv);
