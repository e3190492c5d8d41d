/**
 * The JSON Schema editors use to check `.github/autodev.yml` as people type, generated from the zod
 * schema so the two cannot disagree. `npm run schema` rewrites the committed copy next to this file;
 * a test fails when that copy is stale.
 */
import { realpathSync, writeFileSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { z } from 'zod';
import { autodevConfigSchema } from './config-schema.js';

// A URN rather than a URL: the schema has no canonical web address until the repo's home is settled.
export const CONFIG_SCHEMA_ID = 'urn:autodev:config-schema';
export const CONFIG_SCHEMA_FILE = fileURLToPath(new URL('./autodev.schema.json', import.meta.url));

export function configJsonSchema(): object {
  // `io: 'input'` describes the file as written, where every key with a default may be left out.
  const { $schema, ...rest } = z.toJSONSchema(autodevConfigSchema, { io: 'input' });
  return {
    $schema,
    $id: CONFIG_SCHEMA_ID,
    title: 'autodev configuration (.github/autodev.yml)',
    description:
      'Repository settings for the autodev bot. Every key is optional; a missing file means all defaults.',
    ...rest,
  };
}

async function main(): Promise<void> {
  const json = `${JSON.stringify(configJsonSchema(), null, 2)}\n`;
  // Formatted the way `prettier --check .` expects, so the committed file passes lint. Imported
  // lazily because prettier is a dev tool and configJsonSchema() must not depend on it.
  const prettier = await import('prettier');
  const options = await prettier.resolveConfig(CONFIG_SCHEMA_FILE);
  writeFileSync(
    CONFIG_SCHEMA_FILE,
    await prettier.format(json, { ...options, filepath: CONFIG_SCHEMA_FILE }),
  );
  console.log(`wrote ${CONFIG_SCHEMA_FILE}`);
}

function isScript(): boolean {
  const entry = process.argv[1];
  if (!entry) return false;
  try {
    return import.meta.url === pathToFileURL(realpathSync(entry)).href;
  } catch {
    return false;
  }
}

if (isScript()) await main();
