import { BASE_COMPONENTS, SECURITY_GROUP_ROLE_TAGS, securityGroupNames } from "../base/names";
import { defaultSecurityGroup } from "../base/security-groups";
import { SECURITY_GROUP_ROLES, SecurityGroupRole } from "../shared/config/keys";
import { PlanBuilder, TAGS_CHANGE } from "./plan-builder";
import { adoptRules, rulesToResolve, SecurityGroupRule } from "./security-group-rules";
import { TYPES } from "../shared/resource-types";

/** The old groups aws_security_group.alb and .ecs_tasks, and their inline rules, which the state holds without ids. */

const parent = BASE_COMPONENTS.securityGroups.name;
const GROUP = TYPES.securityGroup;
/** The old base's name for each group. */
const OLD_NAMES: Record<SecurityGroupRole, string> = { loadBalancer: "alb", services: "ecs_tasks" };

/**
 * Maps the groups and sets securityGroupNames and securityGroupDescriptions (EC2 cannot change
 * either without replacing the group). `rules`: as EC2 lists them, with ids; undefined offline.
 */
export function planSecurityGroups(plan: PlanBuilder, rules: readonly SecurityGroupRule[] | undefined): void {
    const found: Partial<Record<SecurityGroupRole, { id: string; name: string; description: string }>> = {};
    for (const role of SECURITY_GROUP_ROLES) {
        const [group] = plan.find("aws_security_group", OLD_NAMES[role]);
        const logicalName = securityGroupNames(parent).group(SECURITY_GROUP_ROLE_TAGS[role]);
        if (!group) {
            plan.create(GROUP, logicalName, `aws_security_group.${OLD_NAMES[role]}`);
            continue;
        }
        const { id, name, description } = group.attributes;
        found[role] = { id, name, description };
        plan.adopt(group, { type: GROUP, logicalName, parent }, id, [TAGS_CHANGE]);
        plan.expect(group, { type: GROUP, logicalName }, "name", name);
        plan.expect(group, { type: GROUP, logicalName }, "description", description);
    }
    if (Object.keys(found).length > 0) {
        // The group the old base never had keeps the name and description the program gives it.
        const group = (role: SecurityGroupRole) => found[role] ?? defaultSecurityGroup(plan.scope, role);
        const byRole = (key: "name" | "description") =>
            JSON.stringify(Object.fromEntries(SECURITY_GROUP_ROLES.map((role) => [role, group(role)[key]])));
        plan.config.securityGroupNames = byRole("name");
        plan.config.securityGroupDescriptions = byRole("description");
    }
    const groupIds = Object.fromEntries(Object.entries(found).map(([role, group]) => [role, group.id]));
    plan.report.push(
        ...(rules
            ? adoptRules(plan, groupIds, rules)
            : rulesToResolve(SECURITY_GROUP_ROLES.flatMap((role) => plan.find("aws_security_group", OLD_NAMES[role])))),
    );
}
