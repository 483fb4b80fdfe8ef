import { stackNameOf } from "../shared/stack-name";
import { environmentFrom, positiveNumber, requireProdConfirmation } from "../cli/args";
import { Cancellation, cancellationOf, runMain, timeoutFlag, timeoutMinutes } from "../cli/run-main";
import { CommandSpec, parseCommand } from "../cli/command";
import { CANCELLED_EXIT_CODE, OpsError } from "../cli/errors";
import { appendJobSummary } from "../stacks/job-summary";
import { OperationContext, Stacks } from "../stacks/automation";
import { RuntimeCommandOptions, runtimeDown, runtimeUp } from "../stacks/runtime";
import { staleLockMinutes } from "../stacks/job-timeout";

const FLAGS: CommandSpec["flags"] = {
    env: { type: "string", value: "dev|staging|prod", help: "the environment whose runtime to act on (required)" },
    "dry-run": { type: "boolean", help: "preview only; change nothing", default: "off" },
    "retry-after-cancel": { type: "boolean", help: "on a lock older than --stale-lock-minutes, clear it, refresh and retry once", default: "off" },
    "stale-lock-minutes": { type: "string", value: "MINUTES", help: "age after which a lock counts as left by a killed run", default: `${staleLockMinutes()}, the longest timeout-minutes of the deploy jobs in .github/workflows` },
    "wait-for-lock": { type: "string", value: "MINUTES", help: "first wait this long for another run's lock to be released (or to turn stale)", default: "0" },
    "only-if-needed": { type: "boolean", help: "act only if runtime is not already up (up) or down (down): the schedule's catch-up", default: "off" },
    "health-timeout": { type: "string", value: "SECONDS", help: "how long up waits for / and /health to answer", default: "600" },
    timeout: { type: "string", value: "MINUTES", help: "cancel cleanly after this long", default: "none" },
    confirm: { type: "string", value: "runtime-prod", help: "required to destroy runtime-prod" },
    "on-demand": { type: "boolean", help: "up: run on FARGATE for this run whatever spot says, without changing the stack file", default: "off" },
    "on-demand-fallback": { type: "boolean", help: "up: if the services are not healthy on Spot within the health window, deploy again on demand", default: "off" },
};

export const UP_SPEC: CommandSpec = {
    usage: "npm run up -- --env <dev|staging|prod> [flags]",
    summary: "Brings an environment's runtime back (refusing when base is missing) and waits until / and /health answer.",
    flags: FLAGS,
    examples: ["npm run up -- --env dev", "npm run up -- --env staging --on-demand --health-timeout 900"],
};

export const DOWN_SPEC: CommandSpec = {
    usage: "npm run down -- --env <dev|staging|prod> [flags]",
    summary: "Destroys an environment's runtime only; base is never touched.",
    flags: FLAGS,
    examples: ["npm run down -- --env dev", "npm run down -- --env staging --retry-after-cancel --dry-run"],
};

export async function main(argv: string[], cancel: AbortSignal | Cancellation, stacks?: Stacks, log: (line: string) => void = console.log): Promise<number> {
    const [action, ...rest] = argv;
    if (action !== "up" && action !== "down") throw new OpsError(`the first argument must be up or down (got "${action ?? ""}")\nusage: ${UP_SPEC.usage}`, 2);
    const spec = action === "up" ? UP_SPEC : DOWN_SPEC;
    const flags = parseCommand(rest, spec);
    const env = environmentFrom(flags.env, spec.usage);
    if (action === "down" && flags["dry-run"] !== true) requireProdConfirmation(env, flags.confirm, "npm run down destroys");
    timeoutMinutes(flags.timeout);
    const options: RuntimeCommandOptions = {
        dryRun: flags["dry-run"] === true,
        retryAfterCancel: flags["retry-after-cancel"] === true,
        staleLockMinutes: positiveNumber(flags["stale-lock-minutes"], "--stale-lock-minutes", staleLockMinutes()),
        waitForLockMinutes: positiveNumber(flags["wait-for-lock"], "--wait-for-lock", 0),
        onlyIfNeeded: flags["only-if-needed"] === true,
        onDemand: flags["on-demand"] === true,
        onDemandFallback: flags["on-demand-fallback"] === true,
        healthDeadlineMs: positiveNumber(flags["health-timeout"], "--health-timeout", 600) * 1000,
    };
    const { signal, interrupt } = cancellationOf(cancel);
    const ops = stacks ?? (await Stacks.open());
    const context: OperationContext = { onOutput: (text) => log(text.replace(/\n$/, "")), signal, interrupt };
    const started = Date.now();
    const summary = { action: `${options.dryRun ? "preview " : ""}${action === "up" ? "startup" : "teardown"} of`, stack: stackNameOf("runtime", env) };
    const notes: string[] = [];
    const logged = (line: string) => {
        if (/on demand/.test(line)) notes.push(line);
        log(line);
    };
    try {
        const url = action === "up" ? await runtimeUp(ops, env, context, options, logged) : (await runtimeDown(ops, env, context, options, logged), undefined);
        if (url) log(`runtime-${env} is up: ${url}`);
        appendJobSummary({ ...summary, result: "succeeded", durationMs: Date.now() - started, url, detail: notes.join("\n") || undefined });
        return 0;
    } catch (error) {
        const cancelled = error instanceof OpsError && error.exitCode === CANCELLED_EXIT_CODE;
        appendJobSummary({ ...summary, result: cancelled ? "cancelled" : "failed", durationMs: Date.now() - started, detail: [...notes, (error as Error).message].join("\n") });
        throw error;
    }
}

if (require.main === module) runMain(main, { spec: (argv) => (argv[0] === "down" ? DOWN_SPEC : UP_SPEC), timeoutMinutes: timeoutFlag });
