import { strict as assert } from "assert";
import { decision } from "./iam/evaluator";

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

/** test/iam/evaluator.ts answers only for what it evaluates, and refuses the rest. */
describe("the IAM evaluator the tests use", () => {
    const request = { action: "s3:GetObject", resource: "arn:aws:s3:::state/alice/stack.json" };
    const allow = { Effect: "Allow" as const, Action: "s3:GetObject", Resource: "arn:aws:s3:::state/*" };

    it("allows what an Allow covers, and an explicit Deny wins", () => {
        assert.equal(decision([allow], request), "allowed");
        assert.equal(decision([allow, { ...allow, Effect: "Deny" }], request), "denied");
        assert.equal(decision([allow], { ...request, action: "s3:PutObject" }), "implicitly denied");
    });

    it("refuses NotAction, NotResource and NotPrincipal rather than read a statement as if they were absent", () => {
        for (const element of ["NotAction", "NotResource", "NotPrincipal"]) {
            const statement = { ...allow, [element]: "s3:DeleteObject" } as typeof allow;
            assert.throws(() => decision([statement], request), {
                message: new RegExp(`^the IAM evaluator does not evaluate ${element} `),
            });
        }
    });

    it("refuses policy variables, in a resource or a condition, in a boundary too", () => {
        const inResource = { ...allow, Resource: "arn:aws:s3:::state/${aws:username}/*" };
        assert.throws(() => decision([inResource], request), {
            message: /^the IAM evaluator does not evaluate the policy variable \$\{aws:username\} /,
        });
        const inCondition = { ...allow, Condition: { StringEquals: { "s3:prefix": "${aws:PrincipalTag/team}" } } };
        assert.throws(() => decision([allow], request, [inCondition]), {
            message: /the policy variable \$\{aws:PrincipalTag\/team\}/,
        });
    });
});
