// Required literals of an RE2 pattern: text one of which must occur for the pattern to match (a cheap prefilter).

const LITERAL_ESCAPES = new Set(['.', '(', ')', '[', ']', '{', '}', '*', '+', '?', '|', '^', '$', '\\', '/', '-', "'", '"', ':', '=', '<', '>', '!', '#', '&', '~', ',', '@', '%', ' ', '`', ';', '_']);
const MIN_LITERAL = 3;

function splitTopLevel(source: string): string[] | undefined {
  const branches: string[] = [];
  let depth = 0;
  let inClass = false;
  let start = 0;
  for (let index = 0; index < source.length; index += 1) {
    const char = source[index]!;
    if (char === '\\') {
      index += 1;
      continue;
    }
    if (inClass) {
      if (char === ']') inClass = false;
      continue;
    }
    if (char === '[') {
      inClass = true;
      if (source[index + 1] === '^') index += 1;
      if (source[index + 1] === ']') index += 1;
    } else if (char === '(') depth += 1;
    else if (char === ')') depth -= 1;
    else if (char === '|' && depth === 0) {
      branches.push(source.slice(start, index));
      start = index + 1;
    }
  }
  if (depth !== 0 || inClass) return undefined;
  branches.push(source.slice(start));
  return branches;
}

/** Which of two required-literal sets filters better: the one whose shortest literal is longer, then the smaller. */
function better(a: string[] | undefined, b: string[] | undefined): string[] | undefined {
  if (!a) return b;
  if (!b) return a;
  const shortest = (set: string[]): number => Math.min(...set.map((text) => text.length));
  return shortest(b) > shortest(a) || (shortest(b) === shortest(a) && b.length < a.length) ? b : a;
}

/** The inside of a group without its `?:`, `?i:`, `?P<name>` prefix. */
function groupBody(inner: string): string {
  if (!inner.startsWith('?')) return inner;
  const colon = /^\?[a-zA-Z-]*:/.exec(inner);
  if (colon) return inner.slice(colon[0].length);
  const named = /^\?P?<[^>]+>/.exec(inner);
  return named ? inner.slice(named[0].length) : inner;
}

/**
 * The best set of literals a branch requires (one of them must occur): its longest run of characters outside
 * groups and classes, or a required group whose every alternative has one; undefined when neither exists.
 */
function bestCandidate(branch: string): string[] | undefined {
  let best: string[] | undefined;
  let run = '';
  const flush = (): void => {
    if (run.length >= MIN_LITERAL) best = better(best, [run]);
    run = '';
  };
  for (let index = 0; index < branch.length; index += 1) {
    const char = branch[index]!;
    let literal: string | undefined;
    if (char === '\\') {
      const next = branch[index + 1];
      index += 1;
      if (next === undefined) break;
      if (LITERAL_ESCAPES.has(next)) literal = next;
      else if (next === 'n') literal = '\n';
      else if (next === 't') literal = '\t';
      else if (next === 'x' && /^[0-9a-fA-F]{2}$/.test(branch.slice(index + 1, index + 3))) {
        literal = String.fromCharCode(Number.parseInt(branch.slice(index + 1, index + 3), 16));
        index += 2;
      } else {
        flush();
        continue;
      }
    } else if (char === '[') {
      flush();
      let end = index + 1;
      if (branch[end] === '^') end += 1;
      if (branch[end] === ']') end += 1;
      while (end < branch.length && branch[end] !== ']') end += branch[end] === '\\' ? 2 : 1;
      index = end;
      literal = undefined;
      // a quantifier after the class belongs to the class
      continue;
    } else if (char === '(') {
      flush();
      let depth = 1;
      let end = index + 1;
      while (end < branch.length && depth > 0) {
        if (branch[end] === '\\') end += 1;
        else if (branch[end] === '(') depth += 1;
        else if (branch[end] === ')') depth -= 1;
        end += 1;
      }
      const following = branch[end];
      const optional = following === '?' || following === '*' || following === '{';
      if (!optional && depth === 0) best = better(best, requiredLiterals(groupBody(branch.slice(index + 1, end - 1))));
      index = end - 1;
      continue;
    } else if ('.^$'.includes(char)) {
      flush();
      continue;
    } else if (char === '?' || char === '*' || char === '{') {
      // the previous character was optional or repeated: drop it from the run
      run = run.slice(0, -1);
      flush();
      if (char === '{') while (index < branch.length && branch[index] !== '}') index += 1;
      continue;
    } else if (char === '+') {
      flush();
      continue;
    } else literal = char;
    const following = branch[index + 1];
    if (following === '?' || following === '*' || following === '{') {
      flush();
      continue;
    }
    run += literal;
  }
  flush();
  return best;
}

/**
 * Lower-cased literals of which at least one occurs in every text the pattern matches, or undefined when the
 * pattern has a branch without a usable literal (then the pattern is always run).
 */
export function requiredLiterals(source: string): string[] | undefined {
  if (/\(\?[a-zA-Z-]*\)/.test(source)) return undefined; // flag groups change matching globally: do not guess
  const branches = splitTopLevel(source);
  if (!branches) return undefined;
  const literals: string[] = [];
  for (const branch of branches) {
    const candidate = bestCandidate(branch);
    if (!candidate) return undefined;
    literals.push(...candidate.map((text) => text.toLowerCase()));
  }
  return [...new Set(literals)];
}
