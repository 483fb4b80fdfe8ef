import * as aws from "../shared/aws";
import * as pulumi from "@pulumi/pulumi";
import { RuntimeConfig } from "../shared/config/types";
import { BaseContract } from "../shared/contract";
import { EgressMode } from "../shared/environments";
import { physicalName } from "../shared/naming";
import { tagsFor } from "../shared/tags";
import { NatInstance } from "./nat-instance";

/** NAT gateways an egress mode needs for a number of zones. */
export function natGatewayCount(mode: EgressMode, zoneCount: number): number {
    switch (mode) {
        case "nat-per-az":
            return zoneCount;
        case "nat-single":
            return 1;
        case "nat-instance":
        case "public-ip":
            return 0;
    }
}

/**
 * How tasks reach the internet (image pulls, logs, outbound calls). NAT gateways (or the NAT
 * instance), their addresses and the default routes in base's private route tables live here
 * because they cost by the hour. In `public-ip` mode tasks run in the public subnets with their own
 * address, and nothing is created.
 */
export class Egress extends pulumi.ComponentResource {
    /** Subnets the tasks run in, and whether each task gets a public IP. */
    readonly taskSubnetIds: readonly string[];
    readonly assignPublicIp: boolean;

    constructor(
        name: string,
        args: { config: RuntimeConfig; base: BaseContract },
        opts: pulumi.ComponentResourceOptions = {},
    ) {
        super("durable-code:runtime:Egress", name, {}, opts);
        const { config, base } = args;
        const child = { parent: this };
        const count = natGatewayCount(config.egress, base.publicSubnetIds.length);

        const gateways = base.publicSubnetIds.slice(0, count).map((subnetId, index) => {
            const address = new aws.ec2.Eip(
                `${name}-nat-${index}`,
                { domain: "vpc", tags: tagsFor(config, physicalName(config, `nat-${index}`)) },
                child,
            );
            return new aws.ec2.NatGateway(
                `${name}-nat-${index}`,
                {
                    allocationId: address.id,
                    subnetId,
                    connectivityType: "public",
                    tags: tagsFor(config, physicalName(config, `nat-${index}`)),
                },
                child,
            );
        });
        if (gateways.length > 0) {
            // Route table i is in zone i; with one gateway, every zone shares it.
            base.privateRouteTableIds.forEach((routeTableId, index) => {
                new aws.ec2.Route(
                    `${name}-default-${index}`,
                    {
                        routeTableId,
                        destinationCidrBlock: "0.0.0.0/0",
                        natGatewayId: gateways[index % gateways.length].id,
                    },
                    child,
                );
            });
        }
        if (config.egress === "nat-instance") {
            // One instance serves every zone, as nat-single's one gateway does.
            const nat = new NatInstance(`${name}-nat-instance`, { config, base }, child);
            base.privateRouteTableIds.forEach((routeTableId, index) => {
                new aws.ec2.Route(
                    `${name}-default-${index}`,
                    {
                        routeTableId,
                        destinationCidrBlock: "0.0.0.0/0",
                        networkInterfaceId: nat.instance.primaryNetworkInterfaceId,
                    },
                    child,
                );
            });
        }

        this.assignPublicIp = config.egress === "public-ip";
        this.taskSubnetIds = this.assignPublicIp ? base.publicSubnetIds : base.privateSubnetIds;
        this.registerOutputs({ natGatewayIds: gateways.map((gateway) => gateway.id) });
    }
}
