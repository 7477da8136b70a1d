/**
 * The published package, as `npm pack` makes it: every subpath of `exports` loads with `require` (CommonJS:
 * Node ≥ 20.19 / 22.12 load ES modules from require) and with `import`, to the same module; the main entry
 * keeps to the application surface; internal members are not in the declarations.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { installPacked, packageJson, runChild, type Installed } from '../helpers/packed.js';

let installed: Installed;
before(() => {
  installed = installPacked();
});
after(() => installed?.remove());

const specifiers = Object.keys(packageJson().exports).map((key) =>
  key === '.' ? 'respool' : `respool${key.slice(1)}`,
);

async function exportedNames(specifier: string, how: 'require' | 'import'): Promise<string[]> {
  const code =
    how === 'require'
      ? `console.log(JSON.stringify(Object.keys(require(${JSON.stringify(specifier)}))))`
      : `import(${JSON.stringify(specifier)}).then((m) => console.log(JSON.stringify(Object.keys(m))))`;
  const run = await runChild(process.execPath, ['-e', code], { cwd: installed.dir });
  assert.equal(run.code, 0, `${how}('${specifier}') failed:\n${run.stderr}`);
  return JSON.parse(run.stdout) as string[];
}

test('every entry of exports follows the pattern: types and default, and a typesVersions line per subpath', () => {
  const pkg = packageJson();
  const typesVersions = pkg.typesVersions?.['*'] ?? {};
  for (const [key, entry] of Object.entries(pkg.exports)) {
    if (key === './package.json') continue;
    // 'default' (not 'import' alone): require() must find the entry too.
    const pattern = 'must be { "types": "./dist/….d.ts", "default": "./dist/….js" } (see "//exports" in package.json)';
    assert.deepEqual(Object.keys(entry as object), ['types', 'default'], `exports['${key}'] ${pattern}`);
    const { types } = entry as { types: string };
    if (key !== '.') {
      const line = `"${key.slice(2)}": ["${types}"]`;
      assert.deepEqual(typesVersions[key.slice(2)], [types], `package.json typesVersions["*"] needs ${line}`);
    }
  }
});

test('every subpath of exports loads with require() and with import, with the same names', async () => {
  assert.ok(specifiers.length >= 5, `expected the main entry and its subpaths, got ${specifiers.join(', ')}`);
  await Promise.all(
    specifiers.map(async (specifier) => {
      const required = await exportedNames(specifier, 'require');
      assert.ok(required.length > 0, `require('${specifier}') gave an empty module`);
      if (specifier.endsWith('.json')) return;
      const imported = (await exportedNames(specifier, 'import')).filter((n) => n !== 'default');
      assert.deepEqual(required.filter((n) => n !== 'default' && n !== '__esModule').sort(), imported.sort());
    }),
  );
});

test('require() and import share one copy of the package (one ReplyError class, no dual-package hazard)', async () => {
  const code = [
    "import { createRequire } from 'node:module';",
    "const required = createRequire(process.cwd() + '/x.js')('respool');",
    "const imported = await import('respool');",
    'console.log(required.ReplyError === imported.ReplyError && required.RedisClient === imported.RedisClient);',
  ].join('\n');
  const run = await runChild(process.execPath, ['--input-type=module', '-e', code], { cwd: installed.dir });
  assert.equal(run.code, 0, run.stderr);
  assert.equal(run.stdout.trim(), 'true');
});

test('the main entry exports the application surface; the pool and codec live at respool/pool and respool/resp', async () => {
  const main = await exportedNames('respool', 'require');
  for (const name of ['createClient', 'createCluster', 'createSentinel', 'ReplyError', 'CommandView', 'commands']) {
    assert.ok(main.includes(name), `respool should export ${name}`);
  }
  const moved = ['ConnPool', 'ConnLimiter', 'RespDecoder', 'CommandEncoder', 'encodeCommand', 'sweepIntervalFor'];
  moved.push('PROBE_INTERVAL_MS', 'resolvePoolOptions', 'POOL_DEFAULTS', 'defaultPoolSize');
  moved.push('ClientView', 'ClusterView', 'SentinelView', 'replyErrorFor', 'replyErrorPrefix', 'CommandSet');
  for (const name of moved) assert.ok(!main.includes(name), `respool should not export ${name}`);
  const pool = await exportedNames('respool/pool', 'require');
  for (const name of ['ConnPool', 'ConnLimiter', 'sweepIntervalFor', 'PROBE_INTERVAL_MS', 'POOL_DEFAULTS']) {
    assert.ok(pool.includes(name), `respool/pool should export ${name}`);
  }
  assert.ok(pool.includes('resolvePoolOptions'));
  const resp = await exportedNames('respool/resp', 'require');
  assert.deepEqual(resp.sort(), ['CommandEncoder', 'RespDecoder', 'encodeCommand']);
});

test('members marked @internal are stripped from the published declarations', () => {
  // The classes an application holds (interfaces between internal parts may name such methods).
  const classes = ['client/client', 'client/pinned', 'client/async-commands', 'cluster/cluster-client'];
  classes.push('cluster/sentinel-client');
  const files = classes.map((name) => path.join(installed.packageDir, 'dist', `${name}.d.ts`));
  const client = readFileSync(path.join(installed.packageDir, 'dist/client/client.d.ts'), 'utf8');
  // The class itself is there (a comment mentioning the tag would strip it whole).
  assert.match(client, /export declare class RedisClient /);
  assert.match(client, /\n {4}pipeline\(\): Pipeline;/);
  const internal =
    /\n\s+(?:protected )?(retry|flushQueued|abandonBlocking|dispatch|dispatchRaw|discardConnection|subscribeInBackground)(?:<T>)?\(/;
  for (const file of files) {
    const found = internal.exec(readFileSync(file, 'utf8'));
    assert.equal(found, null, `${path.relative(installed.packageDir, file)} declares ${found?.[1]}()`);
  }
});
