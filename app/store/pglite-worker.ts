/**
 * The worker thread that owns the embedded database. PGlite is Postgres compiled to WebAssembly and
 * runs on whichever thread calls it; here that is this thread, so a long statement never stalls the
 * main thread's event loop (webhook acknowledgements, timers). pglite-worker-client.ts is the other end.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { PGlite, type Transaction } from '@electric-sql/pglite';
import { vector } from '@electric-sql/pglite-pgvector';
import { OPENED_ID, serializeError, type PgliteRequest, type PgliteResponse } from './pglite-protocol.js';

export interface PgliteWorkerData {
  /** A folder, or `memory://` for a database that lives as long as the worker. */
  dataDir: string;
}

interface OpenTransaction {
  tx: Transaction;
  /** Settles the callback PGlite is holding open: true commits, false rolls back. */
  finish(commit: boolean): void;
  /** PGlite's transaction() promise: resolves once COMMIT or ROLLBACK has run. */
  done: Promise<void>;
}

const port = parentPort;
if (!port) throw new Error('pglite-worker must run in a worker thread; use startPgliteWorker()');

const ROLLBACK = Symbol('rollback');
const transactions = new Map<number, OpenTransaction>();
let db: PGlite;

try {
  // pgvector: the memory tables hold embeddings (supabase/migrations/*_memory.sql).
  db = await PGlite.create((workerData as PgliteWorkerData).dataDir, { extensions: { vector } });
  reply({ id: OPENED_ID, ok: true });
} catch (error) {
  reply({ id: OPENED_ID, ok: false, error: serializeError(error) });
}

port.on('message', (request: PgliteRequest) => {
  // Each request runs as soon as it arrives; PGlite's own mutexes queue the statements in arrival order,
  // and keep every statement outside a transaction waiting while that transaction is open.
  handle(request).then(
    (rows) => reply({ id: request.id, ok: true, ...(rows && { result: { rows } }) }),
    (error: unknown) => reply({ id: request.id, ok: false, error: serializeError(error) }),
  );
});

async function handle(request: PgliteRequest): Promise<unknown[] | undefined> {
  const { op, txId, sql = '', params = [] } = request;
  switch (op) {
    case 'query': {
      const target = txId === undefined ? db : openTransaction(txId).tx;
      return (await target.query(sql, [...params])).rows;
    }
    case 'exec': {
      const target = txId === undefined ? db : openTransaction(txId).tx;
      await target.exec(sql);
      return undefined;
    }
    case 'begin':
      await begin(needTxId(request));
      return undefined;
    case 'commit':
    case 'rollback': {
      const id = needTxId(request);
      const open = openTransaction(id);
      transactions.delete(id);
      open.finish(op === 'commit');
      await open.done.catch((error: unknown) => {
        if (error !== ROLLBACK) throw error;
      });
      return undefined;
    }
    case 'close':
      // Waits for the statements and transactions already under way (PGlite takes its mutexes), then
      // flushes a data folder to disk: the main thread terminates this worker only after the answer.
      await db.close();
      return undefined;
    default:
      throw new Error(`unknown operation ${String(op)}`);
  }
}

/**
 * Opens a transaction and holds PGlite's transaction() callback open until commit or rollback arrives
 * for it. PGlite then runs BEGIN, COMMIT and ROLLBACK itself, and its transaction mutex — which every
 * db.query and db.exec also takes — keeps other statements out until the transaction ends.
 */
async function begin(txId: number): Promise<void> {
  if (transactions.has(txId)) throw new Error(`transaction ${txId} is already open`);
  let finish: (commit: boolean) => void = () => undefined;
  const held = new Promise<void>((resolve, reject) => {
    finish = (commit) => (commit ? resolve() : reject(ROLLBACK));
  });
  let started: (tx: Transaction) => void = () => undefined;
  const entered = new Promise<Transaction>((resolve) => (started = resolve));
  const done = db.transaction(async (tx) => {
    started(tx);
    await held;
  });
  // BEGIN can fail (the database closed meanwhile): then `done` settles before the callback ever ran.
  const tx = await Promise.race([
    entered,
    done.then(() => Promise.reject(new Error(`transaction ${txId} ended before it began`))),
  ]);
  transactions.set(txId, { tx, finish, done });
}

function openTransaction(txId: number): OpenTransaction {
  const open = transactions.get(txId);
  if (!open) throw new Error(`transaction ${txId} is not open: it was committed or rolled back`);
  return open;
}

function needTxId(request: PgliteRequest): number {
  if (request.txId === undefined) throw new Error(`${request.op} needs a txId`);
  return request.txId;
}

function reply(response: PgliteResponse): void {
  try {
    port?.postMessage(response);
  } catch (error) {
    // A row value structured clone cannot copy must fail that one call, not leave it waiting forever.
    port?.postMessage({ id: response.id, ok: false, error: serializeError(error) } satisfies PgliteResponse);
  }
}
