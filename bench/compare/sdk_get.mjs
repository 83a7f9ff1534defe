// The official SDK side of bench/compare/run (npm cloudflare@7.3.0):
// sequential calls, one at a time, over Node's kept-alive connection.
//
//   node sdk_get.mjs get  BASE_URL ACCOUNT IMAGE_ID SECONDS  -> "calls_per_second <x>"
//   node sdk_get.mjs list BASE_URL ACCOUNT COUNT             -> "ms_per_fetch <median> cpu_ms_per_fetch <mean>"
//     (CPU: this process's user + sys over the timed fetches)
//   node sdk_get.mjs get-concurrent BASE_URL ACCOUNT IMAGE_ID SECONDS N
//                                                            -> "calls_per_second <x>"
//       N calls in flight at once (N async loops on one client), as a
//       Node service would run them.
import Cloudflare from 'cloudflare';

const [mode, baseURL, account_id, arg4, arg5] = process.argv.slice(2);
const client = new Cloudflare({ apiToken: 'bench-token', baseURL, maxRetries: 0 });
const now = () => Number(process.hrtime.bigint()) / 1e6;

if (mode === 'get') {
  const id = arg4;
  const seconds = Number(arg5);
  for (let i = 0; i < 200; i++) await client.images.v1.get(id, { account_id });  // warm up
  let calls = 0;
  const t0 = now();
  const end = t0 + seconds * 1000;
  let t = t0;
  while (t < end) {
    for (let i = 0; i < 100; i++) {
      const img = await client.images.v1.get(id, { account_id });
      if (!img || !img.id) throw new Error('no image id');
      calls++;
    }
    t = now();
  }
  console.log(`calls_per_second ${(calls / ((t - t0) / 1000)).toFixed(1)}`);
} else if (mode === 'get-concurrent') {
  const id = arg4;
  const seconds = Number(arg5);
  const n = Number(process.argv[7]);
  const loop = async (end, count) => {
    let calls = 0;
    while (count ? calls < count : now() < end) {
      const img = await client.images.v1.get(id, { account_id });
      if (!img || !img.id) throw new Error('no image id');
      calls++;
    }
    return calls;
  };
  await Promise.all(Array.from({ length: n }, () => loop(0, 20)));  // warm up
  const t0 = now();
  const counts = await Promise.all(Array.from({ length: n }, () => loop(t0 + seconds * 1000, 0)));
  const t = now();
  const calls = counts.reduce((a, b) => a + b, 0);
  console.log(`calls_per_second ${(calls / ((t - t0) / 1000)).toFixed(1)}`);
} else if (mode === 'list') {
  const count = Number(arg4);
  const ms = [];
  let cpu0 = null;
  for (let i = 0; i < count + 1; i++) {
    if (i === 1) cpu0 = process.cpuUsage();
    const t0 = now();
    const page = await client.images.v2.list({ account_id });
    const t1 = now();
    if (!page.images || page.images.length !== 10000) throw new Error('wrong image count');
    if (i > 0) ms.push(t1 - t0);  // the first warms up
  }
  const cpu = process.cpuUsage(cpu0);
  ms.sort((a, b) => a - b);
  console.log(`ms_per_fetch ${ms[Math.floor(ms.length / 2)].toFixed(3)} cpu_ms_per_fetch ${((cpu.user + cpu.system) / 1000 / count).toFixed(3)}`);
} else {
  console.error(`usage: node sdk_get.mjs get|get-concurrent|list ...`);
  process.exit(2);
}
