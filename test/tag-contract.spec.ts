import { strict as assert } from "assert";
import { fakeCloud } from "../offline/cloud";
import { evaluateStack, Evaluation } from "../offline/engine";
import { stackConfig } from "../offline/evaluate";
import { ENVIRONMENT_NAMES } from "../shared/environments";
import { tagsFor } from "../shared/tags";

const LOOKUP_TYPES: Record<string, string> = {
    "aws:ec2/getVpc:getVpc": "aws:ec2/vpc:Vpc",
    "aws:ec2/getSubnets:getSubnets": "aws:ec2/subnet:Subnet",
    "aws:ec2/getSecurityGroup:getSecurityGroup": "aws:ec2/securityGroup:SecurityGroup",
};

describe("tag contract", () => {
    for (const env of ENVIRONMENT_NAMES) {
        describe(env, () => {
            let base: Evaluation;
            let runtime: Evaluation;
            before(async () => {
                base = await evaluateStack(`base-${env}`, stackConfig(`base-${env}`, { extraTags: '{"CostCenter": "web"}' }), fakeCloud());
                runtime = await evaluateStack(`runtime-${env}`, stackConfig(`runtime-${env}`, { discovery: "tags", extraTags: '{"CostCenter": "web"}' }), fakeCloud({ base }));
            });

            it("every tag filter runtime sends matches resources base tagged", () => {
                const tagLookups = runtime.invokes.filter((invoke) => LOOKUP_TYPES[invoke.token]);
                assert.equal(tagLookups.length, 6);
                for (const invoke of tagLookups) {
                    const candidates = base.resources.filter((resource) => resource.type === LOOKUP_TYPES[invoke.token]);
                    const matches = candidates.filter((resource) =>
                        invoke.inputs.filters.every((filter: { name: string; values: string[] }) => filter.values.includes(resource.inputs.tags?.[filter.name.replace(/^tag:/, "")])),
                    );
                    assert.ok(matches.length > 0, `${invoke.token} ${JSON.stringify(invoke.inputs.filters)} matches nothing base declares`);
                }
            });

            it("every taggable resource of both layers carries the contract tags and the extra tags", () => {
                for (const [layer, evaluation] of [["base", base], ["runtime", runtime]] as const) {
                    const tagged = evaluation.resources.filter((resource) => resource.inputs.tags !== undefined);
                    assert.ok(tagged.length > 10);
                    for (const resource of tagged) {
                        assert.deepEqual(
                            { ...resource.inputs.tags, Name: undefined, Role: undefined, Tier: undefined },
                            { Project: "durable-code", Environment: env, Layer: layer, ManagedBy: "pulumi", CostCenter: "web", Name: undefined, Role: undefined, Tier: undefined },
                            `${resource.type} ${resource.name}`,
                        );
                    }
                }
            });
        });
    }

    it("extra tags cannot override a contract key even if validation were bypassed", () => {
        const tags = tagsFor({ project: "durable-code", env: "dev", layer: "base", extraTags: { Environment: "Development", Project: "other", Owner: "web" } }, "vpc");
        assert.deepEqual(tags, { Environment: "dev", Project: "durable-code", Layer: "base", ManagedBy: "pulumi", Owner: "web", Name: "vpc" });
    });
});
