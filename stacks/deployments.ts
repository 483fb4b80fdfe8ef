import { DescribeServicesCommand, DescribeTaskDefinitionCommand } from "@aws-sdk/client-ecs";
import { SERVICE_NAMES, ServiceName } from "../shared/services";
import { OpsError } from "../cli/errors";
import { SendsCommands } from "../cli/sdk-client";

/** A service ECS did not leave on the task definition `up` deployed, and the image tag it runs instead. */
export interface RolledBack {
    readonly service: ServiceName;
    /** The tag of the image the primary deployment runs; undefined when its task definition names none of ours. */
    readonly runningTag?: string;
}

/** Some services run another version than the one just deployed; `rolledBack` says which, and what runs. */
export class RolledBackError extends OpsError {
    constructor(
        message: string,
        readonly rolledBack: readonly RolledBack[],
    ) {
        super(message);
    }
}

/**
 * Checks that every service runs what `up` just deployed. With the deployment circuit breaker, ECS
 * rolls a failing deployment back, and the provider's steady-state wait then reports success once the
 * old version is steady (terraform-provider-aws #19519, and #20858 for a wait on the rollout); the
 * health check passes on the old version too. ECS's DescribeServices tells the truth: the PRIMARY
 * deployment is the most recent one, and its `taskDefinition` and `rolloutState` (IN_PROGRESS,
 * COMPLETED or FAILED) say what runs and whether it got there (ECS API reference, DescribeServices
 * and the Deployment data type). After a rollback the PRIMARY deployment runs the previous task
 * definition and the failed one is gone from the list or marked FAILED.
 */
export async function requireDeployed(
    ecs: SendsCommands,
    runtime: string,
    outputs: Record<string, unknown>,
): Promise<void> {
    const clusterName = outputs.clusterName as string | undefined;
    const serviceNames = outputs.serviceNames as Partial<Record<ServiceName, string>> | undefined;
    const deployed = outputs.taskDefinitions as Partial<Record<ServiceName, string>> | undefined;
    if (!clusterName || !serviceNames || !deployed) {
        throw new OpsError(
            `${runtime} has no clusterName, serviceNames or taskDefinitions output to check its deployment against; run "pulumi up -s ${runtime}" with this checkout`,
        );
    }
    const answer = await ecs.send(
        new DescribeServicesCommand({
            cluster: clusterName,
            services: SERVICE_NAMES.map((service) => serviceNames[service]!),
        }),
    );
    const problems: string[] = [];
    const rolledBack: RolledBack[] = [];
    for (const service of SERVICE_NAMES) {
        const name = serviceNames[service]!;
        const described = (answer.services ?? []).find(
            (candidate: { serviceName?: string }) => candidate.serviceName === name,
        );
        if (!described) {
            const reason =
                (answer.failures ?? []).find((failure: { arn?: string }) => failure.arn?.endsWith(`/${name}`))
                    ?.reason ?? "not found";
            problems.push(`${service}: ECS does not describe service ${name} in cluster ${clusterName} (${reason})`);
            continue;
        }
        const deployments: Array<{
            status?: string;
            taskDefinition?: string;
            rolloutState?: string;
            rolloutStateReason?: string;
        }> = described.deployments ?? [];
        const primary = deployments.find((deployment) => deployment.status === "PRIMARY");
        if (primary && primary.taskDefinition === deployed[service] && primary.rolloutState === "COMPLETED") continue;
        if (primary && primary.taskDefinition === deployed[service]) {
            problems.push(
                `${service}: the deployment of ${shortName(deployed[service]!)} is ${primary.rolloutState ?? "in an unknown state"}, not COMPLETED${reasonOf(primary)}`,
            );
            continue;
        }
        const failed = deployments.find((deployment) => deployment.taskDefinition === deployed[service]);
        const runningTag = primary?.taskDefinition ? await imageTag(ecs, primary.taskDefinition, service) : undefined;
        rolledBack.push({ service, runningTag });
        problems.push(
            `${service} rolled back: ECS runs ${primary?.taskDefinition ? shortName(primary.taskDefinition) : "no primary deployment"}${runningTag ? ` (${runningTag})` : ""}, ` +
                `not ${shortName(deployed[service]!)} that up deployed${failed ? reasonOf(failed) : ""}`,
        );
    }
    if (problems.length === 0) return;
    const message =
        `${runtime} is not running what was deployed, although Pulumi reported success:\n${problems.map((problem) => `  - ${problem}`).join("\n")}\n` +
        `Read the service's events (aws ecs describe-services --cluster ${clusterName} --services ${SERVICE_NAMES.map((service) => serviceNames[service]).join(" ")}) and the log groups in the stack's outputs`;
    throw new RolledBackError(message, rolledBack);
}

/** `family:revision` from a task definition ARN. */
function shortName(arn: string): string {
    return arn.split("/").pop() ?? arn;
}

function reasonOf(deployment: { rolloutStateReason?: string }): string {
    return deployment.rolloutStateReason ? ` (${deployment.rolloutStateReason})` : "";
}

/** The tag of the service's container image in a task definition (ECS API reference, DescribeTaskDefinition). */
async function imageTag(ecs: SendsCommands, taskDefinition: string, service: ServiceName): Promise<string | undefined> {
    const answer = await ecs.send(new DescribeTaskDefinitionCommand({ taskDefinition }));
    const image: string | undefined = answer.taskDefinition?.containerDefinitions?.find(
        (container: { name?: string }) => container.name === service,
    )?.image;
    const tag = image?.split("/").pop()?.split(":")[1];
    return tag || undefined;
}
