/** Entry point of the bundle (dist/index.js); run() reports its own errors through core.setFailed. */
import { run } from './main.js';

await run();
