/** Who may ask autodev for work: a pure decision over the repository permission and the config. */
import type { AutodevConfig } from '../config/config-schema.js';
import { PERMISSION_LEVELS, type PermissionLevel } from '../scm/scm.js';

export type Authorization = { allowed: true } | { allowed: false; reason: string };

export function permissionAtLeast(actual: PermissionLevel, minimum: PermissionLevel): boolean {
  return PERMISSION_LEVELS.indexOf(actual) >= PERMISSION_LEVELS.indexOf(minimum);
}

export function authorize(
  actor: string,
  permission: PermissionLevel,
  config: Pick<AutodevConfig, 'minPermission' | 'allowedBots'>,
): Authorization {
  // An allowlisted bot is trusted explicitly by the maintainers who wrote the config.
  if (config.allowedBots.includes(actor)) return { allowed: true };
  if (permissionAtLeast(permission, config.minPermission)) return { allowed: true };
  return {
    allowed: false,
    reason: `@${actor} has ${permission} permission on this repository; autodev needs ${config.minPermission} or higher.`,
  };
}
