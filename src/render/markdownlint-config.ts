// The markdownlint rules the generated deliverables are held to (the combined document holds four top-level titles).
import type { Configuration } from 'markdownlint';

export const MARKDOWNLINT_CONFIG: Configuration = {
  default: true,
  MD013: false,
  // Code excerpts are shown as written, tabs included (Go, Makefiles).
  MD010: { code_blocks: false },
  MD025: false,
  MD024: { siblings_only: true },
  MD033: { allowed_elements: ['details', 'summary'] },
};
