/** PGlite served over the Postgres wire protocol, safe for several concurrent connections. */
import { createServer, connect, type Socket } from 'node:net';
import { PGlite } from '@electric-sql/pglite';
import { vector } from '@electric-sql/pglite-pgvector';
import { PGLiteSocketServer } from '@electric-sql/pglite-socket';

export interface WireServer {
  /** postgresql:// URL to give node-postgres. */
  url: string;
  db: PGlite;
  stop(): Promise<void>;
}

const READY_FOR_QUERY = 0x5a; // 'Z'
const IDLE = 0x49; // 'I': not inside a transaction block

/**
 * PGLiteSocketServer accepts several connections (maxConnections, default 1) but multiplexes them one
 * protocol message at a time, and only keeps a connection exclusive inside an explicit transaction. An
 * extended-protocol query (Parse, Bind, Execute, Sync) from one connection can therefore interleave with
 * another's and fail with "unnamed prepared statement does not exist". This guard in front of it lets one
 * client connection talk from its first byte until the server reports ReadyForQuery idle — the isolation a
 * real Postgres session has — so node-postgres pools of any size behave.
 */
export async function startWireServer(): Promise<WireServer> {
  const db = await PGlite.create({ extensions: { vector } });
  const inner = new PGLiteSocketServer({ db, host: '127.0.0.1', port: 0, maxConnections: 100 });
  await inner.start();
  const innerPort = Number(inner.getServerConn().split(':')[1]);
  const acquire = mutex();
  const sockets = new Set<Socket>();

  const guard = createServer((client) => {
    const upstream = connect(innerPort, '127.0.0.1');
    sockets.add(client).add(upstream);
    let release: (() => void) | undefined;
    let waiting: Buffer[] | undefined;
    let closed = false;
    const unlock = () => {
      const r = release;
      release = undefined;
      r?.();
    };

    client.on('data', (chunk) => {
      if (release) return void upstream.write(chunk);
      if (waiting) return void waiting.push(chunk);
      waiting = [chunk];
      void acquire().then((r) => {
        release = r;
        const queued = waiting ?? [];
        waiting = undefined;
        if (closed) return unlock();
        for (const buffered of queued) upstream.write(buffered);
      });
    });

    let pending = Buffer.alloc(0);
    upstream.on('data', (chunk) => {
      client.write(chunk);
      pending = Buffer.concat([pending, chunk]);
      while (pending.length >= 5) {
        const length = 1 + pending.readInt32BE(1);
        if (pending.length < length) break;
        if (pending[0] === READY_FOR_QUERY && pending[5] === IDLE) unlock();
        pending = pending.subarray(length);
      }
    });

    const close = () => {
      closed = true;
      unlock();
      client.destroy();
      upstream.destroy();
      sockets.delete(client);
      sockets.delete(upstream);
    };
    for (const socket of [client, upstream]) {
      socket.on('close', close);
      socket.on('error', close);
    }
  });

  await new Promise<void>((done) => guard.listen(0, '127.0.0.1', done));
  const address = guard.address();
  if (address === null || typeof address === 'string') throw new Error('the guard has no TCP address');

  return {
    url: `postgresql://postgres:postgres@127.0.0.1:${address.port}/postgres`,
    db,
    stop: async () => {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((done) => guard.close(() => done()));
      await inner.stop();
      await db.close();
    },
  };
}

/** A FIFO lock: each call resolves, in turn, to the function that hands the lock on. */
function mutex(): () => Promise<() => void> {
  let tail = Promise.resolve();
  return () => {
    let release!: () => void;
    const held = new Promise<void>((done) => (release = done));
    const turn = tail.then(() => release);
    tail = tail.then(() => held);
    return turn;
  };
}
