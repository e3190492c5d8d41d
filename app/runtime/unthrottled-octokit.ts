/**
 * Probot's octokit without throttling or retries, for the sandbox and tests. The throttle spaces
 * writes a second apart to respect GitHub's secondary rate limits; against the local simulator it
 * only makes everything slow. Passing `{ throttle: { enabled: false } }` through
 * `ProbotOctokit.defaults({...})` is not enough: Probot merges its own throttle options over it, so
 * the switch is applied last, to the final options.
 */
import { ProbotOctokit } from 'probot';

export const UnthrottledOctokit = ProbotOctokit.defaults((options: Record<string, unknown>) => ({
  ...options,
  throttle: { ...(options.throttle as object | undefined), enabled: false },
  retry: { enabled: false },
})) as typeof ProbotOctokit;
