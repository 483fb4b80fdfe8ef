import { PolicyPack, StackValidationArgs } from "@pulumi/policy";
import { CheckedStack, RULES } from "./rules";

/**
 * The guardrails as a Pulumi policy pack: `pulumi preview --policy-pack policy -s runtime-dev`.
 * The rules are the functions in rules.ts, which the tests also run against every stack offline.
 */
function stackOf(args: StackValidationArgs): CheckedStack {
    // The root resource is named <project>-<stack>, e.g. durable-code-runtime-dev.
    const root = args.resources.find((resource) => resource.type === "pulumi:pulumi:Stack");
    const match = /-(base|runtime)-([a-z0-9]+)$/.exec(root?.name ?? "");
    const tagged = args.resources.find((resource) => resource.props.tags?.Layer)?.props.tags;
    return {
        layer: (match?.[1] ?? tagged?.Layer) === "base" ? "base" : "runtime",
        env: match?.[2] ?? tagged?.Environment ?? "",
        resources: args.resources.map((resource) => ({ type: resource.type, name: resource.name, urn: resource.urn, props: resource.props })),
    };
}

new PolicyPack("durable-code", {
    policies: RULES.map((rule) => ({
        name: rule.name,
        description: rule.description,
        enforcementLevel: rule.enforcementLevel,
        validateStack: (args: StackValidationArgs, reportViolation: (message: string, urn?: string) => void) => {
            for (const found of rule.check(stackOf(args))) reportViolation(found.message, found.resource?.urn);
        },
    })),
});
