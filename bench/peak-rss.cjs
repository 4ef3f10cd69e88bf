// Preloaded (node --require) into a measured process: prints its peak RSS and CPU time at exit, worker threads included.
process.on('exit', () => {
  const u = process.resourceUsage();
  process.stderr.write(`\nbench-usage ${u.maxRSS} ${Math.round((u.userCPUTime + u.systemCPUTime) / 1000)}\n`);
});
