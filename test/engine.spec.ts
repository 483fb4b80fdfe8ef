import { strict as assert } from "assert";
import { fakeCloud } from "../offline/cloud";
import { evaluateStack, Evaluation } from "../offline/engine";
import { stackConfig } from "../offline/evaluate";
import { suppressStackTraces } from "../offline/stack-traces";
import { endStuckTurn, inTurn } from "../offline/turns";
import { failureOf } from "./helpers";

/** What an evaluation declares, in the order it declared it. */
const declared = (evaluation: Evaluation) => ({
    resources: evaluation.resources.map(({ type, name, inputs, protect, dependencies, parent }) => ({
        type,
        name,
        inputs,
        protect,
        dependencies,
        parent,
    })),
    invokes: evaluation.invokes,
    outputs: evaluation.outputs,
});

const base = (env: string) => evaluateStack(`base-${env}`, stackConfig(`base-${env}`), fakeCloud());
const runtime = (env: string, from: Evaluation) =>
    evaluateStack(
        `runtime-${env}`,
        stackConfig(`runtime-${env}`),
        fakeCloud({ base: from, stacks: { [`organization/durable-code/${from.stack}`]: from.outputs } }),
    );

describe("offline engine", () => {
    it("evaluations started together declare what they declare one after another", async () => {
        const devBase = await base("dev");
        const alone = [declared(await base("prod")), declared(await runtime("dev", devBase)), declared(devBase)];
        const together = await Promise.all([base("prod"), runtime("dev", devBase), base("dev")]);
        assert.deepEqual(together.map(declared), alone);
        assert.notDeepEqual(alone[0], alone[2], "dev and prod differ, so neither could pass for the other");
    });

    it("an evaluation that fails while others wait leaves them theirs", async () => {
        const [failure, devBase] = await Promise.all([
            failureOf(evaluateStack("dev", stackConfig("base-dev"), fakeCloud())),
            base("dev"),
        ]);
        assert.match(failure.message, /"dev" is not a valid stack name/);
        assert.deepEqual(declared(devBase), declared(await base("dev")));
    });

    it("leaves stack traces as it found them, after a failure too", async () => {
        const before = { limit: Error.stackTraceLimit, prepare: Error.prepareStackTrace };
        const during = await inTurn([suppressStackTraces], async () => Error.stackTraceLimit);
        await base("dev");
        await failureOf(evaluateStack("dev", stackConfig("base-dev"), fakeCloud()));
        assert.deepEqual(
            { limit: Error.stackTraceLimit, prepare: Error.prepareStackTrace, during },
            { ...before, during: 0 },
        );
    });

    it("the root hook gives up a turn that never settles: its traces come back and the next evaluation runs", async () => {
        const before = { limit: Error.stackTraceLimit, prepare: Error.prepareStackTrace };
        void inTurn([suppressStackTraces], () => new Promise(() => undefined));
        assert.equal(Error.stackTraceLimit, 0);
        const next = base("dev");
        endStuckTurn();
        assert.ok((await next).resources.length > 0);
        assert.deepEqual({ limit: Error.stackTraceLimit, prepare: Error.prepareStackTrace }, before);
    });
});
