// The output of a child process a test runs (the CLI, the local stack), collected as it comes, with a wait
// for a line that matches: one definition for every test that drives a process by what it prints.
import type { ChildProcess } from 'node:child_process';

export interface ChildOutput {
  /** Everything written so far, stdout and stderr interleaved. */
  output: () => string;
  /**
   * Resolves with the first match of `pattern` in the output; rejects if the process ends first, or after
   * `timeoutMs` when given (a safety net for a hung process, never a speed check).
   */
  waitFor: (pattern: RegExp, timeoutMs?: number) => Promise<RegExpExecArray>;
  /** The exit code once the process has ended (`endsOn`: its exit, or its output streams closed too). */
  exit: Promise<number | null>;
}

/** Collects `child`'s stdout and stderr; `what` names it in errors. */
export function collectOutput(child: ChildProcess, what: string, endsOn: 'exit' | 'close' = 'close'): ChildOutput {
  let text = '';
  const listeners = new Set<() => void>();
  const append = (chunk: Buffer) => {
    text += chunk.toString('utf8');
    listeners.forEach((l) => l());
  };
  child.stdout?.on('data', append);
  child.stderr?.on('data', append);
  const exit = new Promise<number | null>((resolve) => child.once(endsOn, (code: number | null) => resolve(code)));
  return {
    output: () => text,
    waitFor: (pattern, timeoutMs) =>
      new Promise((resolve, reject) => {
        const timer =
          timeoutMs === undefined
            ? undefined
            : setTimeout(() => {
                listeners.delete(check);
                reject(new Error(`no ${pattern} from ${what} in ${timeoutMs} ms:\n${text.slice(-3000)}`));
              }, timeoutMs);
        function check() {
          const match = pattern.exec(text);
          if (!match) return;
          listeners.delete(check);
          clearTimeout(timer);
          resolve(match);
        }
        listeners.add(check);
        check();
        void exit.then((code) => {
          if (!listeners.delete(check)) return;
          clearTimeout(timer);
          reject(new Error(`${what} exited ${code} before ${pattern}:\n${text.slice(-3000)}`));
        });
      }),
    exit,
  };
}
