import { strict as assert } from "assert";
import { priceResources } from "../cost/price-resources";
import { USAGE_ASSUMPTIONS } from "../cost/assumptions";
import { fakeCloud } from "../offline/cloud";
import { evaluateStack, Evaluation } from "../offline/engine";
import { evaluateEnvironment, stackConfig } from "../offline/evaluate";
import { checkStack } from "../policy/rules";
import { loadConfig } from "../shared/config/load";
import { parseStackName } from "../shared/stack-name";
import { ofType, single, TYPES } from "./helpers";

const REPOSITORY = "acme/durable-code";
const PROVIDER = "arn:aws:iam::123456789012:oidc-provider/token.actions.githubusercontent.com";

describe("security", () => {
    describe("GitHub deploy role (base, off by default)", () => {
        let withRole: Evaluation;
        before(async () => {
            withRole = await evaluateStack("base-dev", stackConfig("base-dev", { githubRepository: REPOSITORY, stateBucket: "acme-pulumi-state" }), fakeCloud());
        });
        const role = () => single(withRole, TYPES.role);
        const permissions = () => JSON.parse(single(withRole, TYPES.rolePolicy).inputs.policy).Statement;

        it("does not exist unless githubRepository is set", async () => {
            const { base } = await evaluateEnvironment("dev");
            assert.deepEqual([...ofType(base, TYPES.role), ...ofType(base, "aws:iam/openIdConnectProvider:OpenIdConnectProvider")], []);
            assert.equal(base.outputs.deployRoleArn, undefined);
        });

        it("trusts GitHub's OIDC tokens of this repository's main branch only", () => {
            const trust = JSON.parse(role().inputs.assumeRolePolicy).Statement[0];
            assert.equal(trust.Action, "sts:AssumeRoleWithWebIdentity");
            assert.deepEqual(trust.Condition, {
                StringEquals: {
                    "token.actions.githubusercontent.com:aud": "sts.amazonaws.com",
                    "token.actions.githubusercontent.com:sub": "repo:acme/durable-code:ref:refs/heads/main",
                },
            });
            assert.equal(withRole.outputs.deployRoleArn, role().state.arn);
        });

        it("may manage only this environment's roles, and read and write only the state bucket", () => {
            const iam = permissions().find((statement: any) => statement.Action.includes("iam:PassRole"));
            assert.equal(iam.Resource, "arn:aws:iam::*:role/durable-code-dev-*");
            const objects = permissions().find((statement: any) => statement.Action.includes("s3:PutObject"));
            assert.equal(objects.Resource, "arn:aws:s3:::acme-pulumi-state/*");
            assert.ok(!permissions().some((statement: any) => statement.Action.includes("*")));
        });

        it("reuses the account's OIDC provider when given (one per account)", async () => {
            const reuse = await evaluateStack("base-dev", stackConfig("base-dev", { githubRepository: REPOSITORY, githubOidcProviderArn: PROVIDER, githubBranch: "release" }), fakeCloud());
            assert.deepEqual(ofType(reuse, "aws:iam/openIdConnectProvider:OpenIdConnectProvider"), []);
            const trust = JSON.parse(single(reuse, TYPES.role).inputs.assumeRolePolicy).Statement[0];
            assert.equal(trust.Principal.Federated, PROVIDER);
            assert.equal(trust.Condition.StringEquals["token.actions.githubusercontent.com:sub"], "repo:acme/durable-code:ref:refs/heads/release");
        });

        it("passes the policy pack and is priced (free)", () => {
            assert.deepEqual(checkStack({ layer: "base", env: "dev", resources: withRole.resources.map((r) => ({ type: r.type, name: r.name, props: r.state })) }), []);
            assert.deepEqual(priceResources(withRole.resources, "us-west-2", USAGE_ASSUMPTIONS.dev).unpriced, []);
        });

        it("says how to turn it on when only its details are set", () => {
            assert.throws(() => loadConfig(parseStackName("base-dev"), stackConfig("base-dev", { githubBranch: "main" }), { project: "durable-code", organization: "organization" }), {
                message: "base-dev: durable-code:githubBranch configure the GitHub deploy role, which is off; set durable-code:githubRepository (owner/name) to turn it on",
            });
        });
    });

    describe("load balancer access logs (runtime, off by default)", () => {
        it("are off unless accessLogsBucket is set", async () => {
            const { runtime } = await evaluateEnvironment("dev");
            assert.equal(single(runtime, TYPES.loadBalancer).inputs.accessLogs, undefined);
        });

        it("go to the configured bucket under the environment's prefix", async () => {
            const { runtime } = await evaluateEnvironment("prod", { runtime: { accessLogsBucket: "acme-alb-logs" } });
            assert.deepEqual(single(runtime, TYPES.loadBalancer).inputs.accessLogs, { bucket: "acme-alb-logs", prefix: "durable-code-prod", enabled: true });
        });
    });
});
