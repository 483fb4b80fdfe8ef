import { EnvironmentName } from "../shared/environments";
import { stackNameOf } from "../shared/stack-name";
import { environmentFrom, parseFlags, positiveNumber } from "./args";
import { runMain, timeoutFlag } from "./cli";
import { OpsError } from "./errors";
import { waitForHealthy } from "./health";
import { describeChanges } from "./report";
import { OperationContext, Stacks } from "./stacks";

/** Brings an environment's runtime up (after checking its base exists) and waits for it to answer. */
export async function runtimeUp(stacks: Stacks, env: EnvironmentName, context: OperationContext, healthDeadlineMs: number, log: (line: string) => void): Promise<string> {
    const base = stackNameOf("base", env);
    const runtime = stackNameOf("runtime", env);
    const listing = await stacks.list();
    if ((listing.get(base)?.resourceCount ?? 0) === 0) {
        throw new OpsError(`${runtime}: no base stack "${base}" with resources in this backend; run "pulumi up -s ${base}" first (or set discovery: tags in Pulumi.${runtime}.yaml)`);
    }
    log(`up ${runtime}: ${describeChanges(await stacks.up(runtime, context))}`);
    const url = String((await stacks.outputs(runtime)).url ?? "");
    await waitForHealthy(url, { deadlineMs: healthDeadlineMs, log, signal: context.signal });
    return url;
}

/** Destroys an environment's runtime only; base is never touched. */
export async function runtimeDown(stacks: Stacks, env: EnvironmentName, context: OperationContext, log: (line: string) => void): Promise<void> {
    const runtime = stackNameOf("runtime", env);
    log(`destroy ${runtime}: ${describeChanges(await stacks.destroy(runtime, context))}`);
}

const USAGE = "npm run up|down -- --env <dev|staging|prod> [--health-timeout SECONDS] [--timeout MINUTES]";

export async function main(argv: string[], signal: AbortSignal, stacks?: Stacks, log: (line: string) => void = console.log): Promise<number> {
    const [action, ...rest] = argv;
    if (action !== "up" && action !== "down") throw new OpsError(`the first argument must be up or down (got "${action ?? ""}")\nusage: ${USAGE}`, 2);
    const flags = parseFlags(rest, { env: { type: "string" }, "health-timeout": { type: "string" }, timeout: { type: "string" } }, USAGE);
    const env = environmentFrom(flags.env, USAGE);
    const ops = stacks ?? (await Stacks.open());
    const context: OperationContext = { onOutput: (text) => log(text.replace(/\n$/, "")), signal };
    if (action === "down") {
        await runtimeDown(ops, env, context, log);
    } else {
        const url = await runtimeUp(ops, env, context, positiveNumber(flags["health-timeout"], "--health-timeout", 600) * 1000, log);
        log(`runtime-${env} is up: ${url}`);
    }
    return 0;
}

if (require.main === module) runMain(main, () => timeoutFlag(process.argv.slice(2)));
