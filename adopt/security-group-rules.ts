import { PUBLIC_LISTENER_PORTS, SERVICE_NAMES, SERVICES } from "../shared/services";
import { BASE_COMPONENTS, SECURITY_GROUP_RULE_KEYS, securityGroupNames } from "../base/names";
import type { ReportLine } from "./import-file";
import type { PlanBuilder } from "./plan-builder";
import type { StateObject } from "./terraform-state";
import { TYPES } from "../shared/resource-types";

/** A security group rule as EC2's DescribeSecurityGroupRules returns it (EC2 API reference). */
export interface SecurityGroupRule {
    readonly SecurityGroupRuleId: string;
    readonly GroupId: string;
    readonly IsEgress: boolean;
    readonly IpProtocol: string;
    readonly FromPort?: number;
    readonly ToPort?: number;
    readonly CidrIpv4?: string;
    readonly ReferencedGroupInfo?: { readonly GroupId?: string };
}

type Role = "loadBalancer" | "services";

interface ProgramRule {
    readonly logicalName: string;
    readonly type: string;
    readonly role: Role;
    readonly egress: boolean;
    readonly protocol: string;
    readonly port?: number;
    readonly cidr?: string;
    readonly from?: Role;
}

const parent = BASE_COMPONENTS.securityGroups.name;
const ruleName = (key: string) => securityGroupNames(parent).rule(key);

/** The rules security-groups.ts declares, as the rules EC2 lists would look. */
function programRules(): ProgramRule[] {
    const ingress = TYPES.ingressRule;
    const egress = TYPES.egressRule;
    return [
        ...PUBLIC_LISTENER_PORTS.map((port): ProgramRule => ({
            logicalName: ruleName(SECURITY_GROUP_RULE_KEYS.listenerIn(port)),
            type: ingress,
            role: "loadBalancer",
            egress: false,
            protocol: "tcp",
            port,
            cidr: "0.0.0.0/0",
        })),
        ...SERVICE_NAMES.map((service): ProgramRule => ({
            logicalName: ruleName(SECURITY_GROUP_RULE_KEYS.servicesIn(service)),
            type: ingress,
            role: "services",
            egress: false,
            protocol: "tcp",
            port: SERVICES[service].port,
            from: "loadBalancer",
        })),
        ...SERVICE_NAMES.map((service): ProgramRule => ({
            logicalName: ruleName(SECURITY_GROUP_RULE_KEYS.loadBalancerTo(service)),
            type: egress,
            role: "loadBalancer",
            egress: true,
            protocol: "tcp",
            port: SERVICES[service].port,
            from: "services",
        })),
        {
            logicalName: ruleName(SECURITY_GROUP_RULE_KEYS.servicesOut),
            type: egress,
            role: "services",
            egress: true,
            protocol: "-1",
            cidr: "0.0.0.0/0",
        },
    ];
}

/**
 * Inline rules have no ids in Terraform's state, so the rules EC2 lists for each group are matched to
 * the program's rule resources (import id: the rule id sgr-...). A rule the program does not declare
 * is left behind; the program's rules that do not exist yet are created.
 */
export function adoptRules(
    plan: PlanBuilder,
    groupIds: Partial<Record<Role, string>>,
    rules: readonly SecurityGroupRule[],
): ReportLine[] {
    const lines: ReportLine[] = [];
    const roleOf = (groupId?: string) =>
        (Object.entries(groupIds).find(([, id]) => id === groupId)?.[0] as Role | undefined) ?? undefined;
    for (const rule of rules) {
        const role = roleOf(rule.GroupId);
        if (!role) continue;
        const match = programRules().find(
            (candidate) =>
                candidate.role === role &&
                candidate.egress === rule.IsEgress &&
                candidate.protocol === rule.IpProtocol &&
                (candidate.port === undefined ||
                    (candidate.port === rule.FromPort && candidate.port === rule.ToPort)) &&
                (candidate.cidr === undefined || candidate.cidr === rule.CidrIpv4) &&
                (candidate.from === undefined || groupIds[candidate.from] === rule.ReferencedGroupInfo?.GroupId),
        );
        const address = `${rule.GroupId} ${rule.IsEgress ? "egress" : "ingress"} ${rule.IpProtocol}${rule.FromPort !== undefined && rule.FromPort !== -1 ? ` ${rule.FromPort}` : ""} ${rule.CidrIpv4 ?? rule.ReferencedGroupInfo?.GroupId ?? ""} (${rule.SecurityGroupRuleId})`;
        if (match) {
            plan.used.add(parent);
            plan.entries.push({
                type: match.type,
                name: match.logicalName,
                id: rule.SecurityGroupRuleId,
                parent,
                version: plan.version,
            });
            lines.push({
                address,
                outcome: "adopted, changes in place",
                detail: `${match.logicalName} (${match.type}) ${rule.SecurityGroupRuleId}; changes in place: description and tags`,
            });
        } else {
            lines.push({
                address,
                outcome: "left behind",
                detail: `the program does not declare this rule (the load balancer may reach only the container ports); after the import, revoke it: aws ec2 revoke-security-group-${rule.IsEgress ? "egress" : "ingress"} --group-id ${rule.GroupId} --security-group-rule-ids ${rule.SecurityGroupRuleId}`,
            });
        }
    }
    return lines;
}

/**
 * Offline, without EC2: the inline rules as the state holds them (`ingress` and `egress` blocks,
 * without ids), each still to resolve before the import can adopt it.
 */
export function rulesToResolve(groups: readonly StateObject[]): ReportLine[] {
    return groups.flatMap((group) =>
        (["ingress", "egress"] as const).flatMap((direction) =>
            ((group.attributes[direction] ?? []) as Array<Record<string, any>>).map((rule) => {
                const port =
                    rule.from_port === rule.to_port ? `${rule.from_port}` : `${rule.from_port}-${rule.to_port}`;
                const peers = [...(rule.cidr_blocks ?? []), ...(rule.security_groups ?? [])].join(",");
                return {
                    address: `${group.address} ${direction} ${rule.protocol} ${port} ${peers}`,
                    outcome: "to resolve" as const,
                    detail: `its rule id comes from EC2 (DescribeSecurityGroupRules on ${group.attributes.id}); run adopt again with AWS credentials, without --offline, before pulumi import`,
                };
            }),
        ),
    );
}
