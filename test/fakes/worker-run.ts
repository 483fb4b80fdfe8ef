import { main as check } from "../../commands/check";
import { main as cost } from "../../commands/cost";
import { parseRequest } from "../../commands/release";
import { evaluateBase, evaluateEnvironment } from "../../offline/evaluate";
import { checkStack } from "../../policy/rules";
import { parseStackName } from "../../shared/stack-name";
import { CONFIG_KEYS } from "../../shared/config/keys";
import { SERVICE_NAMES, ServiceName } from "../../shared/services";
import { tagsOf, withTags } from "../../release/ledger";
import { statusTable } from "../../status/status";
import { WORKER } from "./worker-service";

/**
 * Run with test/fakes/worker-service.ts preloaded: check, the programs, the policy pack, cost,
 * release's flags and ledger and status's table with a third service, printed as JSON.
 */
async function main(): Promise<void> {
    const printed: string[] = [];
    const checked = [];
    for (const stack of ["base-dev", "runtime-dev"])
        checked.push(await check(["--stack", stack], undefined, (text) => printed.push(text)));
    const { base, runtime } = await evaluateEnvironment("dev");
    const ownTag = await evaluateEnvironment("dev", { runtime: { workerImageTag: "v3.0.0" } });
    const fenced = await evaluateBase("dev", {
        githubRepository: "acme/durable-code",
        stateBucket: "acme-pulumi-state",
        imagePublisherRepository: "acme/app",
    });
    const policy = [base, runtime].flatMap((stack) =>
        checkStack({
            project: "durable-code",
            ...parseStackName(stack.stack),
            resources: stack.resources.map(({ type, name, state }) => ({ type, name, props: state })),
        }),
    );
    const costs: string[] = [];
    await cost(["--env", "dev", "--json"], undefined, (text) => costs.push(text));
    // SERVICE_NAMES holds the worker now: it alone gets a release of its own.
    const tags = Object.fromEntries(
        SERVICE_NAMES.map((service) => [service, service === WORKER ? "v2.0.0" : "v1.0.0"]),
    ) as Record<ServiceName, string>;
    const ledger = withTags("config:\n  durable-code:imageTag: v1.0.0\n", "durable-code", tags);
    process.stdout.write(
        JSON.stringify({
            checked,
            printed,
            configKeys: Object.keys(CONFIG_KEYS),
            resources: [base, runtime].flatMap((stack) =>
                stack.resources.map((resource) => ({
                    stack: stack.stack,
                    type: resource.type,
                    name: resource.name,
                    state: resource.state,
                })),
            ),
            runtimeOutputs: runtime.outputs,
            ownTagImages: ownTag.runtime.outputs.imageTags,
            fenced: fenced.resources
                .filter((resource) => /^aws:iam\/(rolePolicy|policy):/.test(resource.type))
                .map((resource) => ({ name: resource.name, policy: resource.state.policy })),
            policy: policy.map((violation) => `${violation.rule}: ${violation.message}`),
            cost: JSON.parse(costs.join("\n")),
            release: parseRequest(["--env", "dev", "--tag", "v2.0.0", "--service", WORKER]).services,
            ledger,
            ledgerTags: tagsOf(ledger, "durable-code"),
            status: statusTable([{ stack: "runtime-dev", exists: true, images: tags }]),
        }),
    );
}

main().catch((error) => {
    process.stderr.write(`${(error as Error).stack}\n`);
    process.exit(1);
});
