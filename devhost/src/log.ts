// Host-side logger. Kept to three levels so tests can swap in a recorder and the CLI can print to the console.

export interface HostLogger {
  info(msg: string): void;
  warn(msg: string): void;
  error(msg: string): void;
}

export interface ConsoleLoggerOptions {
  /** Only errors are printed (tests use this to keep output readable). */
  quiet?: boolean;
}

export function createConsoleLogger(options: ConsoleLoggerOptions = {}): HostLogger {
  const quiet = options.quiet === true;
  return {
    info: (msg) => {
      if (!quiet) console.log(msg);
    },
    warn: (msg) => {
      if (!quiet) console.warn(msg);
    },
    error: (msg) => console.error(msg),
  };
}

/** Maps a library log level (`information`, `warning`, ...) onto the host logger. */
export function logAtLevel(log: HostLogger, level: string, msg: string): void {
  switch (level) {
    case 'error':
    case 'critical':
      log.error(msg);
      return;
    case 'warning':
      log.warn(msg);
      return;
    case 'none':
      return;
    default:
      log.info(msg);
  }
}
