import { RUNTIME_SCHEDULE, RuntimeSchedule } from "../shared/schedule";
import { localTime, ScheduledAction } from "./gate";

/**
 * The cron lines of the teardown and startup workflows, derived from shared/schedule.ts.
 * `npm run schedule:write` writes them; a spec fails, naming the file and that command, when a
 * workflow holds other lines. (The environments a manual run may pick are the repository's GitHub
 * Environments, `type: environment`, and the gate refuses one the schedule does not act on.)
 */

/** The command that writes them, for messages that ask for it. */
export const WRITE_COMMAND = "npm run schedule:write";

/**
 * Five past the hour: GitHub delays scheduled runs at times of high load, the start of every hour
 * among them (GitHub docs, "Events that trigger workflows", schedule).
 */
const MINUTE = 5;
const MINUTES_A_DAY = 24 * 60;

export interface CronLine {
    readonly cron: string;
    /** The local times it stands for, e.g. "20:05 PST; 21:05 PDT catch-up". */
    readonly comment: string;
}

/** The zone's offsets from UTC in minutes over this year and the next, with their short names (PDT). */
function offsets(timeZone: string, year: number): Map<number, string> {
    const name = new Intl.DateTimeFormat("en-US", { timeZone, timeZoneName: "short" });
    const found = new Map<number, string>();
    for (let time = Date.UTC(year, 0, 1, 12); time < Date.UTC(year + 2, 0, 1); time += 86_400_000) {
        const instant = new Date(time);
        const local = localTime(instant, timeZone);
        const [y, m, d] = local.date.split("-").map(Number);
        const offset = Math.round((Date.UTC(y, m - 1, d, local.hour, local.minute) - time) / 60_000);
        const abbreviation = name.formatToParts(instant).find((part) => part.type === "timeZoneName")?.value;
        if (!found.has(offset)) found.set(offset, abbreviation ?? `UTC${offset / 60}`);
    }
    return found;
}

/** Days of the week (0 = Sunday) as cron writes them: ranges where they run on, e.g. 1-5 or 0,2-6. */
function dayField(days: readonly number[]): string {
    const sorted = [...new Set(days)].sort((a, b) => a - b);
    const parts: string[] = [];
    for (let i = 0; i < sorted.length; i++) {
        let j = i;
        while (j + 1 < sorted.length && sorted[j + 1] === sorted[j] + 1) j++;
        parts.push(j > i ? `${sorted[i]}-${sorted[j]}` : String(sorted[i]));
        i = j;
    }
    return parts.join(",");
}

const clock = (minutes: number) =>
    `${String(Math.floor(minutes / 60) % 24).padStart(2, "0")}:${String(minutes % 60).padStart(2, "0")}`;

/**
 * The UTC cron lines of one action: for each of the zone's offsets, one at the local hour and a
 * catch-up an hour later (schedule/gate.ts tells them apart and drops the others), on the local
 * working days moved to UTC's. Lines two offsets share are written once.
 */
export function cronLines(
    action: ScheduledAction,
    schedule: RuntimeSchedule = RUNTIME_SCHEDULE,
    year = new Date().getUTCFullYear(),
): CronLine[] {
    const hour = action === "startup" ? schedule.startupHour : schedule.teardownHour;
    const lines = new Map<number, string[]>();
    for (const [offset, abbreviation] of offsets(schedule.timeZone, year)) {
        for (const [local, what] of [
            [hour * 60 + MINUTE, ""],
            [(hour + 1) * 60 + MINUTE, " catch-up"],
        ] as const) {
            const utc = local - offset;
            lines.set(utc, [...(lines.get(utc) ?? []), `${clock(local)} ${abbreviation}${what}`]);
        }
    }
    return [...lines]
        .sort(([a], [b]) => a - b)
        .map(([utc, comments]) => {
            const shift = Math.floor(utc / MINUTES_A_DAY);
            const inDay = utc - shift * MINUTES_A_DAY;
            const days = dayField(schedule.weekdays.map((day) => (((day + shift) % 7) + 7) % 7));
            return {
                cron: `${inDay % 60} ${Math.floor(inDay / 60)} * * ${days}`,
                comment: comments.join("; "),
            };
        });
}

/** The workflow of each action. */
export const SCHEDULED_WORKFLOWS: Readonly<Record<ScheduledAction, string>> = {
    teardown: "nightly-teardown.yml",
    startup: "morning-startup.yml",
};

/** A workflow's text with its `schedule:` block's cron lines those of `action`, the rest as it was. */
export function withCronLines(
    text: string,
    action: ScheduledAction,
    schedule: RuntimeSchedule = RUNTIME_SCHEDULE,
): string {
    const block = /\n {2}schedule:\n(?: {4}- cron: .*\n)+/;
    if (!block.test(text)) throw new Error(`${SCHEDULED_WORKFLOWS[action]}: no schedule: block of cron lines`);
    const lines = cronLines(action, schedule).map((line) => `    - cron: "${line.cron}" # ${line.comment}\n`);
    return text.replace(block, `\n  schedule:\n${lines.join("")}`);
}
