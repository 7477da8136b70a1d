// Heap per idle pooled connection (issue 5 target: < 50 KB), run as
// `node --expose-gc idle-heap-child.mjs '<spec json>'` in a fresh process.
// Opens N idle connections through respool's own minIdleConns, forces GC, and
// divides the heapUsed growth by N. The baseline is taken after the library is
// loaded, so only the client object and its connections are counted.
import { pathToFileURL } from 'node:url';
import { ControlClient } from './control-client.mjs';

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

async function fullGc() {
  // Several passes with turns of the event loop in between, so weak callbacks and
  // finalizers run and what is left is what is really retained.
  for (let i = 0; i < 4; i++) {
    globalThis.gc();
    await new Promise((r) => setImmediate(r));
  }
}

async function run({ distPath, host, port, conns }) {
  if (typeof globalThis.gc !== 'function') throw new Error('run with --expose-gc');
  const { createClient } = await import(pathToFileURL(distPath).href);
  const ctl = await ControlClient.connect(host, port);
  await ctl.cmd('CLIENT', 'SETNAME', 'bench-ctl');
  const serverClientsBefore = Number((await ctl.info('clients')).connected_clients);
  await fullGc();
  const before = process.memoryUsage();

  const client = createClient({ host, port, poolSize: conns, minIdleConns: conns });
  // minIdleConns dials in the background; wait until the pool reports them idle.
  const deadline = Date.now() + 60_000;
  let stats = client.poolStats();
  while (stats.idleConns < conns) {
    if (Date.now() > deadline) throw new Error(`only ${stats.idleConns} of ${conns} idle connections after 60 s`);
    await sleep(50);
    stats = client.poolStats();
  }
  await sleep(200); // let handshake leftovers settle
  await fullGc();
  const after = process.memoryUsage();
  const serverClients = Number((await ctl.info('clients')).connected_clients) - serverClientsBefore;
  const result = {
    ok: true,
    conns,
    poolStats: client.poolStats(),
    serverSideConns: serverClients,
    heapPerConnBytes: (after.heapUsed - before.heapUsed) / conns,
    externalPerConnBytes: (after.external - before.external) / conns,
    rssPerConnBytes: (after.rss - before.rss) / conns,
    heapUsedBeforeMB: before.heapUsed / 1048576,
    heapUsedAfterMB: after.heapUsed / 1048576,
  };
  process.stdout.write(`@@RESULT ${JSON.stringify(result)}\n`);
  await Promise.race([client.close(), sleep(3000)]);
  ctl.close();
  process.exit(0);
}

run(JSON.parse(process.argv[2])).catch((e) => {
  console.error(e?.stack ?? String(e));
  process.exit(1);
});
