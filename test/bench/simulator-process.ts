/**
 * Runs the GitHub simulator in its own process for benchmarks: in production GitHub's API is another
 * machine, so its work (including the OpenAPI checks) must not share the app's event loop.
 * Prints the URL on the first line of stdout; exits when stdin closes.
 */
import { readFileSync } from 'node:fs';
import { startGitHubSimulator, type SimulatorSeed } from '../sandbox/github-simulator.js';

const seed = JSON.parse(readFileSync(process.argv[2] ?? '', 'utf8')) as SimulatorSeed;
const github = await startGitHubSimulator({ seed, port: 0 });
process.stdout.write(`${github.url}\n`);
process.stdin.resume();
process.stdin.on('end', () => void github.close().finally(() => process.exit(0)));
