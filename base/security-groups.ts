import * as aws from "../shared/aws";
import * as pulumi from "@pulumi/pulumi";
import { BaseConfig } from "../shared/config/types";
import { NameScope, physicalName } from "../shared/naming";
import { SecurityGroupRole } from "../shared/config/keys";
import { PUBLIC_LISTENER_PORTS, SERVICE_NAMES, SERVICES } from "../shared/services";
import { tagsFor } from "../shared/tags";

/** The name and description of a group the program creates; an adopted group keeps its own (config). */
export function defaultSecurityGroup(scope: NameScope, role: SecurityGroupRole): { name: string; description: string } {
    return role === "loadBalancer"
        ? { name: physicalName(scope, "load-balancer"), description: "Load balancer: HTTP and HTTPS from the internet" }
        : {
              name: physicalName(scope, "services"),
              description: "ECS services: container ports from the load balancer only",
          };
}

export interface SecurityGroupsArgs {
    readonly config: BaseConfig;
    readonly vpcId: pulumi.Input<string>;
    readonly vpcCidr: string;
}

/**
 * The load balancer's group, open to the internet on HTTP and HTTPS only, and the services',
 * reachable on the container ports from the front door's group and nothing else: the load
 * balancer's, or with front door http-api the VPC link's (which takes no traffic in; API Gateway
 * sends through its interfaces). Rules are separate resources with descriptions, so a change to one
 * rule never rewrites the others; each carries its group's Role tag, which the policy pack checks.
 */
export class SecurityGroups extends pulumi.ComponentResource {
    readonly loadBalancer: aws.ec2.SecurityGroup;
    readonly services: aws.ec2.SecurityGroup;
    readonly natInstance: aws.ec2.SecurityGroup;
    /** Front door http-api only: the group of the VPC link's network interfaces. */
    readonly vpcLink?: aws.ec2.SecurityGroup;

    constructor(name: string, args: SecurityGroupsArgs, opts: pulumi.ComponentResourceOptions = {}) {
        super("durable-code:base:SecurityGroups", name, {}, opts);
        const { config, vpcId, vpcCidr } = args;
        const child = { parent: this };

        // EC2 cannot change a group's name or description; an adopted group keeps its own.
        this.loadBalancer = new aws.ec2.SecurityGroup(
            `${name}-load-balancer`,
            {
                name: config.securityGroupNames?.loadBalancer ?? defaultSecurityGroup(config, "loadBalancer").name,
                description:
                    config.securityGroupDescriptions?.loadBalancer ??
                    defaultSecurityGroup(config, "loadBalancer").description,
                vpcId,
                tags: tagsFor(config, physicalName(config, "load-balancer"), { Role: "load-balancer" }),
            },
            child,
        );
        this.services = new aws.ec2.SecurityGroup(
            `${name}-services`,
            {
                name: config.securityGroupNames?.services ?? defaultSecurityGroup(config, "services").name,
                description:
                    config.securityGroupDescriptions?.services ?? defaultSecurityGroup(config, "services").description,
                vpcId,
                tags: tagsFor(config, physicalName(config, "services"), { Role: "services" }),
            },
            child,
        );

        this.vpcLink =
            config.frontDoor === "http-api"
                ? new aws.ec2.SecurityGroup(
                      `${name}-vpc-link`,
                      {
                          name: physicalName(config, "vpc-link"),
                          description: "API Gateway VPC link: to the container ports only",
                          vpcId,
                          tags: tagsFor(config, physicalName(config, "vpc-link"), { Role: "vpc-link" }),
                      },
                      child,
                  )
                : undefined;
        const frontDoor = this.vpcLink ?? this.loadBalancer;
        const frontDoorName = this.vpcLink ? "the API Gateway VPC link" : "the load balancer";

        for (const port of PUBLIC_LISTENER_PORTS) {
            new aws.vpc.SecurityGroupIngressRule(
                `${name}-load-balancer-in-${port}`,
                {
                    securityGroupId: this.loadBalancer.id,
                    description: `Port ${port} from the internet`,
                    ipProtocol: "tcp",
                    fromPort: port,
                    toPort: port,
                    cidrIpv4: "0.0.0.0/0",
                    tags: tagsFor(config, physicalName(config, `load-balancer-in-${port}`), { Role: "load-balancer" }),
                },
                child,
            );
        }
        for (const service of SERVICE_NAMES) {
            const port = SERVICES[service].port;
            new aws.vpc.SecurityGroupEgressRule(
                `${name}-load-balancer-to-${service}`,
                {
                    securityGroupId: this.loadBalancer.id,
                    description: `To the ${service} containers on ${port}`,
                    ipProtocol: "tcp",
                    fromPort: port,
                    toPort: port,
                    referencedSecurityGroupId: this.services.id,
                    tags: tagsFor(config, physicalName(config, `load-balancer-to-${service}`), {
                        Role: "load-balancer",
                    }),
                },
                child,
            );
            if (this.vpcLink) {
                new aws.vpc.SecurityGroupEgressRule(
                    `${name}-vpc-link-to-${service}`,
                    {
                        securityGroupId: this.vpcLink.id,
                        description: `To the ${service} containers on ${port}`,
                        ipProtocol: "tcp",
                        fromPort: port,
                        toPort: port,
                        referencedSecurityGroupId: this.services.id,
                        tags: tagsFor(config, physicalName(config, `vpc-link-to-${service}`), { Role: "vpc-link" }),
                    },
                    child,
                );
            }
            new aws.vpc.SecurityGroupIngressRule(
                `${name}-services-in-${service}`,
                {
                    securityGroupId: this.services.id,
                    description: `${service} port ${port} from ${frontDoorName}`,
                    ipProtocol: "tcp",
                    fromPort: port,
                    toPort: port,
                    referencedSecurityGroupId: frontDoor.id,
                    tags: tagsFor(config, physicalName(config, `services-in-${service}`), { Role: "services" }),
                },
                child,
            );
        }
        // Tasks pull images and write logs over HTTPS to AWS endpoints, and the application may call out.
        new aws.vpc.SecurityGroupEgressRule(
            `${name}-services-out`,
            {
                securityGroupId: this.services.id,
                description: "Outbound from tasks (image pulls, logs, application calls)",
                ipProtocol: "-1",
                cidrIpv4: "0.0.0.0/0",
                tags: tagsFor(config, physicalName(config, "services-out"), { Role: "services" }),
            },
            child,
        );

        // Runtime's NAT instance (egress nat-instance) forwards the VPC's traffic and takes nothing
        // else: no SSH, no internet ingress. Free while unused, so base keeps it with the others.
        this.natInstance = new aws.ec2.SecurityGroup(
            `${name}-nat-instance`,
            {
                name: physicalName(config, "nat-instance"),
                description: "NAT instance: traffic from the VPC, out to the internet",
                vpcId,
                tags: tagsFor(config, physicalName(config, "nat-instance"), { Role: "nat-instance" }),
            },
            child,
        );
        new aws.vpc.SecurityGroupIngressRule(
            `${name}-nat-instance-in`,
            {
                securityGroupId: this.natInstance.id,
                description: "Everything the private subnets send out, from the VPC only",
                ipProtocol: "-1",
                cidrIpv4: vpcCidr,
                tags: tagsFor(config, physicalName(config, "nat-instance-in"), { Role: "nat-instance" }),
            },
            child,
        );
        new aws.vpc.SecurityGroupEgressRule(
            `${name}-nat-instance-out`,
            {
                securityGroupId: this.natInstance.id,
                description: "Out to the internet on behalf of the VPC",
                ipProtocol: "-1",
                cidrIpv4: "0.0.0.0/0",
                tags: tagsFor(config, physicalName(config, "nat-instance-out"), { Role: "nat-instance" }),
            },
            child,
        );

        this.registerOutputs({
            loadBalancerId: this.loadBalancer.id,
            servicesId: this.services.id,
            natInstanceId: this.natInstance.id,
        });
    }
}
