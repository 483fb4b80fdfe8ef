import * as aws from "../shared/aws";
import * as pulumi from "@pulumi/pulumi";
import { RuntimeConfig } from "../shared/config/types";
import { physicalName } from "../shared/naming";
import { tagsFor } from "../shared/tags";

export interface CapacityProviderStrategyItem {
    readonly capacityProvider: "FARGATE" | "FARGATE_SPOT";
    readonly weight: number;
    readonly base?: number;
}

/**
 * Where tasks run. Services name this strategy themselves; a service with a launch type would
 * silently ignore it (the old setup set launch_type = FARGATE and never ran on Spot).
 */
export function capacityProviderStrategy(spot: boolean): CapacityProviderStrategyItem[] {
    return spot ? [{ capacityProvider: "FARGATE_SPOT", weight: 1 }] : [{ capacityProvider: "FARGATE", weight: 1 }];
}

/** The ECS cluster with both Fargate capacity providers available. */
export class Cluster extends pulumi.ComponentResource {
    readonly cluster: aws.ecs.Cluster;
    readonly capacityProviders: aws.ecs.ClusterCapacityProviders;

    constructor(name: string, args: { config: RuntimeConfig }, opts: pulumi.ComponentResourceOptions = {}) {
        super("durable-code:runtime:Cluster", name, {}, opts);
        const { config } = args;
        this.cluster = new aws.ecs.Cluster(
            `${name}-cluster`,
            {
                name: physicalName(config),
                settings: [{ name: "containerInsights", value: config.containerInsights ? "enabled" : "disabled" }],
                tags: tagsFor(config, physicalName(config)),
            },
            { parent: this },
        );
        this.capacityProviders = new aws.ecs.ClusterCapacityProviders(
            `${name}-capacity-providers`,
            {
                clusterName: this.cluster.name,
                capacityProviders: ["FARGATE", "FARGATE_SPOT"],
                defaultCapacityProviderStrategies: capacityProviderStrategy(config.spot),
            },
            { parent: this },
        );
        this.registerOutputs({ clusterName: this.cluster.name });
    }
}
