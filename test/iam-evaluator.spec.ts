import { strict as assert } from "assert";
import { decision } from "./iam-evaluator";

/** The evaluator's reading of IAM's condition operators (IAM User Guide, "Condition operators"). */
describe("the IAM evaluator's conditions", () => {
    type Condition = Record<string, Record<string, string | string[]>>;
    const ask = (condition: Condition, context: Record<string, string | string[]>) =>
        decision([{ Effect: "Allow", Action: "ecs:CreateService", Resource: "*", Condition: condition }], {
            action: "ecs:CreateService",
            resource: "*",
            context,
        });

    const cases: Array<[string, Condition, Record<string, string | string[]>, boolean]> = [
        [
            "ForAllValues: every value listed",
            { "ForAllValues:StringEquals": { k: ["a", "b"] } },
            { k: ["a", "b"] },
            true,
        ],
        [
            "ForAllValues: one value not listed",
            { "ForAllValues:StringEquals": { k: ["a", "b"] } },
            { k: ["a", "c"] },
            false,
        ],
        ["ForAllValues: the key missing", { "ForAllValues:StringEquals": { k: ["a"] } }, {}, true],
        ["ForAnyValue: one value listed", { "ForAnyValue:StringEquals": { k: ["a"] } }, { k: ["c", "a"] }, true],
        ["ForAnyValue: the key missing", { "ForAnyValue:StringEquals": { k: ["a"] } }, {}, false],
        ["IfExists: the key missing", { ArnLikeIfExists: { k: "arn:x:*" } }, {}, true],
        ["IfExists: the key present, not matching", { ArnLikeIfExists: { k: "arn:x:*" } }, { k: "arn:y:1" }, false],
        ["StringNotEquals: a value listed", { StringNotEquals: { k: ["a", "b"] } }, { k: "b" }, false],
        ["StringNotEquals: no value listed", { StringNotEquals: { k: ["a", "b"] } }, { k: "c" }, true],
        ["StringNotEquals: the key missing", { StringNotEquals: { k: "a" } }, {}, true],
        [
            "ForAllValues:StringNotEquals: no value listed",
            { "ForAllValues:StringNotEquals": { k: ["a", "b"] } },
            { k: ["c", "d"] },
            true,
        ],
        [
            "ForAllValues:StringNotEquals: one value listed",
            { "ForAllValues:StringNotEquals": { k: ["a", "b"] } },
            { k: ["c", "a"] },
            false,
        ],
    ];
    for (const [what, given, context, allowed] of cases) {
        it(`${what}: ${allowed ? "allowed" : "not allowed"}`, () => {
            assert.equal(ask(given, context), allowed ? "allowed" : "implicitly denied");
        });
    }
});
