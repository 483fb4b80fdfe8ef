import { strict as assert } from "assert";
import { MAX_AZ_COUNT, planSubnets } from "../shared/subnet-plan";
import { fargateSizeProblem } from "../shared/fargate";

describe("subnet plan", () => {
    it("puts public subnets in the lower half of the VPC and private ones in the upper half", () => {
        assert.deepEqual(planSubnets("10.0.0.0/16", 2), {
            public: ["10.0.0.0/20", "10.0.16.0/20"],
            private: ["10.0.128.0/20", "10.0.144.0/20"],
        });
    });

    it("keeps existing subnets where they are when azCount grows", () => {
        const two = planSubnets("10.0.0.0/16", 2);
        const three = planSubnets("10.0.0.0/16", 3);
        assert.deepEqual(three.public.slice(0, 2), two.public);
        assert.deepEqual(three.private.slice(0, 2), two.private);
    });

    it("fits six zones into the smallest allowed VPC (/23, so /27 subnets) without overlap", () => {
        const plan = planSubnets("192.168.4.0/23", MAX_AZ_COUNT);
        assert.deepEqual(plan.public, [
            "192.168.4.0/27",
            "192.168.4.32/27",
            "192.168.4.64/27",
            "192.168.4.96/27",
            "192.168.4.128/27",
            "192.168.4.160/27",
        ]);
        assert.equal(plan.private[5], "192.168.5.160/27");
        assert.equal(new Set([...plan.public, ...plan.private]).size, 12);
    });
});

describe("Fargate task sizes", () => {
    it("accept the per-environment defaults", () => {
        assert.deepEqual(
            [fargateSizeProblem(256, 512), fargateSizeProblem(512, 1024), fargateSizeProblem(1024, 2048)],
            [undefined, undefined, undefined],
        );
    });

    it("reject memory outside the CPU size's range", () => {
        assert.equal(
            fargateSizeProblem(1024, 1024),
            "taskMemory 1024 does not fit taskCpu 1024; Fargate allows 2048 to 8192 in steps of 1024",
        );
        assert.equal(
            fargateSizeProblem(4096, 8000),
            "taskMemory 8000 does not fit taskCpu 4096; Fargate allows 8192 to 30720 in steps of 1024",
        );
    });
});
