import { readFileSync } from "node:fs";
import * as path from "node:path";
import { CommandSpec, parseCommand } from "../cli/command";
import { OutputFile } from "../cli/output-file";
import { runMain } from "../cli/run-main";
import { ScheduledAction } from "../schedule/gate";
import { RUNTIME_SCHEDULE, RuntimeSchedule } from "../shared/schedule";
import { SCHEDULED_WORKFLOWS, withCronLines, WRITE_COMMAND } from "../schedule/cron-lines";

const WORKFLOWS = path.join(__dirname, "..", ".github", "workflows");

export const WRITE_SCHEDULE_SPEC: CommandSpec = {
    usage: "npm run schedule:write [-- --check]",
    summary:
        "Writes the nightly teardown's and morning startup's cron lines from shared/schedule.ts (its time zone, hours and working days) into their workflows. Run it after changing the schedule.",
    flags: {
        check: {
            type: "boolean",
            help: "change nothing; exit 1, naming each file, when one is out of date",
            default: "off",
        },
    },
    examples: ["npm run schedule:write", "npm run schedule:write -- --check"],
};

/** Each scheduled workflow's cron lines, rewritten (or, with --check, compared). */
export async function main(
    argv: string[],
    print: (line: string) => void = console.log,
    dir: string = WORKFLOWS,
    schedule: RuntimeSchedule = RUNTIME_SCHEDULE,
): Promise<number> {
    const flags = parseCommand(argv, WRITE_SCHEDULE_SPEC);
    const stale: string[] = [];
    for (const [action, file] of Object.entries(SCHEDULED_WORKFLOWS) as Array<[ScheduledAction, string]>) {
        const where = path.join(dir, file);
        const text = readFileSync(where, "utf8");
        const derived = withCronLines(text, action, schedule);
        if (derived === text) continue;
        stale.push(path.relative(process.cwd(), where));
        if (!flags.check) OutputFile.owned(where).write(derived);
    }
    if (flags.check) {
        for (const file of stale)
            print(`${file}: its cron lines are not those of shared/schedule.ts; run ${WRITE_COMMAND}`);
        return stale.length > 0 ? 1 : 0;
    }
    print(stale.length > 0 ? `wrote ${stale.join(", ")}` : "the workflows were up to date");
    return 0;
}

if (require.main === module) runMain((argv) => main(argv), { spec: WRITE_SCHEDULE_SPEC });
