import { strict as assert } from "assert";
import { join } from "node:path";
import * as ts from "typescript";
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
        const failure = await failureOf(
            evaluateStack(
                "runtime-staging",
                stackConfig("runtime-staging", { egress: "nat", taskCpu: "300" }),
                fakeCloud(),
            ),
        );
        assert.match(
            failure.message,
            /^runtime-staging: 2 problems in the configuration:\n {2}- durable-code:egress must be one of/,
        );
        assert.equal(failure.cause.name, "ConfigError");
        assert.deepEqual(failure.resources, []);
    });

    it("loads under pulumi up's TypeScript options: the CLI's defaults with tsconfig.json's on top, as CommonJS", () => {
        // @pulumi/pulumi cmd/run/run.js (the pinned version) registers ts-node with these defaults,
        // spread under tsconfig.json's compilerOptions as its tsutils.loadTypeScriptCompilerOptions
        // reads them; ts-node (dist/configuration.js) puts them over the same file's, and its own
        // TS_NODE_COMPILER_OPTIONS over everything. A key the file leaves out takes the CLI's
        // default: "module": "commonjs" without a moduleResolution meets the CLI's "nodenext" and
        // stops every pulumi up (TS5110).
        const root = join(__dirname, "..");
        const project = ts.readConfigFile(join(root, "tsconfig.json"), ts.sys.readFile).config.compilerOptions;
        const cliDefaults = { target: "ES2020", module: "nodenext", moduleResolution: "nodenext", sourceMap: "true" };
        const tsNodeFixed = {
            sourceMap: true,
            inlineSourceMap: false,
            inlineSources: true,
            declaration: false,
            noEmit: false,
            outDir: ".ts-node",
        };
        const { options, errors } = ts.convertCompilerOptionsFromJson(
            { ...project, ...cliDefaults, ...project, ...tsNodeFixed },
            root,
        );
        assert.deepEqual(
            errors.map((error) => ts.flattenDiagnosticMessageText(error.messageText, "\n")),
            [],
        );
        const problems = ts.createProgram({ rootNames: [], options }).getOptionsDiagnostics();
        assert.deepEqual(
            problems.map(
                (problem) => `TS${problem.code}: ${ts.flattenDiagnosticMessageText(problem.messageText, "\n")}`,
            ),
            [],
        );
        // package.json sets no "type": node16 emits the program as CommonJS, as the tests load it.
        const format = ts.getImpliedNodeFormatForFile(join(root, "index.ts") as ts.Path, undefined, ts.sys, options);
        assert.equal(format, ts.ModuleKind.CommonJS);
    });
});
