/**
 * The broken projects behind the real-log corpus (test/fixtures/ci-logs): for each case, the files of a
 * small project, the workflow steps that run on it, and what the failure analyser must make of the log.
 * make-ci-log-corpus.ts really runs the steps; nothing here is tool output.
 */
import type { FailureClass, FailureLocation } from '../../app/heal/failure-analysis.js';

export interface CorpusStep {
  /** The `run:` script, as a workflow would write it. */
  run: string;
  /** Stop the step from outside after this long, like a job time limit or a cancellation. */
  killAfterMs?: number;
}

export interface CorpusCase {
  name: string;
  description: string;
  job: string;
  files: Record<string, string>;
  /** Run before the logged steps and not logged (making a lockfile). */
  prepare?: string[];
  steps: CorpusStep[];
  /** Runner lines after a step stopped from outside. */
  runnerAfter?: string[];
  /** `##[warning]` lines the runner printed while setting up Node. */
  setupWarnings?: string[];
  /** Step debug logging on (ACTIONS_STEP_DEBUG): `##[debug]` lines in the log. */
  debug?: boolean;
  /** setup-node's tsc problem matcher marks tsc error lines with `##[error]`. */
  tscMatcher?: boolean;
  /**
   * The registry here refuses npm's advisory endpoint (405), so npm audit asks 127.0.0.1 for advisories
   * (ADVISORIES below) while packuments still come from the registry; npm renders the report itself.
   */
  localAdvisories?: boolean;
  /** Also run the same project again later in a plain temp dir: the pair must share a signature. */
  again?: boolean;
  expect: { class: FailureClass; fixable: boolean; location?: FailureLocation };
}

/**
 * Advisories as npm's bulk endpoint returns them, copied from GitHub's advisory database
 * (github.com/advisories): lodash before 4.17.21 and minimist before 1.2.6.
 */
export const ADVISORIES: Record<string, Array<Record<string, unknown>>> = {
  lodash: [
    {
      id: 1106913,
      url: 'https://github.com/advisories/GHSA-35jh-r3h4-6jhm',
      title: 'Command Injection in lodash',
      severity: 'high',
      vulnerable_versions: '<4.17.21',
      cwe: ['CWE-77', 'CWE-94'],
      cvss: { score: 7.2, vectorString: 'CVSS:3.1/AV:N/AC:L/PR:H/UI:N/S:U/C:H/I:H/A:H' },
    },
    {
      id: 1106914,
      url: 'https://github.com/advisories/GHSA-29mw-wpgm-hmr9',
      title: 'Regular Expression Denial of Service (ReDoS) in lodash',
      severity: 'moderate',
      vulnerable_versions: '>=4.0.0 <4.17.21',
      cwe: ['CWE-400', 'CWE-1333'],
      cvss: { score: 5.3, vectorString: 'CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:N/I:N/A:L' },
    },
  ],
  minimist: [
    {
      id: 1097678,
      url: 'https://github.com/advisories/GHSA-xvch-5gv4-984h',
      title: 'Prototype Pollution in minimist',
      severity: 'critical',
      vulnerable_versions: '<1.2.6',
      cwe: ['CWE-1321'],
      cvss: { score: 9.8, vectorString: 'CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H' },
    },
  ],
};

const pkg = (scripts: Record<string, string>, extra: Record<string, unknown> = {}): string =>
  `${JSON.stringify({ name: 'shop', version: '1.0.0', private: true, scripts, ...extra }, null, 2)}\n`;

const TSCONFIG = `${JSON.stringify(
  {
    compilerOptions: {
      target: 'ES2022',
      module: 'NodeNext',
      moduleResolution: 'NodeNext',
      strict: true,
      noEmit: true,
      types: [],
    },
    include: ['src'],
  },
  null,
  2,
)}\n`;

const ESLINT_CONFIG = `export default [
  {
    files: ['**/*.js'],
    languageOptions: { ecmaVersion: 2022, sourceType: 'commonjs', globals: { console: 'readonly', module: 'writable', require: 'readonly' } },
    rules: {
      'no-unused-vars': 'error',
      'no-undef': 'error',
      'prefer-const': 'error',
      'no-var': 'error',
      eqeqeq: 'warn',
    },
  },
];
`;

const SUM = 'exports.sum = (a, b) => a + b;\n';

const WAIT_SCRIPT = `const url = 'http://localhost:3000/health';
console.log('Waiting for ' + url + ' ...');
setInterval(() => console.log('still waiting for ' + url), 500);
`;

const timeoutCase = (
  name: string,
  description: string,
  runnerAfter: string[],
  again = false,
): CorpusCase => ({
  name,
  description,
  job: 'e2e',
  files: {
    'package.json': pkg({ e2e: 'node scripts/wait-for-server.js' }),
    'scripts/wait-for-server.js': WAIT_SCRIPT,
  },
  steps: [{ run: 'npm run e2e', killAfterMs: 2000 }],
  runnerAfter,
  again,
  expect: { class: 'timeout', fixable: false },
});

export const CORPUS_CASES: CorpusCase[] = [
  // ---- type_error -------------------------------------------------------------------------------
  {
    name: 'tsc-type-error',
    description: 'tsc --noEmit reports two TS2322 errors',
    job: 'typecheck',
    files: {
      'package.json': pkg({ typecheck: 'tsc --noEmit -p tsconfig.json' }),
      'tsconfig.json': TSCONFIG,
      'src/cart.ts': `export function total(prices: number[]): number {
  let sum = 0;
  for (const price of prices) sum += price;
  return sum;
}

export const shipping: number = 'free';
export const grand = total(['12.50']);
`,
    },
    steps: [{ run: 'npm run typecheck' }],
    again: true,
    expect: { class: 'type_error', fixable: false, location: { file: 'src/cart.ts', line: 7, column: 14 } },
  },
  {
    name: 'tsc-build-type-error',
    description: 'a build step running tsc fails on a type error: type_error, not build_failure',
    job: 'build',
    files: {
      'package.json': pkg({ build: 'tsc -p tsconfig.json --noEmit false --outDir dist' }),
      'tsconfig.json': TSCONFIG,
      'src/index.ts': `interface User {
  id: number;
  name: string;
}
export function label(user: User): string {
  return user.name.toUpperCase() + user.id.toFixed();
}
export const admin = label({ id: 1 });
`,
    },
    steps: [{ run: 'npm run build' }],
    expect: { class: 'type_error', fixable: false, location: { file: 'src/index.ts', line: 8, column: 28 } },
  },
  {
    name: 'tsc-pretty-type-error',
    description: 'tsc --pretty (file:line:col - error) with colours',
    job: 'typecheck',
    files: {
      'tsconfig.json': TSCONFIG,
      'src/price.ts': `export function discount(price: number, percent: number): number {
  return price - price * (percent / 100);
}
discount('10', 5);
`,
    },
    steps: [{ run: 'tsc --noEmit --pretty -p tsconfig.json' }],
    expect: { class: 'type_error', fixable: false, location: { file: 'src/price.ts', line: 4, column: 10 } },
  },
  {
    name: 'tsc-problem-matcher',
    description: "setup-node's tsc problem matcher marks the error line with ##[error]",
    job: 'typecheck',
    tscMatcher: true,
    files: {
      'package.json': pkg({ typecheck: 'tsc --noEmit -p tsconfig.json' }),
      'tsconfig.json': TSCONFIG,
      'src/role.ts': `type Role = 'admin' | 'member';
export const role: Role = 'owner';
`,
    },
    steps: [{ run: 'npm run typecheck' }],
    expect: { class: 'type_error', fixable: false, location: { file: 'src/role.ts', line: 2, column: 14 } },
  },
  // ---- syntax_error -----------------------------------------------------------------------------
  {
    name: 'tsc-syntax-error',
    description: 'tsc on a file with an unclosed call: TS1005',
    job: 'typecheck',
    files: {
      'package.json': pkg({ typecheck: 'tsc --noEmit -p tsconfig.json' }),
      'tsconfig.json': TSCONFIG,
      'src/parse.ts': `export function parse(input: string): string[] {
  return input.split(',').map((part) => part.trim();
}
`,
    },
    steps: [{ run: 'npm run typecheck' }],
    expect: {
      class: 'syntax_error',
      fixable: false,
      location: { file: 'src/parse.ts', line: 2, column: 52 },
    },
  },
  {
    name: 'jest-syntax-error',
    description:
      'jest: a test file that does not parse (Test suite failed to run): syntax_error, not test_failure',
    job: 'test',
    files: {
      'package.json': pkg({ test: 'jest' }),
      'src/sum.js': SUM,
      'test/sum.test.js': `const { sum } = require('../src/sum');

test('adds', () => {
  expect(sum(1, 2).toBe(3);
});
`,
    },
    steps: [{ run: 'npm test' }],
    expect: {
      class: 'syntax_error',
      fixable: false,
      location: { file: 'test/sum.test.js', line: 4, column: 26 },
    },
  },
  {
    name: 'node-syntax-error',
    description: 'node on a file with a missing comma',
    job: 'smoke',
    files: {
      'src/config.js': `const config = {
  port: 3000,
  host: 'localhost'
  debug: true,
};
module.exports = config;
`,
    },
    steps: [{ run: 'node src/config.js' }],
    expect: { class: 'syntax_error', fixable: false, location: { file: 'src/config.js', line: 4 } },
  },
  {
    name: 'eslint-parsing-error',
    description: 'eslint cannot parse a file: syntax_error, not lint_error',
    job: 'lint',
    files: {
      'eslint.config.mjs': ESLINT_CONFIG,
      'src/app.js': `function start(port) {
  if (port { return port; }
}
module.exports = start;
`,
    },
    steps: [{ run: 'eslint src' }],
    expect: { class: 'syntax_error', fixable: false, location: { file: 'src/app.js', line: 2, column: 12 } },
  },
  {
    name: 'prettier-syntax-error',
    description: 'prettier --check on a file that does not parse',
    job: 'format',
    files: { 'src/broken.js': 'const order = { id: 1,, total: 3 };\n' },
    steps: [{ run: 'prettier --check src' }],
    expect: {
      class: 'syntax_error',
      fixable: false,
      location: { file: 'src/broken.js', line: 1, column: 23 },
    },
  },
  // ---- import_error -----------------------------------------------------------------------------
  {
    name: 'node-missing-package-cjs',
    description: "require of a package that is not installed: Cannot find module 'left-pad'",
    job: 'smoke',
    files: { 'src/index.js': "const leftPad = require('left-pad');\nconsole.log(leftPad('7', 3, '0'));\n" },
    steps: [{ run: 'node src/index.js' }],
    expect: { class: 'import_error', fixable: true, location: { file: 'src/index.js' } },
  },
  {
    name: 'node-missing-package-esm',
    description: 'ESM import of a package that is not installed: ERR_MODULE_NOT_FOUND',
    job: 'smoke',
    files: { 'src/index.mjs': "import chalk from 'chalk';\nconsole.log(chalk.green('ok'));\n" },
    steps: [{ run: 'node src/index.mjs' }],
    expect: { class: 'import_error', fixable: true, location: { file: 'src/index.mjs' } },
  },
  {
    name: 'node-missing-relative-module',
    description: 'ESM import of a project file that does not exist: not fixable by installing',
    job: 'smoke',
    files: { 'src/main.mjs': "import { format } from './format.js';\nconsole.log(format(1));\n" },
    steps: [{ run: 'node src/main.mjs' }],
    expect: { class: 'import_error', fixable: false, location: { file: 'src/main.mjs' } },
  },
  {
    name: 'node-missing-export',
    description:
      'ESM named import the module does not export (a SyntaxError by name, an import error in fact)',
    job: 'smoke',
    files: {
      'src/math.mjs': 'export const add = (a, b) => a + b;\n',
      'src/main.mjs': "import { add, mul } from './math.mjs';\nconsole.log(add(1, mul(2, 3)));\n",
    },
    steps: [{ run: 'node src/main.mjs' }],
    expect: { class: 'import_error', fixable: false, location: { file: 'src/main.mjs', line: 1 } },
  },
  {
    name: 'jest-missing-import',
    description: 'jest: a test requires a project module that does not exist',
    job: 'test',
    files: {
      'package.json': pkg({ test: 'jest' }),
      'src/cart.js': 'exports.total = (items) => items.reduce((sum, item) => sum + item.price, 0);\n',
      'test/cart.test.js': `const { total } = require('../src/cart');
const { tenPercent } = require('../src/discounts');

test('applies the discount', () => {
  expect(tenPercent(total([{ price: 10 }]))).toBe(9);
});
`,
    },
    steps: [{ run: 'npm test' }],
    expect: { class: 'import_error', fixable: false, location: { file: 'test/cart.test.js' } },
  },
  {
    name: 'jest-missing-package',
    description: 'jest: project code requires a package missing from node_modules',
    job: 'test',
    files: {
      'package.json': pkg({ test: 'jest' }),
      'src/id.js': "const { v4 } = require('uuid');\nexports.newId = () => v4();\n",
      'test/id.test.js': `const { newId } = require('../src/id');

test('makes ids', () => {
  expect(newId()).toHaveLength(36);
});
`,
    },
    steps: [{ run: 'npm test' }],
    expect: { class: 'import_error', fixable: true, location: { file: 'src/id.js' } },
  },
  {
    name: 'tsc-missing-module',
    description: 'tsc: TS2307 for a package that is not installed',
    job: 'typecheck',
    files: {
      'package.json': pkg({ typecheck: 'tsc --noEmit -p tsconfig.json' }),
      'tsconfig.json': TSCONFIG,
      'src/date.ts':
        "import { format } from 'date-fns';\nexport const today = (): string => format(new Date(), 'yyyy-MM-dd');\n",
    },
    steps: [{ run: 'npm run typecheck' }],
    expect: { class: 'import_error', fixable: true, location: { file: 'src/date.ts', line: 1, column: 24 } },
  },
  // ---- test_failure -----------------------------------------------------------------------------
  {
    name: 'jest-assertion',
    description: 'jest: a failing toBe assertion',
    job: 'test',
    files: {
      'package.json': pkg({ test: 'jest' }),
      'src/sum.js': SUM,
      'test/sum.test.js': `const { sum } = require('../src/sum');

test('adds two numbers', () => {
  expect(sum(2, 2)).toBe(5);
});

test('adds zero', () => {
  expect(sum(2, 0)).toBe(2);
});
`,
    },
    steps: [{ run: 'npm test' }],
    again: true,
    expect: {
      class: 'test_failure',
      fixable: false,
      location: { file: 'test/sum.test.js', line: 4, column: 21 },
    },
  },
  {
    name: 'jest-thrown-type-error',
    description: 'jest: code under test throws a TypeError: test_failure, not runtime_error',
    job: 'test',
    files: {
      'package.json': pkg({ test: 'jest' }),
      'src/user.js': "exports.initials = (user) => user.name.split(' ').map((part) => part[0]).join('');\n",
      'test/user.test.js': `const { initials } = require('../src/user');

test('initials of a user without a name', () => {
  expect(initials({})).toBe('');
});
`,
    },
    steps: [{ run: 'npm test' }],
    expect: { class: 'test_failure', fixable: false, location: { file: 'src/user.js', line: 1, column: 40 } },
  },
  {
    name: 'test-job-with-warnings',
    description: 'runner and eslint warnings in earlier steps, then a failing jest run',
    job: 'test',
    setupWarnings: [
      'Node.js 16 actions are deprecated. Please update the following actions to use Node.js 20: actions/setup-node@v3.',
    ],
    files: {
      'package.json': pkg({ lint: 'eslint src test', test: 'jest' }),
      'eslint.config.mjs': ESLINT_CONFIG.replace(
        "globals: { console: 'readonly'",
        "globals: { test: 'readonly', expect: 'readonly', console: 'readonly'",
      ),
      'src/discount.js': "exports.apply = (price, code) => (code == 'HALF' ? price / 2 : price);\n",
      'test/discount.test.js': `const { apply } = require('../src/discount');

test('HALF halves the price', () => {
  expect(apply(10, 'HALF')).toBe(5);
});

test('unknown codes change nothing', () => {
  expect(apply(10, 'TENOFF')).toBe(0);
});
`,
    },
    steps: [{ run: 'npm run lint' }, { run: 'npm test' }],
    expect: {
      class: 'test_failure',
      fixable: false,
      location: { file: 'test/discount.test.js', line: 8, column: 31 },
    },
  },
  {
    name: 'node-test-runner',
    description: 'node --test (TAP output on a non-TTY) with a failing assertion',
    job: 'test',
    files: {
      'test/math.test.mjs': `import { test } from 'node:test';
import assert from 'node:assert/strict';

test('adds tenths exactly', () => {
  assert.equal(0.1 + 0.2, 0.3);
});
`,
    },
    steps: [{ run: 'node --test test/' }],
    expect: {
      class: 'test_failure',
      fixable: false,
      location: { file: 'test/math.test.mjs', line: 4, column: 1 },
    },
  },
  // ---- lint_error -------------------------------------------------------------------------------
  {
    name: 'eslint-fixable',
    description: 'eslint errors that --fix can fix (prefer-const, no-var)',
    job: 'lint',
    files: {
      'eslint.config.mjs': ESLINT_CONFIG,
      'src/cart.js': `var taxRate = 0.2;
let shipping = 5;
module.exports = (net) => net * (1 + taxRate) + shipping;
`,
    },
    steps: [{ run: 'eslint src' }],
    expect: { class: 'lint_error', fixable: true, location: { file: 'src/cart.js', line: 1, column: 1 } },
  },
  {
    name: 'eslint-unfixable',
    description: 'eslint errors --fix cannot fix (no-unused-vars, no-undef)',
    job: 'lint',
    files: {
      'eslint.config.mjs': ESLINT_CONFIG,
      'src/orders.js': `const fs = require('fs');
module.exports = (orders) => orders.filter((order) => order.total > minimumTotal);
`,
    },
    steps: [{ run: 'eslint src' }],
    again: true,
    expect: { class: 'lint_error', fixable: false, location: { file: 'src/orders.js', line: 1, column: 7 } },
  },
  {
    name: 'eslint-partly-fixable',
    description: 'one fixable and one unfixable eslint error: --fix alone does not make it pass',
    job: 'lint',
    files: {
      'eslint.config.mjs': ESLINT_CONFIG,
      'src/totals.js': `let count = 0;
const unused = 1;
module.exports = () => count;
`,
    },
    steps: [{ run: 'eslint src' }],
    expect: { class: 'lint_error', fixable: false, location: { file: 'src/totals.js', line: 2, column: 7 } },
  },
  {
    name: 'prettier-check',
    description: 'prettier --check finds an unformatted file',
    job: 'format',
    files: { 'src/format-me.js': 'const  order={id:1,total:  3}\nmodule.exports=order\n' },
    steps: [{ run: 'prettier --check src' }],
    expect: { class: 'lint_error', fixable: true, location: { file: 'src/format-me.js' } },
  },
  {
    name: 'lint-job-later-steps-skipped',
    description: 'npm ci passes, npm run lint (eslint then prettier) fails, the test step is skipped',
    job: 'lint',
    debug: true,
    files: {
      'package.json': pkg({ lint: 'eslint src && prettier --check src', test: 'node --test' }),
      'package-lock.json': `${JSON.stringify(
        {
          name: 'shop',
          version: '1.0.0',
          lockfileVersion: 3,
          requires: true,
          packages: { '': { name: 'shop', version: '1.0.0' } },
        },
        null,
        2,
      )}\n`,
      'eslint.config.mjs': ESLINT_CONFIG,
      'src/index.js': "var greeting = 'hello';\nmodule.exports = greeting;\n",
    },
    steps: [{ run: 'npm ci' }, { run: 'npm run lint' }, { run: 'npm test' }],
    expect: { class: 'lint_error', fixable: true, location: { file: 'src/index.js', line: 1, column: 1 } },
  },
  // ---- runtime_error ----------------------------------------------------------------------------
  {
    name: 'node-type-error',
    description: 'node: TypeError reading a property of undefined, with a stack',
    job: 'smoke',
    files: {
      'src/report.js': `function formatUser(user) {
  return \`\${user.profile.name} <\${user.email}>\`;
}

const users = [{ email: 'a@example.com', profile: { name: 'Ada' } }, { email: 'b@example.com' }];
for (const user of users) console.log(formatUser(user));
`,
    },
    steps: [{ run: 'node src/report.js' }],
    again: true,
    expect: {
      class: 'runtime_error',
      fixable: false,
      location: { file: 'src/report.js', line: 2, column: 26 },
    },
  },
  {
    name: 'node-reference-error',
    description: 'node: ReferenceError for a function that was never defined',
    job: 'smoke',
    files: { 'src/server.js': 'const port = Number(process.env.PORT ?? 3000);\nstartServer(port);\n' },
    steps: [{ run: 'node src/server.js' }],
    expect: {
      class: 'runtime_error',
      fixable: false,
      location: { file: 'src/server.js', line: 2, column: 1 },
    },
  },
  {
    name: 'node-uncaught-rejection',
    description: 'node: an awaited async function throws at the top level of an ES module',
    job: 'smoke',
    files: {
      'src/pay.mjs': `async function charge(amount) {
  throw new Error(\`payment gateway refused \${amount} EUR\`);
}
await charge(12);
`,
    },
    steps: [{ run: 'node src/pay.mjs' }],
    expect: { class: 'runtime_error', fixable: false, location: { file: 'src/pay.mjs', line: 2, column: 9 } },
  },
  // ---- build_failure ----------------------------------------------------------------------------
  {
    name: 'npm-ci-out-of-sync',
    description: 'npm ci with a lockfile that lacks a dependency of package.json',
    job: 'build',
    files: {
      'package.json': pkg({}, { dependencies: { 'is-number': '^7.0.0' } }),
      'package-lock.json': `${JSON.stringify(
        {
          name: 'shop',
          version: '1.0.0',
          lockfileVersion: 3,
          requires: true,
          packages: { '': { name: 'shop', version: '1.0.0' } },
        },
        null,
        2,
      )}\n`,
    },
    steps: [{ run: 'npm ci' }],
    expect: { class: 'build_failure', fixable: true },
  },
  {
    name: 'npm-install-missing-local-dependency',
    description: 'npm install of a file: dependency (a local tarball) that does not exist',
    job: 'build',
    files: { 'package.json': pkg({}, { dependencies: { '@shop/utils': 'file:./packages/utils.tgz' } }) },
    steps: [{ run: 'npm install --no-audit --no-fund' }],
    expect: { class: 'build_failure', fixable: false },
  },
  {
    name: 'npm-missing-script',
    description: 'npm run build without a build script',
    job: 'build',
    files: { 'package.json': pkg({ test: 'node --test' }) },
    steps: [{ run: 'npm run build' }],
    expect: { class: 'build_failure', fixable: false },
  },
  {
    name: 'npm-install-no-such-version',
    description: 'npm install of a version that was never published (ETARGET, from the registry)',
    job: 'build',
    files: { 'package.json': pkg({}, { dependencies: { 'is-number': '99.0.0' } }) },
    steps: [{ run: 'npm install --no-audit --no-fund' }],
    expect: { class: 'build_failure', fixable: false },
  },
  // ---- security_vulnerability -------------------------------------------------------------------
  {
    name: 'npm-audit-high',
    description: 'npm audit --audit-level=high on lodash 4.17.20 (advisories from the registry)',
    job: 'audit',
    files: { 'package.json': pkg({}, { dependencies: { lodash: '4.17.20' } }) },
    prepare: ['npm install --package-lock-only --ignore-scripts --no-audit --no-fund'],
    localAdvisories: true,
    steps: [{ run: 'npm audit --audit-level=high' }],
    again: true,
    expect: { class: 'security_vulnerability', fixable: false },
  },
  {
    name: 'npm-audit-critical',
    description: 'npm audit on minimist 1.2.5 (a critical advisory)',
    job: 'audit',
    files: { 'package.json': pkg({}, { dependencies: { minimist: '1.2.5' } }) },
    prepare: ['npm install --package-lock-only --ignore-scripts --no-audit --no-fund'],
    localAdvisories: true,
    steps: [{ run: 'npm audit --audit-level=high' }],
    expect: { class: 'security_vulnerability', fixable: false },
  },
  {
    name: 'npm-audit-json',
    description: 'npm audit --json on lodash 4.17.20',
    job: 'audit',
    files: { 'package.json': pkg({}, { dependencies: { lodash: '4.17.20' } }) },
    prepare: ['npm install --package-lock-only --ignore-scripts --no-audit --no-fund'],
    localAdvisories: true,
    steps: [{ run: 'npm audit --json --audit-level=high' }],
    expect: { class: 'security_vulnerability', fixable: false },
  },
  // ---- timeout ----------------------------------------------------------------------------------
  {
    name: 'timeout-command',
    description: 'a step killed by `timeout 2` (exit code 124)',
    job: 'e2e',
    files: {},
    steps: [{ run: "timeout 2 node -e 'setInterval(()=>{},1000)'" }],
    expect: { class: 'timeout', fixable: false },
  },
  timeoutCase(
    'job-timeout',
    'the job exceeds timeout-minutes while a step waits for a server',
    [
      '##[error]The job running on runner GitHub Actions 7 has exceeded the maximum execution time of 1 minutes.',
      '##[error]The operation was canceled.',
    ],
    true,
  ),
  timeoutCase('step-timeout', 'a step exceeds its own timeout-minutes', [
    "##[error]The action 'Run npm run e2e' has timed out after 1 minutes.",
  ]),
  timeoutCase(
    'cancelled',
    'a step cancelled by the runner (fail-fast sibling): the weakest kind of timeout',
    ['##[error]The operation was canceled.'],
  ),
];
