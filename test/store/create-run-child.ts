/**
 * A second process for two-processes.test.ts: opens the store at argv[2], says it is ready, waits for "go"
 * on stdin, then records and creates a run for deliveries `<argv[3]>-0` … `-<argv[4]-1>`, printing JSON lines.
 */
import { createInterface } from 'node:readline';
import { newRun } from '../../app/runs/transitions.js';
import { openStore } from '../../app/store/open-store.js';
import { aTrigger } from '../runs/run-fixtures.js';

const [databaseUrl, prefix = 'delivery', countText = '1'] = process.argv.slice(2);
const store = await openStore({ databaseUrl });
const input = createInterface({ input: process.stdin });
const say = (message: object) => process.stdout.write(`${JSON.stringify(message)}\n`);

say({ ready: true });
for await (const line of input) if (line.trim() === 'go') break;
input.close();

const results = await Promise.all(
  Array.from({ length: Number(countText) }, async (_, i) => {
    const deliveryId = `${prefix}-${i}`;
    const recorded = await store.recordDelivery({
      id: deliveryId,
      event: 'issues',
      repo: 'acme/widgets',
      payload: {},
    });
    const run = newRun({
      repo: { owner: 'acme', repo: 'widgets' },
      issueNumber: i + 1,
      deliveryId,
      trigger: aTrigger(),
      now: new Date(),
    });
    const result = await store.createRun(run);
    return { deliveryId, recorded, created: result.created, runId: result.run.id };
  }),
);
say({ pid: process.pid, results });
await store.close();
