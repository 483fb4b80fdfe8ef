import { SERVICE_NAMES } from "../../shared/services";
import { MOCK_ACCOUNT } from "../../offline/engine";

/**
 * ECS as DescribeServices and DescribeTaskDefinition answer (ECS API reference: DescribeServices,
 * Deployment, DescribeTaskDefinition): a service lists its deployments, the PRIMARY one the most
 * recent, each with its task definition and rolloutState IN_PROGRESS, COMPLETED or FAILED; a name
 * the cluster lacks comes back under `failures` with reason MISSING. By default every service runs
 * what the runtime stack's outputs say was deployed, rollout COMPLETED. Records every call.
 */
export interface EcsDeployment {
    readonly id: string;
    readonly status: "PRIMARY" | "ACTIVE" | "INACTIVE";
    readonly taskDefinition: string;
    readonly rolloutState: "IN_PROGRESS" | "COMPLETED" | "FAILED";
    readonly rolloutStateReason: string;
}

export const taskDefinitionArn = (family: string, revision: number) =>
    `arn:aws:ecs:us-west-2:${MOCK_ACCOUNT}:task-definition/${family}:${revision}`;

/** What a deployed runtime-<env> stack publishes: url, cluster, services and the task definitions they were deployed with. */
export function runtimeOutputs(env: string, url: string, revision = 7): Record<string, unknown> {
    const name = (service: string) => `durable-code-${env}-${service}`;
    return {
        url,
        clusterName: `durable-code-${env}`,
        serviceNames: Object.fromEntries(SERVICE_NAMES.map((service) => [service, name(service)])),
        taskDefinitions: Object.fromEntries(
            SERVICE_NAMES.map((service) => [service, taskDefinitionArn(name(service), revision)]),
        ),
    };
}

export class FakeEcs {
    readonly calls: Array<[string, Record<string, any>]> = [];
    /** Deployments per service name, where they differ from "runs what was deployed, COMPLETED". */
    readonly deployments = new Map<string, EcsDeployment[]>();
    /** Each service's desired count as DescribeServices answers it now (Application Auto Scaling sets it). */
    desiredCount: (serviceName: string) => number = () => 1;
    /** Each service's newest events (ECS API reference, ServiceEvent: id, createdAt, message). */
    events: (serviceName: string) => Array<{ id: string; createdAt: Date; message: string }> = () => [];
    /** Image per task definition ARN and container name, for DescribeTaskDefinition. */
    readonly images = new Map<string, Record<string, string>>();

    /** `deployed`: the runtime stack's outputs as they are now. */
    constructor(private readonly deployed: () => Record<string, any> | undefined) {}

    /** The circuit breaker rolled `serviceName` back from `failed` to `running`, whose container runs `image`. */
    rollBack(serviceName: string, container: string, failed: string, running: string, image: string): this {
        this.deployments.set(serviceName, [
            {
                id: "ecs-svc/2",
                status: "PRIMARY",
                taskDefinition: running,
                rolloutState: "COMPLETED",
                rolloutStateReason: "ECS deployment ecs-svc/2 completed.",
            },
            {
                id: "ecs-svc/1",
                status: "ACTIVE",
                taskDefinition: failed,
                rolloutState: "FAILED",
                rolloutStateReason: "ECS deployment circuit breaker: tasks failed to start.",
            },
        ]);
        this.images.set(running, { [container]: image });
        return this;
    }

    async send(command: { constructor: { name: string }; input: any }): Promise<any> {
        const name = command.constructor.name;
        this.calls.push([name, command.input]);
        if (name === "DescribeTaskDefinitionCommand") {
            const images = this.images.get(command.input.taskDefinition);
            if (!images)
                throw Object.assign(new Error("Unable to describe task definition."), { name: "ClientException" });
            const [family, revision] = command.input.taskDefinition.split("/").pop().split(":");
            return {
                taskDefinition: {
                    taskDefinitionArn: command.input.taskDefinition,
                    family,
                    revision: Number(revision),
                    containerDefinitions: Object.entries(images).map(([container, image]) => ({
                        name: container,
                        image,
                        essential: true,
                    })),
                },
            };
        }
        if (name !== "DescribeServicesCommand") throw new Error(`the ECS stand-in does not know ${name}`);
        const outputs = this.deployed() ?? {};
        const byName = Object.fromEntries(
            Object.keys(outputs.serviceNames ?? {}).map((service) => [
                outputs.serviceNames[service],
                outputs.taskDefinitions?.[service],
            ]),
        );
        const clusterArn = `arn:aws:ecs:us-west-2:${MOCK_ACCOUNT}:cluster/${command.input.cluster}`;
        const services = [];
        const failures = [];
        for (const serviceName of command.input.services as string[]) {
            const serviceArn = `arn:aws:ecs:us-west-2:${MOCK_ACCOUNT}:service/${command.input.cluster}/${serviceName}`;
            if (!(serviceName in byName)) {
                failures.push({ arn: serviceArn, reason: "MISSING" });
                continue;
            }
            const deployments = this.deployments.get(serviceName) ?? [
                {
                    id: "ecs-svc/1",
                    status: "PRIMARY",
                    taskDefinition: byName[serviceName],
                    rolloutState: "COMPLETED",
                    rolloutStateReason: "ECS deployment ecs-svc/1 completed.",
                },
            ];
            services.push({
                serviceArn,
                serviceName,
                clusterArn,
                status: "ACTIVE",
                taskDefinition: deployments[0].taskDefinition,
                desiredCount: this.desiredCount(serviceName),
                events: this.events(serviceName),
                deployments,
            });
        }
        return { services, failures };
    }
}
