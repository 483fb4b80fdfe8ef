import { appendFileSync } from "node:fs";
import { isEnvironmentName } from "../shared/environments";
import { RUNTIME_SCHEDULE, RuntimeSchedule } from "../shared/schedule";
import { runMain } from "./cli";
import { CommandSpec, parseCommand } from "./command";
import { lastFiring, parseCron } from "./cron";
import { OpsError } from "./errors";

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

export function localTime(instant: Date, timeZone: string): LocalTime {
    const parts = Object.fromEntries(
        new Intl.DateTimeFormat("en-US", { timeZone, year: "numeric", month: "2-digit", day: "2-digit", weekday: "short", hour: "2-digit", minute: "2-digit", hourCycle: "h23" })
            .formatToParts(instant)
            .map((part) => [part.type, part.value]),
    );
    return { date: `${parts.year}-${parts.month}-${parts.day}`, weekday: WEEKDAYS.indexOf(parts.weekday), hour: Number(parts.hour), minute: Number(parts.minute) };
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
export function decide(action: ScheduledAction, scheduledAt: Date, schedule: RuntimeSchedule = RUNTIME_SCHEDULE): Decision {
    const local = localTime(scheduledAt, schedule.timeZone);
    const wanted = action === "startup" ? schedule.startupHour : schedule.teardownHour;
    const when = `${WEEKDAYS[local.weekday]} ${local.date} ${String(local.hour).padStart(2, "0")}:${String(local.minute).padStart(2, "0")} ${schedule.timeZone}`;
    const catchUp = local.hour === wanted + 1;
    if (local.hour !== wanted && !catchUp) return { run: false, reason: `${when} is not the ${wanted}:00 hour of the ${action}; another cron line covers this day` };
    if (!schedule.weekdays.includes(local.weekday)) return { run: false, reason: `${when} is not a working day` };
    if (schedule.skipDates.includes(local.date)) return { run: false, reason: `${when} is a skip date` };
    if (catchUp) {
        const state = action === "teardown" ? "still has resources" : "is still down";
        return { run: true, catchUp: true, reason: `${when}: catch-up of the ${wanted}:00 ${action}, which acts only if runtime ${state} (GitHub may drop a scheduled run)` };
    }
    return { run: true, reason: `${when}: ${action} is due` };
}

export const GATE_SPEC: CommandSpec = {
    usage: "ts-node ops/schedule-gate.ts --action startup|teardown [--cron '<the cron line that fired>'] [--at ISO-TIME] [--environment dev|staging] [--skip-dates YYYY-MM-DD,...]",
    summary: "Decides whether a scheduled run is due, a catch-up, or not for today, and writes run, catch_up, reason and environments to $GITHUB_OUTPUT.",
    flags: {
        action: { type: "string", value: "startup|teardown", help: "which workflow asks (required)" },
        cron: { type: "string", value: "LINE", help: "the cron line that fired (github.event.schedule)", default: "none: judge --at itself" },
        at: { type: "string", value: "ISO-TIME", help: "the time to judge", default: "now" },
        environment: { type: "string", value: "dev|staging", help: "a manual run of one environment: always runs", default: "the schedule's environments" },
        "skip-dates": { type: "string", value: "YYYY-MM-DD,...", help: "more dates without startup or teardown", default: "none" },
    },
    examples: ["ts-node ops/schedule-gate.ts --action teardown --cron '5 3 * * 2-6'", "ts-node ops/schedule-gate.ts --action startup --environment staging"],
};
const USAGE = GATE_SPEC.usage;

/**
 * Writes `run`, `catch_up`, `reason` and `environments` (a JSON list for the job matrix) to
 * $GITHUB_OUTPUT. A manual run (--environment) always runs, for that environment only.
 */
export async function main(argv: string[], _signal?: unknown, now: Date = new Date(), output: (line: string) => void = writeOutput): Promise<number> {
    const flags = parseCommand(argv, GATE_SPEC) as { action?: string; cron?: string; at?: string; environment?: string; "skip-dates"?: string };
    if (flags.action !== "startup" && flags.action !== "teardown") throw new OpsError(`--action must be startup or teardown\nusage: ${USAGE}`, 2);
    const schedule: RuntimeSchedule = { ...RUNTIME_SCHEDULE, skipDates: [...RUNTIME_SCHEDULE.skipDates, ...(flags["skip-dates"]?.split(",").map((date) => date.trim()).filter(Boolean) ?? [])] };

    let decision: Decision;
    let environments: readonly string[] = schedule.environments;
    if (flags.environment) {
        if (!isEnvironmentName(flags.environment) || !schedule.environments.includes(flags.environment)) {
            throw new OpsError(`--environment must be one of ${schedule.environments.join(", ")} (the schedule never touches ${flags.environment})`, 2);
        }
        environments = [flags.environment];
        decision = { run: true, reason: `manual ${flags.action} of ${flags.environment}` };
    } else {
        const at = flags.at ? new Date(flags.at) : now;
        if (Number.isNaN(at.getTime())) throw new OpsError(`--at "${flags.at}" is not a time`, 2);
        const scheduledAt = flags.cron ? lastFiring(parseCron(flags.cron), at) : at;
        if (!scheduledAt) throw new OpsError(`cron "${flags.cron}" did not fire in the day before ${at.toISOString()}`, 2);
        decision = decide(flags.action, scheduledAt, schedule);
    }
    output(`run=${decision.run}`);
    output(`catch_up=${decision.catchUp === true}`);
    output(`reason=${decision.reason}`);
    output(`environments=${JSON.stringify(environments)}`);
    return 0;
}

function writeOutput(line: string): void {
    console.log(line);
    if (process.env.GITHUB_OUTPUT) appendFileSync(process.env.GITHUB_OUTPUT, `${line}\n`);
}

if (require.main === module) runMain((argv) => main(argv), { spec: GATE_SPEC });
