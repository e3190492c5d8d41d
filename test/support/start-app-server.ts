/** The local app server with a throwaway key, for tests and benchmarks. */
import { generateKeyPairSync } from 'node:crypto';
import type { AutodevOptions } from '../../app/index.js';
import { type LocalAppServer, startLocalAppServer } from '../../app/runtime/local-app-server.js';

let sharedKey: string | undefined;

/** One RSA key per process: the simulator accepts any well-formed app JWT. */
export function testPrivateKey(): string {
  sharedKey ??= generateKeyPairSync('rsa', {
    modulusLength: 2048,
    privateKeyEncoding: { type: 'pkcs1', format: 'pem' },
    publicKeyEncoding: { type: 'spki', format: 'pem' },
  }).privateKey;
  return sharedKey;
}

export function startAppServer(options: {
  baseUrl: string;
  secret: string;
  appId?: number;
  app: AutodevOptions;
}): Promise<LocalAppServer> {
  return startLocalAppServer({ ...options, privateKey: testPrivateKey() });
}
