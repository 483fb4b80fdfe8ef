import { strict as assert } from "assert";
import { fakeCloud } from "../offline/cloud";
import { evaluateStack, Evaluation } from "../offline/engine";
import { stackConfig } from "../offline/evaluate";
import { ENVIRONMENT_NAMES } from "../shared/environments";
import { baseLookupFilters, contractTags, RESERVED_TAG_KEYS, tagsFor } from "../shared/tags";

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
                // Runtime finds base by tags only behind the load balancer (the HTTP API's VPC link is in
                // base's outputs alone), so dev, whose committed front door is the HTTP API, is set to it.
                base = await evaluateStack(
                    `base-${env}`,
                    stackConfig(`base-${env}`, { frontDoor: "alb", extraTags: '{"CostCenter": "web"}' }),
                    fakeCloud(),
                );
                runtime = await evaluateStack(
                    `runtime-${env}`,
                    stackConfig(`runtime-${env}`, {
                        frontDoor: "alb",
                        wakeOnRequest: "",
                        discovery: "tags",
                        // With tags, runtime reads the domain from its own file, the one base is committed with.
                        domain: stackConfig(`base-${env}`)["durable-code:domain"] ?? "",
                        extraTags: '{"CostCenter": "web"}',
                    }),
                    fakeCloud({ base }),
                );
            });

            it("every tag filter runtime sends matches resources base tagged", () => {
                const tagLookups = runtime.invokes.filter((invoke) => LOOKUP_TYPES[invoke.token]);
                assert.equal(tagLookups.length, 6);
                for (const invoke of tagLookups) {
                    const candidates = base.resources.filter(
                        (resource) => resource.type === LOOKUP_TYPES[invoke.token],
                    );
                    const matches = candidates.filter((resource) =>
                        invoke.inputs.filters.every((filter: { name: string; values: string[] }) =>
                            filter.values.includes(resource.inputs.tags?.[filter.name.replace(/^tag:/, "")]),
                        ),
                    );
                    assert.ok(
                        matches.length > 0,
                        `${invoke.token} ${JSON.stringify(invoke.inputs.filters)} matches nothing base declares`,
                    );
                }
            });

            it("every taggable resource of both layers carries the contract tags and the extra tags", () => {
                for (const [layer, evaluation] of [
                    ["base", base],
                    ["runtime", runtime],
                ] as const) {
                    const tagged = evaluation.resources.filter((resource) => resource.inputs.tags !== undefined);
                    assert.ok(tagged.length > 10);
                    for (const resource of tagged) {
                        assert.deepEqual(
                            { ...resource.inputs.tags, Name: undefined, Role: undefined, Tier: undefined },
                            {
                                Project: "durable-code",
                                Environment: env,
                                Layer: layer,
                                ManagedBy: "pulumi",
                                CostCenter: "web",
                                Name: undefined,
                                Role: undefined,
                                Tier: undefined,
                            },
                            `${resource.type} ${resource.name}`,
                        );
                    }
                }
            });
        });
    }

    it("is four tags, the same keys on both layers: Project, Environment, Layer, ManagedBy", () => {
        assert.deepEqual(contractTags({ project: "durable-code", env: "staging", layer: "base" }), {
            Project: "durable-code",
            Environment: "staging",
            Layer: "base",
            ManagedBy: "pulumi",
        });
        assert.deepEqual(contractTags({ project: "durable-code", env: "prod", layer: "runtime" }), {
            Project: "durable-code",
            Environment: "prod",
            Layer: "runtime",
            ManagedBy: "pulumi",
        });
        assert.deepEqual(RESERVED_TAG_KEYS, [
            "Project",
            "Environment",
            "Layer",
            "ManagedBy",
            "Review",
            "Role",
            "Tier",
            "Name",
        ]);
    });

    it("a review's resources carry its pull request as a fifth, which no stack can set through extraTags", () => {
        assert.deepEqual(contractTags({ project: "durable-code", env: "dev", layer: "runtime", review: 7 }), {
            Project: "durable-code",
            Environment: "dev",
            Layer: "runtime",
            ManagedBy: "pulumi",
            Review: "pr-7",
        });
    });

    it("runtime looks base up by base's contract tags and the markers it asks for, nothing more", () => {
        const contract = [
            { name: "tag:Project", values: ["durable-code"] },
            { name: "tag:Environment", values: ["dev"] },
            { name: "tag:Layer", values: ["base"] },
            { name: "tag:ManagedBy", values: ["pulumi"] },
        ];
        assert.deepEqual(baseLookupFilters({ project: "durable-code", env: "dev" }, { Role: "vpc" }), [
            ...contract,
            { name: "tag:Role", values: ["vpc"] },
        ]);
        assert.deepEqual(baseLookupFilters({ project: "durable-code", env: "dev" }, { Tier: "private" }), [
            ...contract,
            { name: "tag:Tier", values: ["private"] },
        ]);
        assert.deepEqual(baseLookupFilters({ project: "durable-code", env: "dev" }, {}), contract);
        assert.deepEqual(
            baseLookupFilters({ project: "durable-code", env: "dev" }, { Role: "vpc", Tier: undefined }),
            [...contract, { name: "tag:Role", values: ["vpc"] }],
            "a marker left undefined is not asked for",
        );
    });

    it("extra tags cannot override a contract key even if validation were bypassed", () => {
        const tags = tagsFor(
            {
                project: "durable-code",
                env: "dev",
                layer: "base",
                extraTags: { Environment: "Development", Project: "other", Owner: "web" },
            },
            "vpc",
        );
        assert.deepEqual(tags, {
            Environment: "dev",
            Project: "durable-code",
            Layer: "base",
            ManagedBy: "pulumi",
            Owner: "web",
            Name: "vpc",
        });
    });
});
