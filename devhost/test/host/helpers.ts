// Shared helpers for devhost host tests: fixture paths and a logger that records what the host prints.
import { fileURLToPath } from 'node:url';
import type { HostLogger } from '../../src/log.ts';

export function fixture(name: string): string {
  return fileURLToPath(new URL(`../fixtures/${name}/`, import.meta.url));
}

export interface RecordingLogger extends HostLogger {
  lines: Array<{ level: 'info' | 'warn' | 'error'; msg: string }>;
}

export function recordingLogger(): RecordingLogger {
  const lines: RecordingLogger['lines'] = [];
  return {
    lines,
    info: (msg) => lines.push({ level: 'info', msg }),
    warn: (msg) => lines.push({ level: 'warn', msg }),
    error: (msg) => lines.push({ level: 'error', msg }),
  };
}
