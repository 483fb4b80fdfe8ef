import { strict as assert } from "assert";
import { fakeCloud } from "../offline/cloud";
import { evaluateStack } from "../offline/engine";
import { stackConfig } from "../offline/evaluate";
import { failureOf } from "./helpers";

describe("entry point", () => {
    it("runs the layer the stack name names", async () => {
        const base = await evaluateStack("base-dev", stackConfig("base-dev"), fakeCloud());
        assert.ok(base.resources.some((resource) => resource.type === "aws:ec2/vpc:Vpc"));
        assert.ok(!base.resources.some((resource) => resource.type === "aws:ecs/cluster:Cluster"));
    });

    it("stops on a malformed stack name before registering anything", async () => {
        const failure = await failureOf(evaluateStack("dev", stackConfig("base-dev"), fakeCloud()));
        assert.match(failure.message, /^dev: "dev" is not a valid stack name/);
        assert.deepEqual(failure.resources, []);
    });

    it("stops on an unknown layer before registering anything", async () => {
        const failure = await failureOf(evaluateStack("network-dev", stackConfig("base-dev"), fakeCloud()));
        assert.match(failure.message, /^network-dev: unknown layer "network"/);
        assert.deepEqual(failure.resources, []);
    });

    it("stops on config errors before registering anything, listing them all", async () => {
        const failure = await failureOf(evaluateStack("runtime-dev", stackConfig("runtime-dev", { egress: "nat", taskCpu: "300" }), fakeCloud()));
        assert.match(failure.message, /^runtime-dev: 2 problems in the configuration:\n {2}- durable-code:egress must be one of/);
        assert.equal(failure.cause.name, "ConfigError");
        assert.deepEqual(failure.resources, []);
    });
});
