const t0 = performance.now();
const { BerthContext, probeMachine } = await import('@berth/core/machine');
const { listMachines } = await import('@berth/core/store');
const ctx = BerthContext.open({ driverHost: { searchDirs: ['/work/main/node_modules/.bin/'] } });
const t1 = performance.now();
const entries = await listMachines(ctx.store);
const t2 = performance.now();
const d = await ctx.drivers.get('none');
const t3 = performance.now();
const res = await Promise.all(
  entries.map(async (e) => {
    const r = await probeMachine(ctx, e.machine, 1000);
    return { ...r, end: performance.now() - t3 };
  }),
);
const t4 = performance.now();
await ctx.dispose();
const t5 = performance.now();
console.log(
  `import ${(t1 - t0) | 0} list ${(t2 - t1) | 0} driver ${(t3 - t2) | 0} probe ${(t4 - t3) | 0} dispose ${(t5 - t4) | 0}`,
);
const live = res.filter((r) => r.url.includes('172.'));
const ends = live.map((r) => r.end | 0).sort((a, b) => a - b);
console.log(
  'live ok',
  live.filter((r) => r.dockerVersion.startsWith('v')).length,
  'timeouts',
  res.filter((r) => r.timedOut).length,
  'live end times',
  ends.filter((_, i) => i % 10 == 0).join(' '),
);
console.log(res.filter((r) => !r.timedOut && !r.dockerVersion.startsWith('v')).slice(0, 3));
