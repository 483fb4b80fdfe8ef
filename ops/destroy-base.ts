import { stackNameOf } from "../shared/stack-name";
import { environmentFrom, parseFlags } from "./args";
import { runMain } from "./cli";
import { OpsError } from "./errors";
import { describeChanges } from "./report";
import { Stacks } from "./stacks";

const USAGE = "npm run destroy-base -- --env <dev|staging|prod> --confirm base-<env> [--unprotect]";

/**
 * Destroys an environment's base, the layer that holds images and DNS. It demands the stack name
 * typed back, refuses while runtime still has resources, and in prod (where stateful resources are
 * protected) demands --unprotect as well.
 */
export async function main(argv: string[], signal: AbortSignal, stacks?: Stacks, log: (line: string) => void = console.log): Promise<number> {
    const flags = parseFlags(argv, { env: { type: "string" }, confirm: { type: "string" }, unprotect: { type: "boolean" } }, USAGE);
    const env = environmentFrom(flags.env, USAGE);
    const base = stackNameOf("base", env);
    const runtime = stackNameOf("runtime", env);
    if (flags.confirm !== base) {
        throw new OpsError(`destroying ${base} deletes the network, repositories and DNS of ${env}; confirm with --confirm ${base}`, 2);
    }
    if (env === "prod" && !flags.unprotect) {
        throw new OpsError(`${base} protects its repositories and zone; add --unprotect to remove the protection and destroy them`, 2);
    }
    const ops = stacks ?? (await Stacks.open());
    const listing = await ops.list();
    const runtimeResources = listing.get(runtime)?.resourceCount ?? 0;
    if (runtimeResources > 0) {
        throw new OpsError(`${runtime} still has ${runtimeResources} resources that use ${base}; run "npm run down -- --env ${env}" first`);
    }
    if (!listing.has(base)) throw new OpsError(`no stack ${base} in this backend; nothing to destroy`);
    const context = { onOutput: (text: string) => log(text.replace(/\n$/, "")), signal };
    if (flags.unprotect) {
        log(`removed protection from ${await ops.unprotectAll(base)} resources of ${base}`);
    }
    log(`destroy ${base}: ${describeChanges(await ops.destroy(base, context))}`);
    return 0;
}

if (require.main === module) runMain(main);
