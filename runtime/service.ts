import * as aws from "../shared/aws";
import * as pulumi from "@pulumi/pulumi";
import { RuntimeConfig } from "../shared/config/types";
import { logStreamPrefix, physicalName } from "../shared/naming";
import { containerHealthCommand, ServiceName, SERVICES, taskSize } from "../shared/services";
import { tagsFor } from "../shared/tags";
import { capacityProviderStrategy } from "./cluster";

export interface WebServiceArgs {
    readonly config: RuntimeConfig;
    readonly service: ServiceName;
    readonly repositoryUrl: string;
    readonly clusterArn: pulumi.Input<string>;
    readonly clusterName: pulumi.Input<string>;
    readonly executionRoleArn: pulumi.Input<string>;
    readonly taskRoleArn: pulumi.Input<string>;
    readonly logGroupName: pulumi.Input<string>;
    /** How the front door reaches the tasks: the load balancer's target group, or the HTTP API's Cloud Map service. */
    readonly frontDoor:
        { readonly targetGroupArn: pulumi.Input<string> } | { readonly registryArn: pulumi.Input<string> };
    readonly subnetIds: readonly string[];
    readonly securityGroupId: string;
    readonly assignPublicIp: boolean;
}

/**
 * One container as a Fargate service behind the front door, scaled on CPU. Behind the load balancer,
 * its target group's health check gates traffic; behind the HTTP API there is none, and the container
 * health check (reported to Cloud Map) and the deployment circuit breaker decide.
 */
export class WebService extends pulumi.ComponentResource {
    readonly service: aws.ecs.Service;
    readonly taskDefinition: aws.ecs.TaskDefinition;
    readonly scalingTarget: aws.appautoscaling.Target;

    constructor(name: string, args: WebServiceArgs, opts: pulumi.ComponentResourceOptions = {}) {
        super("durable-code:runtime:WebService", name, {}, opts);
        const { config, service } = args;
        const { port } = SERVICES[service];
        const size = taskSize(service, config.taskCpu, config.taskMemory);
        const child = { parent: this };

        this.taskDefinition = new aws.ecs.TaskDefinition(
            `${name}-task`,
            {
                family: physicalName(config, service),
                cpu: String(size.cpu),
                memory: String(size.memory),
                networkMode: "awsvpc",
                requiresCompatibilities: ["FARGATE"],
                runtimePlatform: { operatingSystemFamily: "LINUX", cpuArchitecture: config.cpuArchitecture },
                executionRoleArn: args.executionRoleArn,
                taskRoleArn: args.taskRoleArn,
                containerDefinitions: pulumi.jsonStringify([containerDefinition(args)]),
                tags: tagsFor(config, physicalName(config, service)),
            },
            child,
        );

        const strategy = capacityProviderStrategy(config.spot);
        this.service = new aws.ecs.Service(
            `${name}-service`,
            {
                name: physicalName(config, service),
                cluster: args.clusterArn,
                taskDefinition: this.taskDefinition.arn,
                // wakeOnRequest: deployed asleep; the first request wakes it (runtime/wake.ts).
                desiredCount: config.wakeOnRequest ? 0 : config.desiredCount,
                capacityProviderStrategies: strategy,
                // ECS changes a live service's capacity provider strategy only with a new deployment;
                // the provider refuses the update without forceNewDeployment, which in turn wants
                // triggers (provider docs, aws.ecs.Service). Flipping spot on runtime-prod, which is
                // never torn down, then redeploys instead of failing.
                forceNewDeployment: true,
                triggers: { capacityProviderStrategy: JSON.stringify(strategy) },
                networkConfiguration: {
                    subnets: [...args.subnetIds],
                    securityGroups: [args.securityGroupId],
                    assignPublicIp: args.assignPublicIp,
                },
                loadBalancers:
                    "targetGroupArn" in args.frontDoor
                        ? [
                              {
                                  targetGroupArn: args.frontDoor.targetGroupArn,
                                  containerName: service,
                                  containerPort: port,
                              },
                          ]
                        : undefined,
                // awsvpc tasks reach an SRV record's port only through containerName and containerPort
                // (ECS API reference, ServiceRegistry); API Gateway needs that port.
                serviceRegistries:
                    "registryArn" in args.frontDoor
                        ? { registryArn: args.frontDoor.registryArn, containerName: service, containerPort: port }
                        : undefined,
                healthCheckGracePeriodSeconds: 60,
                deploymentCircuitBreaker: { enable: true, rollback: true },
                deploymentMinimumHealthyPercent: 100,
                deploymentMaximumPercent: 200,
                enableExecuteCommand: config.enableExec,
                propagateTags: "SERVICE",
                // `pulumi up` returns once tasks are healthy, so a green update means a running app.
                waitForSteadyState: true,
                tags: tagsFor(config, physicalName(config, service)),
            },
            // Autoscaling owns the running count between deploys. Protected in prod, so a destroy of
            // runtime-prod refuses before it deletes anything.
            { parent: this, ignoreChanges: ["desiredCount"], protect: config.protect },
        );

        // Asleep at rest, a service scales between 0 and desiredCount by the wake and sleep alarms alone.
        this.scalingTarget = new aws.appautoscaling.Target(
            `${name}-scaling`,
            {
                serviceNamespace: "ecs",
                scalableDimension: "ecs:service:DesiredCount",
                resourceId: pulumi.interpolate`service/${args.clusterName}/${this.service.name}`,
                minCapacity: config.wakeOnRequest ? 0 : config.minCount,
                maxCapacity: config.wakeOnRequest ? config.desiredCount : config.maxCount,
                tags: tagsFor(config, physicalName(config, `${service}-scaling`)),
            },
            child,
        );
        if (!config.wakeOnRequest) this.scaleOnCpu(name, config);
        this.registerOutputs({ serviceName: this.service.name });
    }

    /** Between the environment's min and max tasks, at its CPU target. */
    private scaleOnCpu(name: string, config: RuntimeConfig): void {
        const target = this.scalingTarget;
        new aws.appautoscaling.Policy(
            `${name}-cpu`,
            {
                policyType: "TargetTrackingScaling",
                serviceNamespace: target.serviceNamespace,
                scalableDimension: target.scalableDimension,
                resourceId: target.resourceId,
                targetTrackingScalingPolicyConfiguration: {
                    predefinedMetricSpecification: { predefinedMetricType: "ECSServiceAverageCPUUtilization" },
                    targetValue: config.cpuTargetPercent,
                    scaleInCooldown: 300,
                    scaleOutCooldown: 60,
                },
            },
            { parent: this },
        );
    }
}

/** The service's one container: its image at the committed tag, its port, its log group and its health check. */
function containerDefinition({ config, service, repositoryUrl, logGroupName }: WebServiceArgs) {
    const { port } = SERVICES[service];
    const healthCommand = containerHealthCommand(service);
    return {
        name: service,
        image: `${repositoryUrl}:${config.imageTags[service]}`,
        essential: true,
        portMappings: [{ containerPort: port, protocol: "tcp" }],
        environment: [{ name: "PORT", value: String(port) }],
        logConfiguration: {
            logDriver: "awslogs",
            options: {
                "awslogs-group": logGroupName,
                "awslogs-region": config.region,
                "awslogs-stream-prefix": logStreamPrefix(config, service),
            },
        },
        healthCheck: healthCommand && {
            command: healthCommand,
            interval: 30,
            timeout: 5,
            retries: 3,
            startPeriod: 30,
        },
        // ECS Exec needs an init process to reap the session's child processes.
        linuxParameters: config.enableExec ? { initProcessEnabled: true } : undefined,
    };
}
