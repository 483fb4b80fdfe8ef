import { PolicyPack, ReportViolation, StackValidationArgs } from "@pulumi/policy";
import { checkedStackFrom } from "./policy-stack";
import { RULES } from "./rules";

/**
 * The guardrails as a Pulumi policy pack: `pulumi preview --policy-pack policy -s runtime-dev`.
 * The rules are the functions in rules.ts, which the tests also run against every stack offline.
 */
new PolicyPack("durable-code", {
    policies: RULES.map((rule) => ({
        name: rule.name,
        description: rule.description,
        enforcementLevel: rule.enforcementLevel,
        validateStack: (args: StackValidationArgs, reportViolation: ReportViolation) => {
            for (const found of rule.check(checkedStackFrom(args.resources)))
                reportViolation(found.message, found.resource?.urn);
        },
    })),
});
