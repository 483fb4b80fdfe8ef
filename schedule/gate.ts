import { RUNTIME_SCHEDULE, RuntimeSchedule } from "../shared/schedule";

export type ScheduledAction = "startup" | "teardown";

export interface LocalTime {
    /** YYYY-MM-DD in the schedule's time zone. */
    readonly date: string;
    /** 0 = Sunday ... 6 = Saturday. */
    readonly weekday: number;
    readonly hour: number;
    readonly minute: number;
}

const WEEKDAYS = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"];

/** One formatter per time zone: making one costs far more than using it, and a year's simulation asks half a million times. */
const formatters = new Map<string, Intl.DateTimeFormat>();

export function localTime(instant: Date, timeZone: string): LocalTime {
    if (!formatters.has(timeZone)) {
        formatters.set(
            timeZone,
            new Intl.DateTimeFormat("en-US", {
                timeZone,
                year: "numeric",
                month: "2-digit",
                day: "2-digit",
                weekday: "short",
                hour: "2-digit",
                minute: "2-digit",
                hourCycle: "h23",
            }),
        );
    }
    const parts = Object.fromEntries(
        formatters
            .get(timeZone)!
            .formatToParts(instant)
            .map((part) => [part.type, part.value]),
    );
    return {
        date: `${parts.year}-${parts.month}-${parts.day}`,
        weekday: WEEKDAYS.indexOf(parts.weekday),
        hour: Number(parts.hour),
        minute: Number(parts.minute),
    };
}

export interface Decision {
    readonly run: boolean;
    /**
     * A run an hour after the due time: GitHub may drop or delay a scheduled run, so the next cron
     * line repeats it, and it acts only if the first did not (runtime still up for a teardown,
     * still down for a startup).
     */
    readonly catchUp?: boolean;
    readonly reason: string;
}

/**
 * GitHub cron is UTC, so each workflow has two cron lines an hour apart, one right in daylight
 * saving time and one right in standard time; this decides which of them is the real one. It
 * judges the time the run was scheduled for, not when it started, because GitHub may start a
 * scheduled run many minutes late.
 */
export function decide(
    action: ScheduledAction,
    scheduledAt: Date,
    schedule: RuntimeSchedule = RUNTIME_SCHEDULE,
): Decision {
    const local = localTime(scheduledAt, schedule.timeZone);
    const wanted = action === "startup" ? schedule.startupHour : schedule.teardownHour;
    const when = `${WEEKDAYS[local.weekday]} ${local.date} ${String(local.hour).padStart(2, "0")}:${String(local.minute).padStart(2, "0")} ${schedule.timeZone}`;
    const catchUp = local.hour === wanted + 1;
    if (local.hour !== wanted && !catchUp)
        return {
            run: false,
            reason: `${when} is not the ${wanted}:00 hour of the ${action}; another cron line covers this day`,
        };
    if (!schedule.weekdays.includes(local.weekday)) return { run: false, reason: `${when} is not a working day` };
    if (schedule.skipDates.includes(local.date)) return { run: false, reason: `${when} is a skip date` };
    if (catchUp) {
        const state = action === "teardown" ? "still has resources" : "is still down";
        return {
            run: true,
            catchUp: true,
            reason: `${when}: catch-up of the ${wanted}:00 ${action}, which acts only if runtime ${state} (GitHub may drop a scheduled run)`,
        };
    }
    return { run: true, reason: `${when}: ${action} is due` };
}
