import { ENVIRONMENT_NAMES } from "../shared/environments";
import { RUNTIME_SCHEDULE, RuntimeSchedule } from "../shared/schedule";
import { SERVICE_NAMES } from "../shared/services";
import { localTime, ScheduledAction } from "./gate";

/**
 * What the workflows hold that the declarations decide: the cron lines of the teardown and the
 * startup (from shared/schedule.ts) and the choices of their manual runs (the scheduled
 * environments; every environment and service for a release). `npm run workflows:write` writes
 * them; a spec fails, naming the file and that command, when a workflow holds anything else.
 */

/** The command that writes them, for messages that ask for it. */
export const WRITE_COMMAND = "npm run workflows:write";

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

/** What each workflow file holds of the declarations. */
const WORKFLOWS: Readonly<
    Record<
        string,
        {
            readonly action?: ScheduledAction;
            readonly environments: (schedule: RuntimeSchedule) => readonly string[];
            readonly services?: boolean;
        }
    >
> = {
    "nightly-teardown.yml": { action: "teardown", environments: (schedule) => schedule.environments },
    "morning-startup.yml": { action: "startup", environments: (schedule) => schedule.environments },
    "release.yml": { environments: () => ENVIRONMENT_NAMES, services: true },
};

export const DERIVED_WORKFLOWS = Object.keys(WORKFLOWS);

/** A choice input's `options: [...]` and `default:` lines, rewritten (the first option is the default). */
function withChoices(text: string, input: string, choices: readonly string[], file: string): string {
    const block = new RegExp(
        `(\\n {6}${input}:\\n(?: {8}.*\\n)*? {8}options: )\\[[^\\]\\n]*\\]\\n( {8}default: ).*\\n`,
    );
    if (!block.test(text)) throw new Error(`${file}: no choice input "${input}" with options and a default`);
    return text.replace(block, `$1[${choices.join(", ")}]\n$2${choices[0]}\n`);
}

/** The workflow file `file` with what the declarations decide written in, the rest as it was. */
export function derivedWorkflow(file: string, text: string, schedule: RuntimeSchedule = RUNTIME_SCHEDULE): string {
    const derived = WORKFLOWS[file];
    if (!derived) throw new Error(`${file} holds nothing the declarations decide`);
    let result = withChoices(text, "environment", derived.environments(schedule), file);
    if (derived.services) result = withChoices(result, "service", ["both", ...SERVICE_NAMES], file);
    if (derived.action) {
        const block = /\n {2}schedule:\n(?: {4}- cron: .*\n)+/;
        if (!block.test(result)) throw new Error(`${file}: no schedule: block of cron lines`);
        const lines = cronLines(derived.action, schedule).map(
            (line) => `    - cron: "${line.cron}" # ${line.comment}\n`,
        );
        result = result.replace(block, `\n  schedule:\n${lines.join("")}`);
    }
    return result;
}
