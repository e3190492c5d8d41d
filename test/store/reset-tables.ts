/** Empties the control-plane tables between contract tests; the schema stays. */
import type { SqlClient } from '../../app/store/sql-client.js';

export function resetTables(client: SqlClient): Promise<void> {
  return client.exec('delete from autodev_tasks; delete from autodev_runs; delete from autodev_deliveries;');
}
