import { OpsError } from "../cli/errors";
import type { StateObject } from "./terraform-state";

/**
 * Is this the old base workspace's state? Asked before anything else (its environment, its region,
 * the mapping), so a state of another project or layer is told what it holds, not given advice for
 * a base it is not. The old base (shared/reference: "The old base workspace as Terraform state
 * holds it") held a VPC with its subnets, route table and security groups, two ECR repositories,
 * and with a domain a zone and a certificate; its compute and load balancing lived in runtime.
 */

/** What the old base never held, in words: compute, load balancing and NAT belong to a runtime layer. */
const NEVER_IN_BASE: Readonly<Record<string, string>> = {
    aws_ecs_cluster: "an ECS cluster",
    aws_ecs_service: "ECS services",
    aws_ecs_task_definition: "ECS task definitions",
    aws_lb: "a load balancer",
    aws_alb: "a load balancer",
    aws_elb: "a classic load balancer",
    aws_lb_listener: "load balancer listeners",
    aws_alb_listener: "load balancer listeners",
    aws_lb_target_group: "target groups",
    aws_alb_target_group: "target groups",
    aws_lb_listener_rule: "listener rules",
    aws_nat_gateway: "a NAT gateway",
    aws_instance: "EC2 instances",
    aws_autoscaling_group: "an auto scaling group",
    aws_launch_template: "a launch template",
    aws_launch_configuration: "a launch configuration",
    aws_db_instance: "a database",
    aws_rds_cluster: "a database cluster",
    aws_lambda_function: "Lambda functions",
};

/** What the old base held that shows a state is one: the VPC and what lives in it, and the registries. */
const BASE_SIGNATURE = "a VPC with subnets, a public route table, two security groups and two ECR repositories";

/** Throws an OpsError (exit 2) saying what the state holds when it is not the old base's; else returns. */
export function refuseIfNotOldBase(objects: readonly StateObject[], source: string, env: string): void {
    const pull = `give base-${env}'s state (terraform workspace select base-${env} && terraform state pull > base-${env}.tfstate)`;
    if (objects.length === 0)
        throw new OpsError(`${source} holds no managed resources; is it the state of the right workspace? ${pull}`, 2);
    const foreign = [...new Set(objects.map((object) => NEVER_IN_BASE[object.type]).filter(Boolean))];
    const hasVpc = objects.some((object) => object.type === "aws_vpc");
    if (foreign.length > 0) {
        const looks = hasVpc ? "a runtime or single-workspace state" : "a runtime workspace's state";
        throw new OpsError(
            `${source} is not the old base's state: it holds ${listed(foreign)}, which the base layer never held; it looks like ${looks}. ${capitalised(pull)}. Nothing was written`,
            2,
        );
    }
    if (!hasVpc)
        throw new OpsError(
            `${source} is not the old base's state: it holds ${listed(holdings(objects))} and no VPC, where the old base held ${BASE_SIGNATURE}. ${capitalised(pull)}. Nothing was written`,
            2,
        );
}

/** "3 aws_dynamodb_table, 1 aws_iam_role": what a state holds, by type, most first. */
function holdings(objects: readonly StateObject[]): string[] {
    const counts = new Map<string, number>();
    for (const object of objects) counts.set(object.type, (counts.get(object.type) ?? 0) + 1);
    return [...counts].sort(([, a], [, b]) => b - a).map(([type, count]) => `${count} ${type}`);
}

function listed(items: readonly string[]): string {
    return items.length < 2 ? items.join("") : `${items.slice(0, -1).join(", ")} and ${items[items.length - 1]}`;
}

const capitalised = (text: string) => text[0].toUpperCase() + text.slice(1);
