// npm (npx, npm exec, npm run, npm start, npm test) runs its command in `sh -c` and passes a SIGTERM it receives to
// that shell only: the shell ends, and the command lives on, re-parented, with its port and the Azurite it
// started (a script that runs `npx devhost start ... &` and later `kill %1` leaves both behind). A process that
// npm launched therefore follows its parent: once the process that started it is gone, it stops as on SIGTERM.

/** True when npm launched this process, directly or through processes it started (npm sets `npm_command`). */
export function launchedByNpm(env: NodeJS.ProcessEnv = process.env): boolean {
  return typeof env.npm_command === 'string' && env.npm_command !== '';
}

/**
 * Calls `onGone` once, when the process that started this one ends (this process is then re-parented, so its
 * parent pid changes), checking every `intervalMs` ms on an unref'd timer that never keeps the process alive.
 * Does nothing when the parent is already gone at the call (parent pid 1: started detached on purpose).
 * Returns a function that stops watching.
 */
export function whenParentGone(onGone: () => void, intervalMs = 500): () => void {
  const parent = process.ppid;
  if (parent === 1) return () => undefined;
  const timer = setInterval(() => {
    if (process.ppid === parent) return;
    clearInterval(timer);
    onGone();
  }, intervalMs);
  timer.unref();
  return () => clearInterval(timer);
}
