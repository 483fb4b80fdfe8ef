import { ENVIRONMENT_NAMES, ENVIRONMENTS, EnvironmentName } from "./environments";

/**
 * When runtime is up: the one schedule the nightly teardown and morning startup workflows follow
 * (their UTC cron lines are gated by commands/schedule-gate.ts against it) and the cost model prices.
 */
export interface RuntimeSchedule {
    /** IANA time zone the hours are in; daylight saving time included. */
    readonly timeZone: string;
    /** Local hour runtime comes up, and the hour it is torn down, on working days. */
    readonly startupHour: number;
    readonly teardownHour: number;
    /** Working days, 0 = Sunday ... 6 = Saturday. */
    readonly weekdays: readonly number[];
    /** Local dates (YYYY-MM-DD) with neither startup nor teardown: holidays. */
    readonly skipDates: readonly string[];
    /** Environments the schedule tears down and brings back: those declared `scheduled`, never a production-like one. */
    readonly environments: readonly EnvironmentName[];
}

export const RUNTIME_SCHEDULE: RuntimeSchedule = {
    timeZone: "America/Los_Angeles",
    startupHour: 8,
    teardownHour: 20,
    weekdays: [1, 2, 3, 4, 5],
    skipDates: [],
    // Read when asked, so an environment declared after this module loaded (a test's) is on it too.
    get environments() {
        return ENVIRONMENT_NAMES.filter((env) => ENVIRONMENTS[env].scheduled);
    },
};

/** Hours a week runtime is up on the schedule (12 h x 5 days = 60 of 168). */
export function weeklyUpHours(schedule: RuntimeSchedule = RUNTIME_SCHEDULE): number {
    return (schedule.teardownHour - schedule.startupHour) * schedule.weekdays.length;
}
