/**
 * A SqlClient whose PGlite runs in a worker thread (pglite-worker.ts). PGlite executes its WebAssembly
 * on the calling thread; in-thread, recording a burst of webhook deliveries blocked the event loop for
 * tens of milliseconds at a time and pushed acknowledgement latency up. Here the main thread only posts
 * messages and copies rows.
 */
import { Worker } from 'node:worker_threads';
import { OPENED_ID, deserializeError, type PgliteRequest, type PgliteResponse } from './pglite-protocol.js';
import type { PgliteWorkerData } from './pglite-worker.js';
import type { SqlClient, SqlQueryable } from './sql-client.js';

export interface PgliteWorkerOptions {
  /** A folder, or `memory://` for an in-memory database. */
  dataDir: string;
}

/** Starts a worker, opens PGlite at `dataDir` in it, and answers a client once the database is open. */
export async function startPgliteWorker(options: PgliteWorkerOptions): Promise<SqlClient> {
  return connectPgliteWorker(spawnPgliteWorker(options));
}

/** The worker thread alone, for callers (tests) that need to hold it; connectPgliteWorker talks to it. */
export function spawnPgliteWorker(options: PgliteWorkerOptions): Worker {
  const workerData: PgliteWorkerData = { dataDir: options.dataDir };
  // Compiled, this module is lib/app/store/pglite-worker-client.js and the worker a .js beside it. From
  // the TypeScript sources (ts-jest, tsx) the worker is a .ts file, which a worker thread cannot load by
  // itself: Node 20 does not pass `--import tsx` hooks on to workers, so the worker registers tsx first.
  if (!import.meta.url.endsWith('.ts')) {
    return new Worker(new URL('./pglite-worker.js', import.meta.url), { workerData });
  }
  const tsx = import.meta.resolve('tsx/esm/api');
  const entry = new URL('./pglite-worker.ts', import.meta.url).href;
  const bootstrap = `import(${JSON.stringify(tsx)})
    .then((tsx) => { tsx.register(); return import(${JSON.stringify(entry)}); })`;
  return new Worker(bootstrap, { eval: true, workerData });
}

interface Pending {
  resolve(response: { rows: unknown[] } | undefined): void;
  reject(error: Error): void;
  callSite: Error;
}

/** Waits for the worker to open its database and answers the client that talks to it. */
export async function connectPgliteWorker(worker: Worker): Promise<SqlClient> {
  const pending = new Map<number, Pending>();
  let nextId = OPENED_ID + 1;
  let nextTxId = 1;
  let stopped: Error | undefined;
  let closing: Promise<void> | undefined;

  // An idle worker must not keep the process alive (in-thread PGlite does not): it holds the event loop
  // only while an answer is awaited.
  const holdLoop = () => (pending.size > 0 ? worker.ref() : worker.unref());

  const opened = new Promise<void>((resolve, reject) => {
    pending.set(OPENED_ID, { resolve: () => resolve(), reject, callSite: new Error() });
  });

  let lastError: Error | undefined;
  worker.on('error', (error) => (lastError = error));
  worker.on('message', (response: PgliteResponse) => {
    const call = pending.get(response.id);
    if (!call) return;
    pending.delete(response.id);
    holdLoop();
    if (response.ok) call.resolve(response.result);
    else call.reject(deserializeError(response.error, call.callSite));
  });
  worker.on('exit', (code) => {
    const reason = closing ? 'it was closed' : (lastError?.message ?? `its thread exited with code ${code}`);
    stopped = new Error(`the embedded database stopped: ${reason}`, { cause: lastError });
    for (const call of pending.values()) call.reject(stopped);
    pending.clear();
  });

  const send = (request: Omit<PgliteRequest, 'id'>): Promise<{ rows: unknown[] } | undefined> => {
    const callSite = new Error();
    return new Promise((resolve, reject) => {
      if (stopped) return reject(stopped);
      const id = nextId++;
      try {
        worker.postMessage({ ...request, id } satisfies PgliteRequest);
      } catch (error) {
        // A parameter structured clone cannot copy (a function, a symbol).
        return reject(error instanceof Error ? error : new Error(String(error)));
      }
      pending.set(id, { resolve, reject, callSite });
      holdLoop();
    });
  };
  // Statements of a transaction already open may still run while closing; anything new may not.
  const sendNew = (request: Omit<PgliteRequest, 'id'>) =>
    closing ? Promise.reject(new Error('the embedded database is closed')) : send(request);

  try {
    holdLoop();
    await opened;
  } catch (error) {
    await worker.terminate();
    throw error;
  }

  return {
    ...queryable(sendNew),
    transaction: async (fn) => {
      const txId = nextTxId++;
      await sendNew({ op: 'begin', txId });
      let result;
      try {
        result = await fn(transactionClient(send, txId));
      } catch (error) {
        // The worker may have stopped; the caller's error is the one worth seeing.
        await send({ op: 'rollback', txId }).catch(() => undefined);
        throw error;
      }
      await send({ op: 'commit', txId });
      return result;
    },
    close: () =>
      (closing ??= (async () => {
        try {
          if (!stopped) await send({ op: 'close' });
        } finally {
          await worker.terminate();
        }
      })()),
  };
}

type Send = (request: Omit<PgliteRequest, 'id'>) => Promise<{ rows: unknown[] } | undefined>;

function queryable(send: Send, txId?: number): SqlQueryable {
  return {
    query: async <T>(sql: string, params: readonly unknown[] = []) => {
      const result = await send({ op: 'query', sql, params, ...(txId !== undefined && { txId }) });
      return { rows: (result?.rows ?? []) as T[] };
    },
    exec: async (sql) => {
      await send({ op: 'exec', sql, ...(txId !== undefined && { txId }) });
    },
  };
}

/**
 * The client a transaction's callback gets. A nested transaction() on it runs on the same transaction:
 * the worker holds one transaction per caller, and a second BEGIN would wait behind the first forever.
 */
function transactionClient(send: Send, txId: number): SqlClient {
  const client: SqlClient = {
    ...queryable(send, txId),
    transaction: (fn) => fn(client),
    close: () => Promise.reject(new Error('close the client, not a transaction')),
  };
  return client;
}
