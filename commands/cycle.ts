import { ECSClient } from "@aws-sdk/client-ecs";
import { confirmHelp, ENV_VALUE, environmentFrom, positiveNumber, requireProdConfirmation } from "../cli/args";
import { Cancellation, cancellationOf, runMain, timeoutFlag, timeoutMinutes } from "../cli/run-main";
import { CommandSpec, parseCommand } from "../cli/command";
import { OpsError } from "../cli/errors";
import { SendsCommands } from "../cli/sdk-client";
import { OutputFile } from "../cli/output-file";
import { isRunReport, reportText } from "../stacks/report";
import { Stacks } from "../stacks/automation";
import { CycleOptions, runCycle } from "../stacks/cycle";
import { HEALTH_PATHS } from "../shared/services";

export const CYCLE_SPEC: CommandSpec = {
    usage: `npm run cycle -- --env <${ENV_VALUE}> [flags]`,
    summary: `The end-to-end check of the split: base up, runtime up, health (ECS runs what was deployed, ${HEALTH_PATHS.join(" and ")} answer), runtime destroy, base intact, restore, health.`,
    flags: {
        env: { type: "string", value: ENV_VALUE, help: "the environment to cycle (required)" },
        "skip-base": {
            type: "boolean",
            help: "do not deploy base; require it to exist with no pending changes",
            default: "off",
        },
        "dry-run": { type: "boolean", help: "previews only; nothing changes", default: "off" },
        "keep-down": { type: "boolean", help: "stop after the base check, leaving runtime down", default: "off" },
        report: {
            type: "string",
            value: "FILE",
            help: "write the summary as JSON, after every step (a new file, or a report cycle wrote before)",
            default: "none",
        },
        force: { type: "boolean", help: "let --report replace a file that is not a cycle report", default: "off" },
        "health-timeout": {
            type: "string",
            value: "SECONDS",
            help: "how long each health check waits",
            default: "600",
        },
        timeout: { type: "string", value: "MINUTES", help: "cancel cleanly after this long", default: "none" },
        confirm: {
            type: "string",
            value: "runtime-<env>",
            help: confirmHelp("cycle, which destroys the runtime of,"),
        },
    },
    examples: [
        "npm run cycle -- --env dev --report cycle-dev.json",
        "npm run cycle -- --env staging --skip-base --keep-down",
    ],
};

export async function main(
    argv: string[],
    cancel: AbortSignal | Cancellation,
    stacks?: Stacks,
    log: (line: string) => void = console.log,
    ecs?: SendsCommands,
): Promise<number> {
    const flags = parseCommand(argv, CYCLE_SPEC);
    const options: CycleOptions = {
        env: environmentFrom(flags.env, CYCLE_SPEC.usage),
        skipBase: flags["skip-base"] === true,
        dryRun: flags["dry-run"] === true,
        keepDown: flags["keep-down"] === true,
        health: { deadlineMs: positiveNumber(flags["health-timeout"], "--health-timeout", 600) * 1000 },
    };
    requireProdConfirmation(options.env, flags.confirm, "npm run cycle destroys", options.dryRun);
    // runMain starts the --timeout timer before parsing; a bad value is still reported here.
    timeoutMinutes(flags.timeout);
    // The report's path is checked before the first step: a wrong one fails now, not after an hour of deploys.
    const reportFile =
        typeof flags.report === "string"
            ? OutputFile.claim(flags.report, {
                  flag: "--report",
                  force: flags.force === true,
                  wroteIt: (text) => isRunReport(text, "cycle"),
                  what: "a report",
              })
            : undefined;
    if (flags.force === true && !reportFile)
        throw new OpsError(`--force only lets --report replace a file; give --report FILE, or leave --force out`, 2);
    // Written at once, so a cycle that dies before its first step still leaves a report.
    const startedAt = new Date().toISOString();
    reportFile?.write(
        reportText({ command: "cycle", env: options.env, startedAt, passed: false, exitCode: 1, steps: [] }),
    );
    const { signal, interrupt } = cancellationOf(cancel);
    const report = await runCycle(options, {
        stacks: stacks ?? (await Stacks.open()),
        ecs: ecs ?? new ECSClient({}),
        log,
        signal,
        interrupt,
        onStep: reportFile ? (partial) => reportFile.write(reportText(partial)) : undefined,
    });
    reportFile?.write(reportText(report));
    return report.exitCode;
}

if (require.main === module) runMain(main, { spec: CYCLE_SPEC, timeoutMinutes: timeoutFlag });
