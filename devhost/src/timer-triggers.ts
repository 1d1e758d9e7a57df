// Timer triggers: NCRONTAB schedules (the 6-field `sec min hour day month day-of-week` format the Functions host
// uses, evaluated in UTC as the host does without WEBSITE_TIME_ZONE), `%Setting%` indirection, TimeSpan schedules
// (`hh:mm:ss`), `runOnStartup`, and the timer payload the host passes (`{Schedule, ScheduleStatus, IsPastDue}`).
import type { RegisteredFunction } from './core-api.ts';
import type { Invoker } from './invoker.ts';
import type { LoadedApp } from './loader.ts';
import type { HostLogger } from './log.ts';
import type { RpcTypedData } from './rpc-types.ts';

interface Field {
  min: number;
  max: number;
  names?: readonly string[];
}

const FIELDS: readonly Field[] = [
  { min: 0, max: 59 }, // second
  { min: 0, max: 59 }, // minute
  { min: 0, max: 23 }, // hour
  { min: 1, max: 31 }, // day of month
  { min: 1, max: 12, names: ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec'] },
  // Day of week: 0-6 from Sunday; 7 is accepted as Sunday too.
  { min: 0, max: 7, names: ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'] },
];

export interface CronSchedule {
  kind: 'cron';
  expression: string;
  fields: Array<Set<number>>;
}
export interface IntervalSchedule {
  kind: 'interval';
  expression: string;
  ms: number;
}
export type TimerSchedule = CronSchedule | IntervalSchedule;

/** Replaces a `%Name%` schedule with the app setting Name (the host's binding expression for app settings). */
export function resolveScheduleSetting(schedule: string, env: NodeJS.ProcessEnv = process.env): string {
  const m = /^%([^%]+)%$/.exec(schedule.trim());
  if (!m?.[1]) return schedule.trim();
  const value = env[m[1]];
  if (value === undefined || value.trim() === '') {
    throw new Error(
      `Timer schedule "${schedule}" refers to app setting "${m[1]}", which is not set (add it to local.settings.json Values).`,
    );
  }
  return value.trim();
}

const FULL_NAMES = new Set([
  'january',
  'february',
  'march',
  'april',
  'june',
  'july',
  'august',
  'september',
  'october',
  'november',
  'december',
  'sunday',
  'monday',
  'tuesday',
  'wednesday',
  'thursday',
  'friday',
  'saturday',
]);

function parseValue(text: string, field: Field, expression: string): number {
  const lower = text.toLowerCase();
  // Month and day names: three-letter abbreviations (NCrontab) or full English names.
  const named = field.names?.findIndex((n) => lower === n || (FULL_NAMES.has(lower) && lower.startsWith(n))) ?? -1;
  let value: number;
  if (named >= 0) value = named + field.min;
  else if (/^\d+$/.test(text)) value = Number(text);
  else throw new Error(`Invalid NCRONTAB expression "${expression}": "${text}" is not a valid value.`);
  if (value < field.min || value > field.max) {
    throw new Error(`Invalid NCRONTAB expression "${expression}": ${value} is outside ${field.min}-${field.max}.`);
  }
  return value;
}

function parseField(text: string, field: Field, expression: string, isDow: boolean): Set<number> {
  const out = new Set<number>();
  for (const item of text.split(',')) {
    if (item === '') throw new Error(`Invalid NCRONTAB expression "${expression}": empty list item.`);
    const [rangePart = '', stepPart, extra] = item.split('/');
    if (extra !== undefined) throw new Error(`Invalid NCRONTAB expression "${expression}": "${item}".`);
    const step = stepPart === undefined ? 1 : Number(stepPart);
    if (!Number.isInteger(step) || step < 1)
      throw new Error(`Invalid NCRONTAB expression "${expression}": bad step in "${item}".`);
    let lo: number;
    let hi: number;
    if (rangePart === '*' || rangePart === '?') {
      lo = field.min;
      hi = isDow ? 6 : field.max;
    } else if (rangePart.includes('-')) {
      const [a = '', b = ''] = rangePart.split('-');
      lo = parseValue(a, field, expression);
      hi = parseValue(b, field, expression);
      if (lo > hi) throw new Error(`Invalid NCRONTAB expression "${expression}": range "${rangePart}" is reversed.`);
    } else {
      lo = parseValue(rangePart, field, expression);
      // `5/15` means "from 5 every 15" (NCrontab); a plain value is just itself.
      hi = stepPart === undefined ? lo : isDow ? 6 : field.max;
    }
    for (let v = lo; v <= hi; v += step) out.add(isDow && v === 7 ? 0 : v);
  }
  return out;
}

function parseTimeSpan(text: string): number | undefined {
  // [d.]hh:mm[:ss]
  const m = /^(?:(\d+)\.)?(\d{1,2}):(\d{1,2})(?::(\d{1,2}))?$/.exec(text);
  if (!m) return undefined;
  const [, d = '0', h = '0', min = '0', s = '0'] = m;
  const ms = (((Number(d) * 24 + Number(h)) * 60 + Number(min)) * 60 + Number(s)) * 1000;
  return ms > 0 ? ms : undefined;
}

/** Parses a schedule (after `%Setting%` resolution): 6-field NCRONTAB (5-field gets second 0) or a TimeSpan. */
export function parseSchedule(schedule: string, env: NodeJS.ProcessEnv = process.env): TimerSchedule {
  const expression = resolveScheduleSetting(schedule, env);
  const interval = parseTimeSpan(expression);
  if (interval !== undefined) return { kind: 'interval', expression, ms: interval };
  let parts = expression.split(/\s+/).filter(Boolean);
  if (parts.length === 5) parts = ['0', ...parts];
  if (parts.length !== 6) {
    throw new Error(
      `Invalid timer schedule "${expression}": expected 6 NCRONTAB fields "{second} {minute} {hour} {day} {month} {day-of-week}" or a TimeSpan like 00:05:00.`,
    );
  }
  const fields = parts.map((p, i) => parseField(p, FIELDS[i] as Field, expression, i === 5));
  return { kind: 'cron', expression, fields };
}

/** Next time strictly after `after` (UTC, whole seconds) the schedule fires. */
export function nextOccurrence(schedule: string | TimerSchedule, after: Date): Date {
  const s = typeof schedule === 'string' ? parseSchedule(schedule) : schedule;
  if (s.kind === 'interval') return new Date(after.getTime() + s.ms);
  const [secs, mins, hours, days, months, dows] = s.fields as [
    Set<number>,
    Set<number>,
    Set<number>,
    Set<number>,
    Set<number>,
    Set<number>,
  ];
  const t = new Date(Math.floor(after.getTime() / 1000) * 1000 + 1000);
  const limit = after.getTime() + 10 * 366 * 24 * 3600 * 1000;
  while (t.getTime() <= limit) {
    if (!months.has(t.getUTCMonth() + 1)) {
      t.setUTCMonth(t.getUTCMonth() + 1, 1);
      t.setUTCHours(0, 0, 0, 0);
      continue;
    }
    // NCrontab requires both day-of-month and day-of-week to match.
    if (!days.has(t.getUTCDate()) || !dows.has(t.getUTCDay())) {
      t.setUTCDate(t.getUTCDate() + 1);
      t.setUTCHours(0, 0, 0, 0);
      continue;
    }
    if (!hours.has(t.getUTCHours())) {
      t.setUTCHours(t.getUTCHours() + 1, 0, 0, 0);
      continue;
    }
    if (!mins.has(t.getUTCMinutes())) {
      t.setUTCMinutes(t.getUTCMinutes() + 1, 0, 0);
      continue;
    }
    if (!secs.has(t.getUTCSeconds())) {
      t.setUTCSeconds(t.getUTCSeconds() + 1, 0);
      continue;
    }
    return t;
  }
  throw new Error(`Timer schedule "${s.expression}" never fires.`);
}

export interface TimerStatus {
  last?: Date | undefined;
  next?: Date | undefined;
  isPastDue?: boolean;
}

/** The trigger payload the host sends; the library camelCases it into the `Timer` object. */
export function timerPayload(status: TimerStatus): RpcTypedData {
  const now = new Date();
  const iso = (d: Date | undefined): string => (d ?? new Date(0)).toISOString();
  return {
    json: JSON.stringify({
      Schedule: { AdjustForDST: true },
      ScheduleStatus: { Last: iso(status.last), Next: iso(status.next), LastUpdated: now.toISOString() },
      IsPastDue: status.isPastDue === true,
    }),
  };
}

export interface TimerTriggerOptions {
  app: LoadedApp;
  invoker: Invoker;
  log: HostLogger;
}

export interface RunningTimers {
  stop(): Promise<void>;
}

// setTimeout's maximum delay; longer waits are split.
const MAX_DELAY = 2_147_483_647;
// A tick that fires this late counts as past due.
const PAST_DUE_MS = 1000;

export function startTimerTriggers(options: TimerTriggerOptions): RunningTimers {
  const { app, invoker, log } = options;
  let stopped = false;
  const timers = new Set<NodeJS.Timeout>();
  const inFlight = new Set<Promise<unknown>>();

  const timerFunctions = [...app.registry.functions.values()].filter(
    (fn) => fn.triggerType.toLowerCase() === 'timertrigger',
  );
  // Parse everything up front so a bad schedule fails host start with a clear message.
  const schedules = timerFunctions.map((fn) => {
    try {
      return { fn, schedule: parseSchedule(typeof fn.trigger.schedule === 'string' ? fn.trigger.schedule : '') };
    } catch (err) {
      throw new Error(`Function '${fn.name}': ${err instanceof Error ? err.message : String(err)}`, { cause: err });
    }
  });

  function run(fn: RegisteredFunction, status: TimerStatus): Promise<unknown> {
    const p = invoker.invoke(fn, { inputData: [{ name: fn.triggerBindingName, data: timerPayload(status) }] });
    inFlight.add(p);
    void p.finally(() => inFlight.delete(p));
    return p;
  }

  function wait(at: Date, then: () => void): void {
    if (stopped) return;
    const delay = Math.max(0, at.getTime() - Date.now());
    const handle = setTimeout(
      () => {
        timers.delete(handle);
        if (stopped) return;
        if (delay > MAX_DELAY) wait(at, then);
        else then();
      },
      Math.min(delay, MAX_DELAY),
    );
    handle.unref(); // timers never keep the process alive on their own (the HTTP server does)
    timers.add(handle);
  }

  function schedule(fn: RegisteredFunction, sched: TimerSchedule, last: Date | undefined, from: Date): void {
    const next = nextOccurrence(sched, from);
    wait(next, () => {
      const firedAt = new Date();
      const following = nextOccurrence(sched, firedAt);
      // Invocations of one timer never overlap (the host holds a singleton lock); the next tick is scheduled after
      // this one completes, skipping occurrences missed meanwhile.
      void run(fn, {
        last: last ?? next,
        next: following,
        isPastDue: firedAt.getTime() - next.getTime() > PAST_DUE_MS,
      }).then(() => schedule(fn, sched, next, new Date(Math.max(Date.now(), next.getTime()))));
    });
  }

  for (const { fn, schedule: sched } of schedules) {
    log.info(
      `Timer function '${fn.name}' schedule: ${sched.expression}; next: ${nextOccurrence(sched, new Date()).toISOString()}`,
    );
    if (fn.trigger.runOnStartup === true) {
      const now = new Date();
      void run(fn, { last: now, next: nextOccurrence(sched, now), isPastDue: false }).then(() =>
        schedule(fn, sched, now, new Date()),
      );
    } else {
      schedule(fn, sched, undefined, new Date());
    }
  }

  return {
    async stop(): Promise<void> {
      stopped = true;
      for (const t of timers) clearTimeout(t);
      timers.clear();
      await Promise.allSettled([...inFlight]);
    },
  };
}
