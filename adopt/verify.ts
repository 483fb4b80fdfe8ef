import { isDeepStrictEqual } from "node:util";
import { DeclaredResource, EvaluationError } from "../offline/engine";
import { evaluateBase, StackSource } from "../offline/evaluate";
import { EnvironmentName } from "../shared/environments";
import { ConfigError } from "../shared/errors";
import { stackNameOf } from "../shared/stack-name";
import { AdoptionPlan } from "./plan";
import { BASE_COMPONENTS, networkNames, SECURITY_GROUP_ROLE_TAGS, securityGroupNames } from "../base/names";
import { TYPES } from "../shared/resource-types";

/**
 * Program resources that stand for something the old base held: each must have an import entry, or
 * `pulumi up` would create a second one next to the adopted original, unless the plan found that
 * the state holds none (then up creates the first). By type, and where a type also covers what the
 * old base never had (private route tables, the NAT instance's group), by the names base declares.
 */
function isCounterpart(resource: DeclaredResource, zoneCount: number): boolean {
    const network = networkNames(BASE_COMPONENTS.network.name);
    const groups = securityGroupNames(BASE_COMPONENTS.securityGroups.name);
    const publicNames = [...Array(zoneCount).keys()].map((index) => network.public(index));
    switch (resource.type) {
        case TYPES.routeTable:
            return resource.name === network.publicRouteTable;
        case TYPES.routeTableAssociation:
            return publicNames.includes(resource.name);
        case TYPES.securityGroup:
            return Object.values(SECURITY_GROUP_ROLE_TAGS).some((role) => groups.group(role) === resource.name);
        default:
            return COUNTERPART_TYPES.includes(resource.type);
    }
}
const COUNTERPART_TYPES: readonly string[] = [
    TYPES.vpc,
    TYPES.internetGateway,
    TYPES.subnet,
    TYPES.repository,
    TYPES.lifecyclePolicy,
    TYPES.zone,
    TYPES.certificate,
];

const valueAt = (inputs: Record<string, any>, path: string) =>
    path.split(".").reduce<any>((value, key) => value?.[key], inputs);
const normalize = (value: unknown) => (Array.isArray(value) ? [...value].sort() : value);

/**
 * Evaluates the base program with the adoption's config (offline, the tests' engine) and checks the
 * import against it: every entry names a resource the program declares (type, name and parent),
 * every declared resource whose counterpart the state holds has an entry (the plan lists the others as
 * created anew), and no property that forces a
 * replacement differs between the state and the program. Returns every mismatch.
 */
export async function verifyAdoption(
    plan: AdoptionPlan,
    env: EnvironmentName,
    source: StackSource = {},
): Promise<{ problems: string[]; declared: DeclaredResource[] }> {
    const stack = stackNameOf("base", env);
    let declared: DeclaredResource[];
    try {
        const zones =
            plan.zones.length > 0
                ? [...plan.zones, ...["x", "y", "z", "w"].map((suffix) => `${plan.zones[0].slice(0, -1)}${suffix}`)]
                : undefined;
        declared = (await evaluateBase(env, plan.config, source, zones)).resources;
    } catch (error) {
        const cause = error instanceof EvaluationError ? error.cause : error;
        const problems = cause instanceof ConfigError ? cause.problems : [(cause as Error).message];
        return {
            problems: problems.map((problem) => `the adopted config does not pass ${stack}'s validation: ${problem}`),
            declared: [],
        };
    }
    const problems: string[] = [];
    const parentName = (resource: DeclaredResource) => resource.parent.slice(resource.parent.lastIndexOf("::") + 2);
    const findDeclared = (type: string, name: string) =>
        declared.filter((resource) => resource.type === type && resource.name === name);

    for (const entry of plan.entries) {
        const name = entry.logicalName ?? entry.name;
        const matches = findDeclared(entry.type, name).filter(
            (resource) => entry.component || parentName(resource) === entry.parent,
        );
        if (matches.length !== 1)
            problems.push(
                `the import names ${entry.type} "${name}"${entry.parent ? ` under "${entry.parent}"` : ""}, which the program does not declare`,
            );
    }
    // pulumi import builds each URN from the parent's type, the type and the logical name, and refuses
    // the whole file when two entries share one: "has an ambiguous URN" (pulumi/pulumi
    // pkg/cmd/pulumi/operations/import.go, parseImportFile).
    const urns = new Map<string, string>();
    for (const entry of plan.entries) {
        const logicalName = entry.logicalName ?? entry.name;
        const parentType = plan.entries.find((candidate) => candidate.name === entry.parent)?.type ?? "";
        const urn = `${parentType}$${entry.type}::${logicalName}`;
        const earlier = urns.get(urn);
        if (earlier !== undefined) {
            problems.push(
                `the import entries "${earlier}" and "${entry.name}" have one URN (${entry.type} "${logicalName}"${entry.parent ? ` under "${entry.parent}"` : ""}): pulumi import would refuse the whole file as ambiguous`,
            );
        }
        urns.set(urn, earlier ?? entry.name);
    }
    for (const resource of declared) {
        const counterpart = isCounterpart(resource, plan.zones.length);
        const imported = plan.entries.some(
            (entry) => entry.type === resource.type && (entry.logicalName ?? entry.name) === resource.name,
        );
        const created = plan.creations.some(
            (creation) => creation.type === resource.type && creation.logicalName === resource.name,
        );
        if (counterpart && !imported && !created)
            problems.push(
                `the program declares ${resource.type} "${resource.name}", which the old base holds, but the import has no entry for it: pulumi up would create a second one`,
            );
    }
    for (const expectation of plan.expectations) {
        const [resource] = findDeclared(expectation.type, expectation.logicalName);
        if (!resource) continue;
        const declaredValue = valueAt(resource.inputs, expectation.property);
        if (!isDeepStrictEqual(normalize(declaredValue), normalize(expectation.value))) {
            problems.push(
                `${expectation.address}: ${expectation.property} is ${JSON.stringify(expectation.value)} in the state but ${JSON.stringify(declaredValue)} in the program; ` +
                    `pulumi would replace ${expectation.logicalName}`,
            );
        }
    }
    return { problems, declared };
}
