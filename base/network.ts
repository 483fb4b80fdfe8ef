import * as aws from "../shared/aws";
import * as pulumi from "@pulumi/pulumi";
import { BaseConfig } from "../shared/config/types";
import { physicalName } from "../shared/naming";
import { tagsFor } from "../shared/tags";
import { planSubnets } from "../shared/subnet-plan";
import { BASE_COMPONENTS, networkNames } from "./names";

export interface NetworkArgs {
    readonly config: BaseConfig;
    /** The zones to use, in order; one public and one private subnet in each. */
    readonly availabilityZones: readonly string[];
}

/**
 * VPC, internet gateway, public and private subnets, and their route tables. The private route
 * tables have no default route: egress (NAT) costs by the hour, so runtime adds it.
 */
export class Network extends pulumi.ComponentResource {
    readonly vpc: aws.ec2.Vpc;
    readonly publicSubnets: aws.ec2.Subnet[];
    readonly privateSubnets: aws.ec2.Subnet[];
    readonly privateRouteTables: aws.ec2.RouteTable[];

    constructor(name: string, args: NetworkArgs, opts: pulumi.ComponentResourceOptions = {}) {
        super(BASE_COMPONENTS.network.type, name, {}, opts);
        const names = networkNames(name);
        const { config, availabilityZones } = args;
        const plan = config.subnetCidrs ?? planSubnets(config.vpcCidr, availabilityZones.length);
        const child = { parent: this };

        this.vpc = new aws.ec2.Vpc(
            names.vpc,
            {
                cidrBlock: config.vpcCidr,
                enableDnsSupport: true,
                enableDnsHostnames: true,
                tags: tagsFor(config, physicalName(config, "vpc"), { Role: "vpc" }),
            },
            child,
        );
        // The internet gateway stays in base: AWS does not charge for it, and the load balancer needs it.
        const gateway = new aws.ec2.InternetGateway(
            names.gateway,
            { vpcId: this.vpc.id, tags: tagsFor(config, physicalName(config, "igw")) },
            child,
        );

        const publicRouteTable = new aws.ec2.RouteTable(
            names.publicRouteTable,
            {
                vpcId: this.vpc.id,
                routes: [{ cidrBlock: "0.0.0.0/0", gatewayId: gateway.id }],
                tags: tagsFor(config, physicalName(config, "public"), { Tier: "public" }),
            },
            child,
        );

        this.publicSubnets = [];
        this.privateSubnets = [];
        this.privateRouteTables = [];
        availabilityZones.forEach((zone, index) => {
            const publicSubnet = new aws.ec2.Subnet(
                names.public(index),
                {
                    vpcId: this.vpc.id,
                    cidrBlock: plan.public[index],
                    availabilityZone: zone,
                    // Nothing gets a public address by accident: the load balancer, NAT and (in
                    // public-ip mode) tasks ask for one explicitly.
                    mapPublicIpOnLaunch: false,
                    tags: tagsFor(config, physicalName(config, `public-${zone}`), { Tier: "public" }),
                },
                child,
            );
            new aws.ec2.RouteTableAssociation(
                names.public(index),
                { subnetId: publicSubnet.id, routeTableId: publicRouteTable.id },
                child,
            );

            const privateSubnet = new aws.ec2.Subnet(
                names.private(index),
                {
                    vpcId: this.vpc.id,
                    cidrBlock: plan.private[index],
                    availabilityZone: zone,
                    mapPublicIpOnLaunch: false,
                    tags: tagsFor(config, physicalName(config, `private-${zone}`), { Tier: "private" }),
                },
                child,
            );
            const privateRouteTable = new aws.ec2.RouteTable(
                names.private(index),
                {
                    vpcId: this.vpc.id,
                    tags: tagsFor(config, physicalName(config, `private-${zone}`), { Tier: "private" }),
                },
                child,
            );
            new aws.ec2.RouteTableAssociation(
                names.private(index),
                { subnetId: privateSubnet.id, routeTableId: privateRouteTable.id },
                child,
            );
            this.publicSubnets.push(publicSubnet);
            this.privateSubnets.push(privateSubnet);
            this.privateRouteTables.push(privateRouteTable);
        });

        this.registerOutputs({ vpcId: this.vpc.id });
    }
}
