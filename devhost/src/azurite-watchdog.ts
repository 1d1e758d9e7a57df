// Preloaded into the Azurite child (`node --import <this file> azurite.js ...`, see azurite-process.ts): once the
// process that started Azurite is gone — whatever killed it, SIGKILL included — Azurite is sent SIGTERM, its own
// signal handler closes the servers and flushes its files, and it exits. So no Azurite outlives its owner.
// The owner is the direct parent: a child whose parent dies is re-parented, so `process.ppid` changes.
const owner = Number(process.env.DEVHOST_AZURITE_OWNER_PID);
/** How often the parent is checked (ms); the delay between an owner's death and Azurite's shutdown. */
const CHECK_INTERVAL_MS = 200;

if (Number.isInteger(owner) && owner > 0) {
  const timer = setInterval(() => {
    if (process.ppid === owner) return;
    clearInterval(timer);
    process.kill(process.pid, 'SIGTERM');
  }, CHECK_INTERVAL_MS);
  // The watchdog must not keep Azurite alive by itself (Azurite's servers do).
  timer.unref();
}
