import { ECRClient } from "@aws-sdk/client-ecr";
import { ENV_VALUE, environmentFrom } from "../cli/args";
import { isProductionLike, productionLikeEnvironments } from "../shared/environments";
import { CommandSpec, parseCommand } from "../cli/command";
import { OpsError } from "../cli/errors";
import { Cancellation, cancellationOf, runMain } from "../cli/run-main";
import { SendsCommands } from "../cli/sdk-client";
import { stackNameOf } from "../shared/stack-name";
import { loggedContext, Stacks } from "../stacks/automation";
import { destroyBase } from "../stacks/destroy-base";

export const DESTROY_BASE_SPEC: CommandSpec = {
    usage: `npm run destroy-base -- --env <${ENV_VALUE}> --confirm base-<env> [--unprotect] [--force-delete-images]`,
    summary:
        "Destroys an environment's base (network, repositories, logs, DNS). Refuses while runtime has resources, demands the stack name typed back, in a production-like environment also --unprotect, and never deletes images unless told to.",
    flags: {
        env: { type: "string", value: ENV_VALUE, help: "the environment whose base to destroy (required)" },
        confirm: { type: "string", value: "base-<env>", help: "the stack name, typed back (required)" },
        unprotect: {
            type: "boolean",
            help: `remove the protection of the repositories, zone and bucket of a production-like environment (${productionLikeEnvironments().join(", ")})`,
            default: "off",
        },
        "force-delete-images": {
            type: "boolean",
            help: "delete the images in the repositories first; without it a repository holding images stops the destroy",
            default: "off",
        },
    },
    examples: [
        "npm run destroy-base -- --env dev --confirm base-dev",
        "npm run destroy-base -- --env prod --confirm base-prod --unprotect --force-delete-images",
    ],
};

/** `npm run destroy-base`: the typed-back confirmation, a production-like environment's --unprotect, then the destroy. */
export async function main(
    argv: string[],
    cancel: AbortSignal | Cancellation,
    stacks?: Stacks,
    log: (line: string) => void = console.log,
    ecr: SendsCommands = new ECRClient({}),
): Promise<number> {
    const flags = parseCommand(argv, DESTROY_BASE_SPEC);
    const env = environmentFrom(flags.env, DESTROY_BASE_SPEC.usage);
    const base = stackNameOf("base", env);
    if (flags.unprotect && !isProductionLike(env)) {
        throw new OpsError(
            `--unprotect removes the protection of a production-like environment; ${base} protects nothing, so leave --unprotect out`,
            2,
        );
    }
    if (flags.confirm !== base) {
        throw new OpsError(
            `destroying ${base} deletes the network, repositories, log groups and DNS of ${env}; confirm with --confirm ${base}`,
            2,
        );
    }
    if (isProductionLike(env) && !flags.unprotect) {
        throw new OpsError(
            `${base} protects its repositories, zone and log bucket; add --unprotect to remove the protection and destroy them`,
            2,
        );
    }
    const ops = stacks ?? (await Stacks.open());
    const context = loggedContext(log, cancellationOf(cancel));
    await destroyBase(
        ops,
        env,
        { unprotect: flags.unprotect === true, forceDeleteImages: flags["force-delete-images"] === true },
        ecr,
        context,
        log,
    );
    return 0;
}

if (require.main === module) runMain(main, { spec: DESTROY_BASE_SPEC });
