import { appendFileSync } from "node:fs";
import { isEnvironmentName } from "../shared/environments";
import { RUNTIME_SCHEDULE, RuntimeSchedule } from "../shared/schedule";
import { runMain } from "../cli/run-main";
import { CommandSpec, parseCommand } from "../cli/command";
import { lastFiring, parseCron } from "../schedule/cron";
import { OpsError } from "../cli/errors";
import { Decision, decide } from "../schedule/gate";
import { committedConfig, StackSource } from "../offline/evaluate";
import { RuntimeConfig } from "../shared/config/types";
import { stackNameOf } from "../shared/stack-name";

export const GATE_SPEC: CommandSpec = {
    usage: `node -r ./cli/register.cjs commands/schedule-gate.ts --action startup|teardown [--cron '<the cron line that fired>'] [--at ISO-TIME] [--environment ${RUNTIME_SCHEDULE.environments.join("|")}] [--skip-dates YYYY-MM-DD,...]`,
    summary:
        "Decides whether a scheduled run is due, a catch-up, or not for today, and writes run, catch_up, reason and environments to $GITHUB_OUTPUT.",
    flags: {
        action: { type: "string", value: "startup|teardown", help: "which workflow asks (required)" },
        cron: {
            type: "string",
            value: "LINE",
            help: "the cron line that fired (github.event.schedule)",
            default: "none: judge --at itself",
        },
        at: { type: "string", value: "ISO-TIME", help: "the time to judge", default: "now" },
        environment: {
            type: "string",
            value: RUNTIME_SCHEDULE.environments.join("|"),
            help: "a manual run of one environment: always runs",
            default: "the schedule's environments",
        },
        "skip-dates": {
            type: "string",
            value: "YYYY-MM-DD,...",
            help: "more dates without startup or teardown",
            default: "none",
        },
    },
    examples: [
        "node -r ./cli/register.cjs commands/schedule-gate.ts --action teardown --cron '5 3 * * 2-6'",
        "node -r ./cli/register.cjs commands/schedule-gate.ts --action startup --environment staging",
    ],
};
const USAGE = GATE_SPEC.usage;

/**
 * Writes `run`, `catch_up`, `reason` and `environments` (a JSON list for the job matrix) to
 * $GITHUB_OUTPUT. A manual run (--environment) always runs, for that environment only.
 */
export async function main(
    argv: string[],
    _signal?: unknown,
    now: Date = new Date(),
    output: (line: string) => void = writeOutput,
    source: StackSource = {},
): Promise<number> {
    const flags = parseCommand(argv, GATE_SPEC) as {
        action?: string;
        cron?: string;
        at?: string;
        environment?: string;
        "skip-dates"?: string;
    };
    if (flags.action !== "startup" && flags.action !== "teardown")
        throw new OpsError(`--action must be startup or teardown\nusage: ${USAGE}`, 2);
    const schedule: RuntimeSchedule = {
        ...RUNTIME_SCHEDULE,
        skipDates: [
            ...RUNTIME_SCHEDULE.skipDates,
            ...(flags["skip-dates"]
                ?.split(",")
                .map((date) => date.trim())
                .filter(Boolean) ?? []),
        ],
    };

    let decision: Decision;
    let environments: readonly string[] = schedule.environments;
    if (flags.environment) {
        if (!isEnvironmentName(flags.environment) || !schedule.environments.includes(flags.environment)) {
            throw new OpsError(
                `--environment must be one of ${schedule.environments.join(", ")} (the schedule never touches ${flags.environment})`,
                2,
            );
        }
        environments = [flags.environment];
        decision = { run: true, reason: `manual ${flags.action} of ${flags.environment}` };
    } else {
        const at = flags.at ? new Date(flags.at) : now;
        if (Number.isNaN(at.getTime())) throw new OpsError(`--at "${flags.at}" is not a time`, 2);
        const scheduledAt = flags.cron ? lastFiring(parseCron(flags.cron), at) : at;
        if (!scheduledAt)
            throw new OpsError(`cron "${flags.cron}" did not fire in the day before ${at.toISOString()}`, 2);
        decision = decide(flags.action, scheduledAt, schedule);
        const asleep = environments.filter((env) => asleepAtRest(env, source));
        if (asleep.length > 0) {
            environments = environments.filter((env) => !asleep.includes(env));
            decision = {
                ...decision,
                run: decision.run && environments.length > 0,
                reason: `${decision.reason}; left out: ${asleep.join(", ")} (wakeOnRequest in Pulumi.${asleep.map((env) => stackNameOf("runtime", env)).join(".yaml, Pulumi.")}.yaml: asleep at rest and woken by a request, so its runtime stays deployed)`,
            };
        }
    }
    output(`run=${decision.run}`);
    output(`catch_up=${decision.catchUp === true}`);
    output(`reason=${decision.reason}`);
    output(`environments=${JSON.stringify(environments)}`);
    return 0;
}

/**
 * An environment whose committed runtime file sets wakeOnRequest sleeps by itself and must stay
 * deployed to be woken: the teardown would take away what answers the first request, and the startup
 * would wake it for nobody.
 */
function asleepAtRest(env: string, source: StackSource): boolean {
    const config = committedConfig(stackNameOf("runtime", env), source) as RuntimeConfig;
    return config.wakeOnRequest !== undefined;
}

function writeOutput(line: string): void {
    console.log(line);
    if (process.env.GITHUB_OUTPUT) appendFileSync(process.env.GITHUB_OUTPUT, `${line}\n`);
}

if (require.main === module) runMain((argv) => main(argv), { spec: GATE_SPEC });
