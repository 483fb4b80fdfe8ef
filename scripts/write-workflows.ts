import { readFileSync, writeFileSync } from "node:fs";
import * as path from "node:path";
import { CommandSpec, parseCommand } from "../cli/command";
import { runMain } from "../cli/run-main";
import { RUNTIME_SCHEDULE, RuntimeSchedule } from "../shared/schedule";
import { DERIVED_WORKFLOWS, derivedWorkflow, WRITE_COMMAND } from "../schedule/workflow-lines";

const WORKFLOWS = path.join(__dirname, "..", ".github", "workflows");

export const WRITE_WORKFLOWS_SPEC: CommandSpec = {
    usage: "npm run workflows:write [-- --check]",
    summary:
        "Writes into the workflows what shared/schedule.ts and shared/environments.ts decide: the teardown's and startup's cron lines and the environments and services their manual runs offer. Run it after changing either file.",
    flags: {
        check: {
            type: "boolean",
            help: "change nothing; exit 1, naming each file, when one is out of date",
            default: "off",
        },
    },
    examples: ["npm run workflows:write", "npm run workflows:write -- --check"],
};

/** Each workflow file the declarations decide part of, rewritten (or, with --check, compared). */
export async function main(
    argv: string[],
    print: (line: string) => void = console.log,
    dir: string = WORKFLOWS,
    schedule: RuntimeSchedule = RUNTIME_SCHEDULE,
): Promise<number> {
    const flags = parseCommand(argv, WRITE_WORKFLOWS_SPEC);
    const stale: string[] = [];
    for (const file of DERIVED_WORKFLOWS) {
        const where = path.join(dir, file);
        const text = readFileSync(where, "utf8");
        const derived = derivedWorkflow(file, text, schedule);
        if (derived === text) continue;
        stale.push(path.relative(process.cwd(), where));
        if (!flags.check) writeFileSync(where, derived);
    }
    if (flags.check) {
        for (const file of stale)
            print(`${file} is out of date with shared/schedule.ts and shared/environments.ts; run ${WRITE_COMMAND}`);
        return stale.length > 0 ? 1 : 0;
    }
    print(stale.length > 0 ? `wrote ${stale.join(", ")}` : "the workflows were up to date");
    return 0;
}

if (require.main === module) runMain((argv) => main(argv), { spec: WRITE_WORKFLOWS_SPEC });
