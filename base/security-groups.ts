import * as aws from "../shared/aws";
import * as pulumi from "@pulumi/pulumi";
import { BaseConfig } from "../shared/config/types";
import { NameScope, physicalName } from "../shared/naming";
import { SecurityGroupRole } from "../shared/config/keys";
import { PUBLIC_LISTENER_PORTS, SERVICE_NAMES, SERVICES } from "../shared/services";
import { Markers, tagsFor } from "../shared/tags";
import { BASE_COMPONENTS, SECURITY_GROUP_ROLE_TAGS, SECURITY_GROUP_RULE_KEYS, securityGroupNames } from "./names";

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

/** Where a rule's traffic comes from (ingress) or goes to (egress): an address range or another group. */
type Peer = { readonly cidrIpv4: pulumi.Input<string> } | { readonly referencedSecurityGroupId: pulumi.Input<string> };

/** A group's Role tag, and its logical name after the component's. */
type GroupRole = Exclude<Markers["Role"], "vpc" | undefined>;

interface RuleSpec {
    /** The rule's logical name after the component's, and its Name tag. */
    readonly key: string;
    readonly group: aws.ec2.SecurityGroup;
    /** The group's Role tag, which the rule carries too. */
    readonly role: GroupRole;
    readonly description: string;
    /** One TCP port; every protocol and port when left out. */
    readonly port?: number;
    readonly peer: Peer;
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

    constructor(
        private readonly name: string,
        args: SecurityGroupsArgs,
        opts: pulumi.ComponentResourceOptions = {},
    ) {
        super(BASE_COMPONENTS.securityGroups.type, name, {}, opts);
        const { config, vpcId, vpcCidr } = args;
        this.config = config;

        // EC2 cannot change a group's name or description; an adopted group keeps its own.
        const named = (role: SecurityGroupRole) => ({
            name: config.securityGroupNames?.[role] ?? defaultSecurityGroup(config, role).name,
            description: config.securityGroupDescriptions?.[role] ?? defaultSecurityGroup(config, role).description,
        });
        this.loadBalancer = this.group(SECURITY_GROUP_ROLE_TAGS.loadBalancer, vpcId, named("loadBalancer"));
        this.services = this.group(SECURITY_GROUP_ROLE_TAGS.services, vpcId, named("services"));
        this.vpcLink =
            config.frontDoor === "http-api"
                ? this.group("vpc-link", vpcId, {
                      name: physicalName(config, "vpc-link"),
                      description: "API Gateway VPC link: to the container ports only",
                  })
                : undefined;
        // Runtime's NAT instance (egress nat-instance) forwards the VPC's traffic and takes nothing
        // else: no SSH, no internet ingress. Free while unused, so base keeps it with the others.
        this.natInstance = this.group("nat-instance", vpcId, {
            name: physicalName(config, "nat-instance"),
            description: "NAT instance: traffic from the VPC, out to the internet",
        });

        this.frontDoorRules();
        // Tasks pull images and write logs over HTTPS to AWS endpoints, and the application may call out.
        this.rule("egress", {
            key: SECURITY_GROUP_RULE_KEYS.servicesOut,
            group: this.services,
            role: "services",
            description: "Outbound from tasks (image pulls, logs, application calls)",
            peer: { cidrIpv4: "0.0.0.0/0" },
        });
        this.rule("ingress", {
            key: "nat-instance-in",
            group: this.natInstance,
            role: "nat-instance",
            description: "Everything the private subnets send out, from the VPC only",
            peer: { cidrIpv4: vpcCidr },
        });
        this.rule("egress", {
            key: "nat-instance-out",
            group: this.natInstance,
            role: "nat-instance",
            description: "Out to the internet on behalf of the VPC",
            peer: { cidrIpv4: "0.0.0.0/0" },
        });

        this.registerOutputs({
            loadBalancerId: this.loadBalancer.id,
            servicesId: this.services.id,
            natInstanceId: this.natInstance.id,
        });
    }

    private readonly config: BaseConfig;

    /** The internet to the load balancer's listeners, and the front door to each container port. */
    private frontDoorRules(): void {
        const frontDoor = this.vpcLink ?? this.loadBalancer;
        const frontDoorName = this.vpcLink ? "the API Gateway VPC link" : "the load balancer";
        for (const port of PUBLIC_LISTENER_PORTS) {
            this.rule("ingress", {
                key: SECURITY_GROUP_RULE_KEYS.listenerIn(port),
                group: this.loadBalancer,
                role: "load-balancer",
                description: `Port ${port} from the internet`,
                port,
                peer: { cidrIpv4: "0.0.0.0/0" },
            });
        }
        for (const service of SERVICE_NAMES) {
            const port = SERVICES[service].port;
            const toService = { port, peer: { referencedSecurityGroupId: this.services.id } };
            this.rule("egress", {
                key: SECURITY_GROUP_RULE_KEYS.loadBalancerTo(service),
                group: this.loadBalancer,
                role: "load-balancer",
                description: `To the ${service} containers on ${port}`,
                ...toService,
            });
            if (this.vpcLink)
                this.rule("egress", {
                    key: SECURITY_GROUP_RULE_KEYS.vpcLinkTo(service),
                    group: this.vpcLink,
                    role: "vpc-link",
                    description: `To the ${service} containers on ${port}`,
                    ...toService,
                });
            this.rule("ingress", {
                key: SECURITY_GROUP_RULE_KEYS.servicesIn(service),
                group: this.services,
                role: "services",
                description: `${service} port ${port} from ${frontDoorName}`,
                port,
                peer: { referencedSecurityGroupId: frontDoor.id },
            });
        }
    }

    /** A group named `<component>-<role>`, tagged with its Role. */
    private group(
        role: GroupRole,
        vpcId: pulumi.Input<string>,
        { name, description }: { name: string; description: string },
    ): aws.ec2.SecurityGroup {
        return new aws.ec2.SecurityGroup(
            securityGroupNames(this.name).group(role),
            { name, description, vpcId, tags: tagsFor(this.config, physicalName(this.config, role), { Role: role }) },
            { parent: this },
        );
    }

    private rule(direction: "ingress" | "egress", spec: RuleSpec): void {
        const args = {
            securityGroupId: spec.group.id,
            description: spec.description,
            ...(spec.port === undefined
                ? { ipProtocol: "-1" }
                : { ipProtocol: "tcp", fromPort: spec.port, toPort: spec.port }),
            ...spec.peer,
            tags: tagsFor(this.config, physicalName(this.config, spec.key), { Role: spec.role }),
        };
        const logicalName = securityGroupNames(this.name).rule(spec.key);
        if (direction === "ingress") new aws.vpc.SecurityGroupIngressRule(logicalName, args, { parent: this });
        else new aws.vpc.SecurityGroupEgressRule(logicalName, args, { parent: this });
    }
}
