import { strict as assert } from "assert";
import { ENVIRONMENT_NAMES } from "../shared/environments";
import { parseStackName } from "../shared/stack-name";

describe("stack names", () => {
    it("are <layer>-<env>", () => {
        assert.deepEqual(parseStackName("runtime-staging"), {
            stack: "runtime-staging",
            layer: "runtime",
            env: "staging",
        });
        assert.deepEqual(parseStackName("base-prod"), { stack: "base-prod", layer: "base", env: "prod" });
    });

    const usage = `stacks are named <layer>-<env> with layer base or runtime and env ${ENVIRONMENT_NAMES.join(", ")}; select one with "pulumi stack select base-dev"`;
    const cases: Array<[string, string]> = [
        ["dev", `dev: "dev" is not a valid stack name: ${usage}`],
        ["base_dev", `base_dev: "base_dev" is not a valid stack name: ${usage}`],
        ["Runtime-dev", `Runtime-dev: "Runtime-dev" is not a valid stack name: ${usage}`],
        ["app-dev", `app-dev: unknown layer "app": ${usage}`],
        [
            "runtime-undeclared",
            `runtime-undeclared: unknown environment "undeclared": ${usage}, or declare it in shared/environments.ts (a copy of the most similar entry)`,
        ],
    ];
    for (const [stack, message] of cases) {
        it(`rejects "${stack}"`, () => assert.throws(() => parseStackName(stack), { message }));
    }

    it("lists both problems when layer and environment are unknown", () => {
        assert.throws(
            () => parseStackName("app-undeclared"),
            (error: Error) => {
                assert.match(
                    error.message,
                    /^app-undeclared: 2 problems in the configuration:\n {2}- unknown layer "app"/,
                );
                assert.match(error.message, /\n {2}- unknown environment "undeclared"/);
                return true;
            },
        );
    });
});
