/** A minimal server-sent-events reader over node:http, for watching /dashboard/events from tests. */
import { get, type IncomingMessage } from 'node:http';

export interface EventStream {
  status: number;
  headers: IncomingMessage['headers'];
  /** The next `event: <name>` frame's data, parsed as JSON. */
  next<T = unknown>(name: string, timeoutMs?: number): Promise<T>;
  close(): void;
}

export function openEventStream(url: string, headers: Record<string, string>): Promise<EventStream> {
  return new Promise((resolve, reject) => {
    const request = get(url, { headers: { accept: 'text/event-stream', ...headers } }, (response) => {
      const frames: { event: string; data: string }[] = [];
      const waiters: (() => void)[] = [];
      let buffer = '';
      response.setEncoding('utf8');
      // Closing the stream from this side aborts the response; that is expected, not a failure.
      response.on('error', () => {});
      response.on('data', (chunk: string) => {
        buffer += chunk;
        let end: number;
        while ((end = buffer.indexOf('\n\n')) >= 0) {
          const frame = buffer.slice(0, end);
          buffer = buffer.slice(end + 2);
          const event = /^event: (.*)$/m.exec(frame)?.[1];
          const data = frame
            .split('\n')
            .filter((line) => line.startsWith('data: '))
            .map((line) => line.slice(6))
            .join('\n');
          if (event) frames.push({ event, data });
        }
        for (const wake of waiters.splice(0)) wake();
      });
      resolve({
        status: response.statusCode ?? 0,
        headers: response.headers,
        async next<T>(name: string, timeoutMs = 5000): Promise<T> {
          const deadline = Date.now() + timeoutMs;
          for (;;) {
            const index = frames.findIndex((f) => f.event === name);
            if (index >= 0) return JSON.parse(frames.splice(index, 1)[0]!.data) as T;
            const left = deadline - Date.now();
            if (left <= 0) throw new Error(`no "${name}" event within ${timeoutMs} ms`);
            await new Promise<void>((wake) => {
              const timer = setTimeout(wake, left);
              waiters.push(() => {
                clearTimeout(timer);
                wake();
              });
            });
          }
        },
        close() {
          // The socket itself too: where another test file in this worker left an HTTP interceptor
          // (nock) installed, destroying the request alone does not reach the connection.
          response.destroy();
          request.destroy();
          response.socket?.destroy();
        },
      });
    });
    request.on('error', reject);
  });
}
