/**
 * A labelled retrieval set: what a repository's memory might hold after some months of autodev runs,
 * and questions an agent or planner would ask, each worded differently from the memory that answers it.
 */
import type { MemoryKind } from '../../app/memory/memory-store.js';

export interface LabelledMemory {
  label: string;
  kind: MemoryKind;
  content: string;
}

export interface LabelledQuery {
  query: string;
  /** The memory that should come first. */
  expect: string;
}

export const LABELLED_MEMORIES: readonly LabelledMemory[] = [
  {
    label: 'pnpm',
    kind: 'convention',
    content: 'Install dependencies with pnpm; npm and yarn lockfiles are rejected by CI.',
  },
  {
    label: 'node-version',
    kind: 'convention',
    content: 'The project targets Node 20 LTS; the .nvmrc file pins the exact release.',
  },
  {
    label: 'esm-only',
    kind: 'convention',
    content: 'All packages are ES modules: import paths carry the .js suffix even in TypeScript sources.',
  },
  {
    label: 'vitest',
    kind: 'convention',
    content: 'Unit tests use Vitest and live next to the source file as *.spec.ts.',
  },
  {
    label: 'e2e-playwright',
    kind: 'pattern',
    content: 'End-to-end browser tests run with Playwright against the preview deployment.',
  },
  {
    label: 'flaky-e2e',
    kind: 'failure',
    content: 'The checkout e2e spec is flaky on CI because the payment iframe loads slowly; retry it twice.',
  },
  {
    label: 'migrations-tool',
    kind: 'architecture',
    content: 'Database schema changes are SQL migration files under db/migrations applied by dbmate.',
  },
  {
    label: 'migration-naming',
    kind: 'convention',
    content: 'Name each migration file with a UTC timestamp prefix and a snake_case description.',
  },
  {
    label: 'postgres-choice',
    kind: 'decision',
    content: 'We chose PostgreSQL over MongoDB for relational integrity and transactional guarantees.',
  },
  {
    label: 'orm',
    kind: 'decision',
    content: 'Queries are written with Kysely, a typed SQL query builder; no ORM entities.',
  },
  {
    label: 'redis-cache',
    kind: 'architecture',
    content: 'Redis caches rendered product pages for five minutes; keys are prefixed with page:.',
  },
  {
    label: 'cache-invalidation',
    kind: 'learning',
    content:
      'Stale prices appeared after editing a product because the Redis page key was not purged on update.',
  },
  {
    label: 'auth-jwt',
    kind: 'architecture',
    content:
      'Authentication uses short-lived JWT access tokens with rotating refresh tokens stored in httpOnly cookies.',
  },
  {
    label: 'auth-middleware',
    kind: 'pattern',
    content:
      'Protect a route by wrapping its handler in requireSession(); never read cookies in handlers directly.',
  },
  {
    label: 'password-hashing',
    kind: 'decision',
    content: 'Passwords are hashed with argon2id; bcrypt was dropped for its 72 byte input limit.',
  },
  {
    label: 'logging',
    kind: 'convention',
    content: 'Log through the pino logger from src/log.ts with structured fields, never console.log.',
  },
  {
    label: 'log-secrets',
    kind: 'failure',
    content:
      'A run leaked the Stripe secret key into logs by logging the whole config object; redact secrets.',
  },
  {
    label: 'error-classes',
    kind: 'pattern',
    content:
      'Throw subclasses of AppError with an http status and a user-facing message; the error handler maps them.',
  },
  {
    label: 'api-style',
    kind: 'convention',
    content: 'REST endpoints use plural nouns and kebab-case paths, e.g. /order-items/{id}.',
  },
  {
    label: 'api-versioning',
    kind: 'decision',
    content: 'Breaking API changes get a new /v2 prefix; v1 stays for twelve months.',
  },
  {
    label: 'pagination',
    kind: 'pattern',
    content: 'List endpoints paginate with opaque cursors, not page numbers or offsets.',
  },
  {
    label: 'openapi',
    kind: 'architecture',
    content:
      'The OpenAPI description in api/openapi.yaml is the source of truth; clients are generated from it.',
  },
  {
    label: 'ci-workflow',
    kind: 'architecture',
    content: 'GitHub Actions workflow ci.yml runs lint, typecheck and tests on every pull request.',
  },
  {
    label: 'ci-cache',
    kind: 'learning',
    content: 'Caching the pnpm store in GitHub Actions cut CI time from nine minutes to four.',
  },
  {
    label: 'deploy',
    kind: 'architecture',
    content: 'Merges to main deploy to Fly.io automatically; production deploys need a manual approval.',
  },
  {
    label: 'docker-image',
    kind: 'pattern',
    content: 'The Dockerfile is multi-stage: build with the full image, ship on distroless.',
  },
  {
    label: 'feature-flags',
    kind: 'pattern',
    content: 'New features ship behind LaunchDarkly feature flags named team.feature-name.',
  },
  {
    label: 'i18n',
    kind: 'convention',
    content:
      'User-visible strings go through t() with keys in locales/en.json; no hard-coded English in components.',
  },
  {
    label: 'react-components',
    kind: 'convention',
    content: 'React components are function components in PascalCase files with co-located CSS modules.',
  },
  {
    label: 'state-management',
    kind: 'decision',
    content: 'Client state uses Zustand stores; Redux was removed in 2025 for its boilerplate.',
  },
  {
    label: 'data-fetching',
    kind: 'pattern',
    content: 'Fetch server data with TanStack Query hooks; components never call fetch themselves.',
  },
  {
    label: 'accessibility',
    kind: 'convention',
    content: 'Every interactive element needs an accessible name; axe checks run in the component tests.',
  },
  {
    label: 'dates',
    kind: 'convention',
    content:
      'Store timestamps in UTC and format them with date-fns in the user timezone only when displaying.',
  },
  {
    label: 'money',
    kind: 'convention',
    content: 'Money amounts are integers in minor units (cents) with an ISO currency code, never floats.',
  },
  {
    label: 'stripe-webhooks',
    kind: 'pattern',
    content: 'Stripe webhooks are verified with the signing secret and processed idempotently by event id.',
  },
  {
    label: 'email',
    kind: 'architecture',
    content: 'Transactional email goes through Postmark templates; the queue worker sends them.',
  },
  {
    label: 'queue',
    kind: 'architecture',
    content: 'Background jobs run on BullMQ queues backed by Redis; each job type has its own worker file.',
  },
  {
    label: 'job-retries',
    kind: 'learning',
    content:
      'Jobs that call third-party APIs need exponential backoff; fixed retries overwhelmed the shipping provider.',
  },
  {
    label: 'search',
    kind: 'architecture',
    content: 'Product search is served by Meilisearch, reindexed nightly and on product update events.',
  },
  {
    label: 'image-upload',
    kind: 'pattern',
    content: 'Images upload straight to S3 with presigned URLs; the server never proxies file bytes.',
  },
  {
    label: 'rate-limit',
    kind: 'decision',
    content:
      'The public API is rate limited to 100 requests per minute per key with a token bucket in Redis.',
  },
  {
    label: 'monorepo',
    kind: 'architecture',
    content: 'The repository is a Turborepo monorepo: apps/web, apps/api and shared packages/ui.',
  },
  {
    label: 'lint-rules',
    kind: 'convention',
    content: 'ESLint forbids default exports and enforces import ordering; run pnpm lint --fix.',
  },
  {
    label: 'commit-style',
    kind: 'convention',
    content: 'Commit messages follow Conventional Commits: feat:, fix:, chore: prefixes.',
  },
  {
    label: 'typescript-strict',
    kind: 'convention',
    content: 'TypeScript strict mode with noUncheckedIndexedAccess; any is banned except in test doubles.',
  },
  {
    label: 'env-config',
    kind: 'pattern',
    content: 'Environment variables are parsed once at startup with a zod schema in src/env.ts.',
  },
  {
    label: 'timeout-failure',
    kind: 'failure',
    content: 'The coder agent timed out on the large invoice refactor; split tasks over 400 changed lines.',
  },
  {
    label: 'merge-conflict',
    kind: 'failure',
    content:
      'Two parallel tasks both edited routes/index.ts and conflicted; give shared registries to one task.',
  },
  {
    label: 'success-tdd',
    kind: 'success',
    content:
      'Writing the failing test first made the discount calculation task pass review on the first try.',
  },
  {
    label: 'dependency-lodash',
    kind: 'dependency',
    content: 'lodash is being phased out; prefer native array and object methods in new code.',
  },
  {
    label: 'dependency-sharp',
    kind: 'dependency',
    content: 'sharp needs the linux-x64 prebuilt binary; install fails on Alpine without libc6-compat.',
  },
  {
    label: 'websocket',
    kind: 'architecture',
    content:
      'Live order status reaches browsers over a WebSocket channel per order served by the realtime service.',
  },
  {
    label: 'analytics',
    kind: 'decision',
    content: 'Product analytics go to PostHog; no Google Analytics because of the consent requirements.',
  },
  {
    label: 'backup',
    kind: 'learning',
    content: 'Restoring the nightly database backup takes forty minutes; test the restore every quarter.',
  },
];

export const LABELLED_QUERIES: readonly LabelledQuery[] = [
  { query: 'which tool installs the project dependencies?', expect: 'pnpm' },
  { query: 'where do the unit spec files go and what test runner?', expect: 'vitest' },
  { query: 'how do I add a column to a table in the database schema', expect: 'migrations-tool' },
  { query: 'product prices were outdated in the cached page after an edit', expect: 'cache-invalidation' },
  { query: 'make an endpoint require a logged-in session', expect: 'auth-middleware' },
  { query: 'what algorithm hashes user passwords', expect: 'password-hashing' },
  { query: 'printing debug output: console or a logger?', expect: 'logging' },
  { query: 'secret keys showed up in the logs', expect: 'log-secrets' },
  { query: 'paginating a list endpoint', expect: 'pagination' },
  { query: 'ship a breaking change to the API', expect: 'api-versioning' },
  { query: 'how does code get deployed to production', expect: 'deploy' },
  { query: 'translate strings shown to users', expect: 'i18n' },
  { query: 'representing prices and currency amounts', expect: 'money' },
  { query: 'handle incoming webhook events from Stripe', expect: 'stripe-webhooks' },
  { query: 'third-party API calls from background jobs keep failing; how to retry', expect: 'job-retries' },
  { query: 'users uploading photos and other files', expect: 'image-upload' },
  { query: 'throttle requests so one key cannot flood the API', expect: 'rate-limit' },
  { query: 'format of commit messages', expect: 'commit-style' },
  { query: 'reading environment variables and configuration', expect: 'env-config' },
  { query: 'agent ran out of time on a big refactoring task', expect: 'timeout-failure' },
  { query: 'parallel tasks produced merge conflicts', expect: 'merge-conflict' },
  {
    query: 'resizing images with sharp fails to install in the Alpine container',
    expect: 'dependency-sharp',
  },
  { query: 'timezone handling for timestamps', expect: 'dates' },
  { query: 'which store holds client-side state in the React app', expect: 'state-management' },
  { query: 'speed up the CI pipeline', expect: 'ci-cache' },
];
