import { strict as assert } from "assert";
import { DeclaredResource, Evaluation } from "../offline/engine";
import { evaluateBase, evaluateRuntime } from "../offline/evaluate";
import { egressModesFor, ENVIRONMENT_NAMES, frontDoorsFor } from "../shared/environments";
import { SECRETS_KEY, STATE_BUCKET } from "./iam/access-setup";
import { ofType, TYPES } from "./helpers";

/**
 * IAM's quotas on policy documents (IAM User Guide, "IAM and AWS STS quotas"): a managed policy 6,144
 * characters, all of one role's inline policies together 10,240, a role's trust policy 2,048 (the
 * default; it can be raised to 4,096), ten managed policies attached to a role (the default), white
 * space not counted. Each document keeps a tenth of its quota to spare, for longer project names and
 * the next statement.
 */
const QUOTA = { managed: 6_144, inline: 10_240, trust: 2_048, attached: 10 } as const;
const HEADROOM = 0.9;

/** A document's size as IAM counts it: its JSON without white space. */
export const iamSize = (json: string) => JSON.stringify(JSON.parse(json)).replace(/\s/g, "").length;

/** Every IAM document of one evaluation that is over a tenth short of its quota, each named with its size. */
function overQuota(evaluation: Evaluation): string[] {
    const over: string[] = [];
    const check = (what: string, size: number, quota: number) => {
        if (size > quota * HEADROOM) over.push(`${evaluation.stack} ${what}: ${size} of ${quota}`);
    };
    for (const policy of ofType(evaluation, "aws:iam/policy:Policy"))
        check(`managed policy ${policy.name}`, iamSize(policy.state.policy), QUOTA.managed);
    for (const role of ofType(evaluation, TYPES.role)) {
        check(`trust of ${role.name}`, iamSize(role.inputs.assumeRolePolicy), QUOTA.trust);
        // A policy names its role by the role's id or its name, which are the same in AWS.
        const ofRole = (type: string) =>
            ofType(evaluation, type).filter((resource: DeclaredResource) =>
                [role.id, role.state.name].includes(resource.inputs.role),
            );
        const inline = ofRole(TYPES.rolePolicy).reduce((total, policy) => total + iamSize(policy.state.policy), 0);
        check(`inline policies of ${role.name}`, inline, QUOTA.inline);
        check(
            `managed policies attached to ${role.name}`,
            ofRole("aws:iam/rolePolicyAttachment:RolePolicyAttachment").length,
            QUOTA.attached,
        );
    }
    return over;
}

/** Base with everything that adds to a document: GitHub roles with a state key, previews of staging, the publisher. */
const accessOn = (env: string, publisher: boolean) => ({
    githubRepository: "acme/durable-code",
    stateBucket: STATE_BUCKET,
    secretsKeyArn: SECRETS_KEY,
    // The most subnets base makes, so the deploy role lists the most subnet ids.
    azCount: "6",
    ...(env === "dev" ? { previewEnvironments: JSON.stringify(["dev", "staging"]) } : {}),
    ...(publisher ? { imagePublisherRepository: "acme/durable-code-app" } : {}),
});

const SIX_ZONES = ["us-west-2a", "us-west-2b", "us-west-2c", "us-west-2d", "us-west-2e", "us-west-2f"];

describe("every IAM document fits IAM's quotas with a tenth to spare", () => {
    for (const env of ENVIRONMENT_NAMES) {
        for (const frontDoor of frontDoorsFor(env)) {
            it(`${env}, front door ${frontDoor}: base with and without a domain and the image publisher, runtime in every egress mode`, async () => {
                const over: string[] = [];
                for (const domain of [undefined, "example.com"])
                    for (const publisher of [false, true]) {
                        const base = await evaluateBase(
                            env,
                            { ...accessOn(env, publisher), frontDoor, ...(domain ? { domain } : {}) },
                            {},
                            SIX_ZONES,
                        );
                        over.push(...overQuota(base));
                        if (domain && publisher)
                            for (const egress of egressModesFor(env)) {
                                const runtime = await evaluateRuntime(env, base, {
                                    egress,
                                    frontDoor,
                                    enableExec: "true",
                                    // Asleep at rest only where it may be (http-api, public-ip); awake elsewhere.
                                    ...(frontDoor === "http-api" && egress === "public-ip"
                                        ? {}
                                        : { wakeOnRequest: "" }),
                                });
                                over.push(...overQuota(runtime));
                            }
                    }
                assert.deepEqual(over, []);
            });
        }
    }

    it("counts what IAM counts, and finds each kind of document over its share (the check can fail)", () => {
        assert.equal(iamSize('{ "Version": "2012-10-17",\n  "Statement": [] }'), 39);
        const resource = (type: string, name: string, fields: Record<string, any>): DeclaredResource => ({
            type,
            name,
            id: name,
            inputs: fields,
            state: fields,
            protect: false,
            retainOnDelete: false,
            ignoreChanges: [],
            dependencies: [],
            parent: "",
        });
        const sized = (characters: number) =>
            JSON.stringify({ Version: "2012-10-17", Sid: "x".repeat(characters - 33) });
        assert.equal(iamSize(sized(5_530)), 5_530);
        const evaluation: Evaluation = {
            stack: "base-dev",
            invokes: [],
            outputs: {},
            resources: [
                resource("aws:iam/policy:Policy", "fits", { policy: sized(5_529) }),
                resource("aws:iam/policy:Policy", "big", { policy: sized(5_531) }),
                resource(TYPES.role, "deploy", { name: "deploy", assumeRolePolicy: sized(1_844) }),
                resource(TYPES.rolePolicy, "a", { role: "deploy", policy: sized(5_000) }),
                resource(TYPES.rolePolicy, "b", { role: "deploy", policy: sized(4_217) }),
                ...Array.from({ length: 10 }, (_, index) =>
                    resource("aws:iam/rolePolicyAttachment:RolePolicyAttachment", `p${index}`, { role: "deploy" }),
                ),
            ],
        };
        assert.deepEqual(overQuota(evaluation), [
            "base-dev managed policy big: 5531 of 6144",
            "base-dev trust of deploy: 1844 of 2048",
            "base-dev inline policies of deploy: 9217 of 10240",
            "base-dev managed policies attached to deploy: 10 of 10",
        ]);
    });
});
