import { EnvironmentName } from "../shared/environments";
import { AdoptionPlan, PlanBuilder } from "./plan-builder";
import { planDns } from "./plan-dns";
import { planNetwork } from "./plan-network";
import { planLogs, planRegistries } from "./plan-registries";
import { planSecurityGroups } from "./plan-security-groups";
import { SecurityGroupRule } from "./security-group-rules";
import { StateObject } from "./terraform-state";

export type { AdoptionPlan, Creation, Expectation } from "./plan-builder";

/**
 * How the old Terraform base maps onto this program's base, section by section: which program
 * resource each Terraform object becomes (under the logical names base declares, base/names.ts),
 * the id `pulumi import` needs for it (in the format each type's documentation gives), the config
 * that makes the program declare what exists, what each adoption changes, and what is created anew.
 *
 * `rules`: the inline security group rules as EC2 lists them, with ids; undefined for an offline run,
 * whose report lists the rules still to resolve.
 */
export function planAdoption(
    objects: readonly StateObject[],
    scope: { project: string; env: EnvironmentName },
    rules: readonly SecurityGroupRule[] | undefined,
): AdoptionPlan {
    const plan = new PlanBuilder(objects, scope);
    const zones = planNetwork(plan);
    planSecurityGroups(plan, rules);
    planRegistries(plan);
    planDns(plan);
    planLogs(plan);
    return plan.result(zones);
}
