import { strict as assert } from "assert";
import { typeCheck } from "../scripts/type-check";

/**
 * `npm run typecheck` (scripts/type-check.ts), run by TypeScript 7's native compiler on a project of
 * two files (test/fixtures/type-check): one with a type error, one with template strings.
 */
describe("npm run typecheck: the type check and Pulumi's rule against outputs in template strings", () => {
    let problems: string[];
    before(async () => {
        problems = await typeCheck("test/fixtures/type-check/tsconfig.json");
    });

    it("reports a type error as tsc --pretty false prints it", () => {
        assert.ok(problems.includes("test/fixtures/type-check/type-error.ts(1,14): error TS2322: Type 'string' is not assignable to type 'number'."), problems.join("\n"));
    });

    it("flags each output in an untagged template string where it stands, and nothing else (tagged, inside apply, or a plain string)", () => {
        const flagged = problems.filter((problem) => problem.startsWith("test/fixtures/type-check/templates.ts")).map((problem) => problem.split(": a ")[0]);
        assert.deepEqual(flagged, [
            "test/fixtures/type-check/templates.ts(8,40): error @pulumi/no-output-in-template-literal",
            "test/fixtures/type-check/templates.ts(9,32): error @pulumi/no-output-in-template-literal",
            "test/fixtures/type-check/templates.ts(10,33): error @pulumi/no-output-instance-in-template-literal",
            "test/fixtures/type-check/templates.ts(11,32): error @pulumi/no-output-in-template-literal",
        ]);
        assert.equal(problems.length, 5);
    });
});
