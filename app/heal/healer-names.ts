/** The deterministic healers by name, as `autoFix.healers` in .github/autodev.yml lists them. */

export const HEALER_NAMES = ['prettier', 'eslint', 'missing-dependency', 'lockfile', 'snapshots'] as const;
export type HealerName = (typeof HEALER_NAMES)[number];
