// Turns zod issues into field errors a portal can show next to the offending cell:
// `properties[12].loan.balance: must be >= 0`.
import type { z } from 'zod';

export interface FieldError {
  /** JavaScript-style path: `properties[12].loan.balance`; empty for the whole body. */
  path: string;
  message: string;
}

/** Default cap on reported errors: a 100,000-row file with one bad column should not yield 100,000 lines. */
export const MAX_REPORTED_ERRORS = 100;

export function formatPath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const segment of path) {
    if (typeof segment === 'number') out += `[${segment}]`;
    else out += out === '' ? String(segment) : `.${String(segment)}`;
  }
  return out;
}

function issueMessage(issue: z.core.$ZodIssue): string {
  if (issue.code === 'unrecognized_keys') {
    const keys = issue.keys.map((k) => `'${k}'`).join(', ');
    return `unknown field${issue.keys.length > 1 ? 's' : ''} ${keys}`;
  }
  return issue.message;
}

export interface FormattedErrors {
  errors: FieldError[];
  /** Total number of problems found; more than `errors.length` when the list was capped. */
  totalErrors: number;
}

/** Field errors in document order, at most `limit` of them. */
export function formatIssues(error: z.ZodError, limit = MAX_REPORTED_ERRORS): FormattedErrors {
  const errors = error.issues
    .slice(0, limit)
    .map((issue) => ({ path: formatPath(issue.path), message: issueMessage(issue) }));
  return { errors, totalErrors: error.issues.length };
}
