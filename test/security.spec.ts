import { strict as assert } from "assert";
import { priceResources } from "../cost/price-resources";
import { ENVIRONMENTS } from "../shared/environments";
import { fakeCloud } from "../offline/cloud";
import { evaluateStack, Evaluation } from "../offline/engine";
import { evaluateEnvironment, stackConfig } from "../offline/evaluate";
import { checkStack } from "../policy/rules";
import { loadConfig } from "../shared/config/load";
import { parseStackName } from "../shared/stack-name";
import { failureOf, ofType, single, TYPES } from "./helpers";
import { allows, decision } from "./iam/evaluator";
import { deployStatementsOf } from "./iam/access-setup";

const REPOSITORY = "acme/durable-code";
const PROVIDER = "arn:aws:iam::123456789012:oidc-provider/token.actions.githubusercontent.com";

describe("security", () => {
    describe("GitHub roles (base, off by default)", () => {
        let withRoles: Evaluation;
        const BUCKET = "acme-pulumi-state";
        const KEY = "arn:aws:kms:us-west-2:123456789012:key/0b2f7a3e-6f1d-4f0e-9a55-3c1d2e4f5a6b";
        before(async () => {
            withRoles = await evaluateStack(
                "base-dev",
                stackConfig("base-dev", { githubRepository: REPOSITORY, stateBucket: BUCKET, secretsKeyArn: KEY }),
                fakeCloud(),
            );
        });
        const role = (name: string) => single(withRoles, TYPES.role, `github-${name}`);
        const policyOf = (name: "deploy" | "preview") =>
            name === "deploy"
                ? deployStatementsOf(withRoles)
                : JSON.parse(single(withRoles, TYPES.rolePolicy, `github-${name}`).inputs.policy).Statement;
        const trustOf = (name: string) => JSON.parse(role(name).inputs.assumeRolePolicy).Statement[0];
        const boundary = () => single(withRoles, "aws:iam/policy:Policy", "github-boundary");
        const deploy = (action: string, resource: string, context: Record<string, string> = {}) =>
            decision(policyOf("deploy"), { action, resource, context });
        const OWN_ROLE = "arn:aws:iam::123456789012:role/durable-code-dev-github-deploy";
        const TASK_ROLE = "arn:aws:iam::123456789012:role/durable-code/dev/runtime/durable-code-dev-execution";

        it("do not exist unless githubRepository is set", async () => {
            const { base } = await evaluateEnvironment("dev");
            assert.deepEqual([...ofType(base, TYPES.role), ...ofType(base, "aws:iam/policy:Policy")], []);
            assert.equal(base.outputs.deployRoleArn, undefined);
            assert.equal(base.outputs.permissionsBoundaryArn, "");
        });

        it("the deploy role trusts exactly the jobs that declare the GitHub Environment dev (sub repo:<r>:environment:dev)", () => {
            const trust = trustOf("deploy");
            assert.equal(trust.Action, "sts:AssumeRoleWithWebIdentity");
            assert.equal(trust.Principal.Federated, PROVIDER);
            assert.deepEqual(trust.Condition, {
                StringEquals: {
                    "token.actions.githubusercontent.com:aud": "sts.amazonaws.com",
                    "token.actions.githubusercontent.com:sub": "repo:acme/durable-code:environment:dev",
                },
            });
            assert.equal(withRoles.outputs.deployRoleArn, role("deploy").state.arn);
        });

        it("the preview role trusts pull requests (sub repo:<r>:pull_request) and can write nothing", () => {
            assert.equal(
                trustOf("preview").Condition.StringEquals["token.actions.githubusercontent.com:sub"],
                "repo:acme/durable-code:pull_request",
            );
            const statements = policyOf("preview");
            const writes = statements
                .flatMap((statement: any) => [statement.Action].flat())
                .filter(
                    (action: string) =>
                        !/^[a-z0-9-]+:(Describe|List|Get)/.test(action) &&
                        action !== "kms:Decrypt" &&
                        action !== "apigateway:GET",
                ); // API Gateway names its reads by HTTP verb
            assert.deepEqual(writes, []);
            assert.ok(
                allows(statements, {
                    action: "s3:GetObject",
                    resource: `arn:aws:s3:::${BUCKET}/.pulumi/stacks/durable-code/base-dev.json`,
                }),
            );
            assert.ok(
                !allows(statements, {
                    action: "s3:PutObject",
                    resource: `arn:aws:s3:::${BUCKET}/.pulumi/stacks/durable-code/base-dev.json`,
                }),
            );
            const devContext = {
                "kms:EncryptionContext:project": "durable-code",
                "kms:EncryptionContext:environment": "dev",
            };
            assert.ok(
                allows(statements, { action: "kms:Decrypt", resource: KEY, context: devContext }) &&
                    !allows(statements, { action: "kms:Encrypt", resource: KEY, context: devContext }),
            );
        });

        it("the deploy role may not write its own policies, trust, tags or boundary, nor delete itself, nor change the boundary policy or its managed policies", () => {
            const selfWrites = [
                "iam:PutRolePolicy",
                "iam:AttachRolePolicy",
                "iam:DetachRolePolicy",
                "iam:DeleteRolePolicy",
                "iam:UpdateAssumeRolePolicy",
                "iam:UpdateRole",
                "iam:DeleteRole",
                "iam:PutRolePermissionsBoundary",
                "iam:DeleteRolePermissionsBoundary",
                "iam:TagRole",
                "iam:UntagRole",
            ];
            // Explicitly denied, even in a request that carries the boundary an allow asks for.
            for (const action of selfWrites)
                assert.equal(
                    deploy(action, OWN_ROLE, { "iam:PermissionsBoundary": boundary().state.arn }),
                    "denied",
                    action,
                );
            const boundaryWrites = [
                "iam:CreatePolicyVersion",
                "iam:DeletePolicyVersion",
                "iam:SetDefaultPolicyVersion",
                "iam:DeletePolicy",
                "iam:TagPolicy",
                "iam:UntagPolicy",
            ];
            // Dev's front door is the HTTP API: the deploy role has two policies for it (API Gateway,
            // Cloud Map) beside the other four (the review role's five are test/review-access.spec.ts's).
            const ownPolicies = ofType(withRoles, "aws:iam/policy:Policy").filter(
                (policy) => !policy.name.startsWith("github-review-"),
            );
            assert.deepEqual(
                ownPolicies.map((policy) => policy.name),
                [
                    "github-boundary",
                    "github-deploy-network",
                    "github-deploy-containers",
                    "github-deploy-scaling",
                    "github-deploy-front-door",
                    "github-deploy-discovery",
                    "github-deploy-identity",
                ],
            );
            for (const action of boundaryWrites)
                for (const { state } of ownPolicies)
                    assert.equal(deploy(action, state.arn), "denied", `${action} ${state.arn}`);
        });

        it("the deploy role may create and change this environment's roles only with the boundary attached", () => {
            assert.equal(
                deploy("iam:CreateRole", TASK_ROLE, { "iam:PermissionsBoundary": boundary().state.arn }),
                "allowed",
            );
            assert.equal(deploy("iam:CreateRole", TASK_ROLE), "implicitly denied", "no boundary");
            assert.equal(
                deploy("iam:CreateRole", TASK_ROLE, {
                    "iam:PermissionsBoundary": "arn:aws:iam::aws:policy/AdministratorAccess",
                }),
                "implicitly denied",
            );
            assert.equal(deploy("iam:PutRolePolicy", TASK_ROLE), "implicitly denied");
            assert.equal(
                deploy(
                    "iam:CreateRole",
                    "arn:aws:iam::123456789012:role/durable-code/prod/runtime/durable-code-prod-execution",
                    { "iam:PermissionsBoundary": boundary().state.arn },
                ),
                "implicitly denied",
                "another environment",
            );
            assert.equal(
                deploy("iam:PassRole", TASK_ROLE, { "iam:PassedToService": "ecs-tasks.amazonaws.com" }),
                "allowed",
            );
            assert.equal(
                deploy("iam:PassRole", TASK_ROLE, { "iam:PassedToService": "lambda.amazonaws.com" }),
                "implicitly denied",
            );
        });

        it("the boundary allows what tasks and the NAT instance need, on this environment's images and log groups only, and no IAM or SSM parameter at all", () => {
            const statements = JSON.parse(boundary().inputs.policy).Statement;
            const repository = withRoles.outputs.repositories.backend.arn;
            const logGroup = withRoles.outputs.logGroups.backend.arn;
            assert.ok(allows(statements, { action: "ecr:GetAuthorizationToken", resource: "*" }));
            assert.ok(
                allows(statements, { action: "ecr:BatchGetImage", resource: repository }) &&
                    allows(statements, {
                        action: "logs:PutLogEvents",
                        resource: `${logGroup}:log-stream:backend/backend/0b2f7a3e`,
                    }),
            );
            assert.ok(
                !allows(statements, {
                    action: "ecr:BatchGetImage",
                    resource: "arn:aws:ecr:us-west-2:123456789012:repository/durable-code-prod-backend",
                }),
            );
            assert.ok(
                !allows(statements, {
                    action: "logs:PutLogEvents",
                    resource:
                        "arn:aws:logs:us-west-2:123456789012:log-group:/ecs/durable-code-prod/backend:log-stream:backend/backend/0b2f7a3e",
                }),
            );
            assert.ok(
                !allows(statements, { action: "iam:CreateRole", resource: "*" }) &&
                    !allows(statements, { action: "s3:GetObject", resource: "*" }),
            );
            assert.ok(
                !allows(statements, {
                    action: "ssm:GetParameter",
                    resource:
                        "arn:aws:ssm:us-west-2::parameter/aws/service/ami-amazon-linux-latest/al2023-ami-minimal-kernel-default-arm64",
                }),
            );
        });

        it("the deploy role covers a real up and destroy: scaling alarms, service-linked roles (ECS, ELB, autoscaling only), the state bucket and the secrets key", () => {
            const alarm =
                "arn:aws:cloudwatch:us-west-2:123456789012:alarm:TargetTracking-service/durable-code-dev/durable-code-dev-backend-AlarmHigh-0b2f7a3e";
            for (const action of ["cloudwatch:DescribeAlarms", "cloudwatch:PutMetricAlarm", "cloudwatch:DeleteAlarms"])
                assert.equal(deploy(action, alarm), "allowed", action);
            const linked = "arn:aws:iam::123456789012:role/aws-service-role/ecs.amazonaws.com/AWSServiceRoleForECS";
            for (const service of [
                "ecs.amazonaws.com",
                "elasticloadbalancing.amazonaws.com",
                "ecs.application-autoscaling.amazonaws.com",
            ]) {
                assert.equal(
                    deploy("iam:CreateServiceLinkedRole", linked, { "iam:AWSServiceName": service }),
                    "allowed",
                    service,
                );
            }
            assert.equal(
                deploy("iam:CreateServiceLinkedRole", linked, { "iam:AWSServiceName": "rds.amazonaws.com" }),
                "implicitly denied",
            );
            const devContext = {
                "kms:EncryptionContext:project": "durable-code",
                "kms:EncryptionContext:environment": "dev",
            };
            for (const action of ["kms:Encrypt", "kms:Decrypt"])
                assert.equal(deploy(action, KEY, devContext), "allowed", action);
            assert.equal(
                deploy("s3:PutObject", `arn:aws:s3:::${BUCKET}/.pulumi/stacks/durable-code/runtime-dev.json`),
                "allowed",
            );
            assert.equal(deploy("s3:PutObject", "arn:aws:s3:::someone-elses-bucket/x"), "implicitly denied");
        });

        it("looks up the account's one OIDC provider instead of owning it, so destroying one base never cuts off another", () => {
            assert.deepEqual(ofType(withRoles, "aws:iam/openIdConnectProvider:OpenIdConnectProvider"), []);
            assert.ok(
                withRoles.invokes.some(
                    (invoke) => invoke.token === "aws:iam/getOpenIdConnectProvider:getOpenIdConnectProvider",
                ),
            );
        });

        it("says to run bootstrap when the account has no OIDC provider yet", async () => {
            const failure = await failureOf(
                evaluateStack(
                    "base-dev",
                    stackConfig("base-dev", { githubRepository: REPOSITORY, stateBucket: BUCKET }),
                    fakeCloud({ githubOidcProvider: false }),
                ),
            );
            assert.equal(
                failure.message,
                'base-dev: the account has no GitHub OIDC provider (token.actions.githubusercontent.com); create it once per account with "npm run bootstrap -- --bucket <state bucket> --region us-west-2 --github-oidc"',
            );
        });

        it("runtime's roles carry the boundary, so the deploy role can create them", async () => {
            const runtime = await evaluateStack(
                "runtime-dev",
                stackConfig("runtime-dev"),
                fakeCloud({ base: withRoles, stacks: { "organization/durable-code/base-dev": withRoles.outputs } }),
            );
            assert.deepEqual(
                ofType(runtime, TYPES.role).map((created) => created.inputs.permissionsBoundary),
                [boundary().state.arn, boundary().state.arn],
            );
        });

        it("the boundary caps what any policy gives runtime's roles: even iam:* and s3:* leave only pulls, logs and Session Manager", () => {
            const capped = JSON.parse(boundary().inputs.policy).Statement;
            const anything = [{ Effect: "Allow" as const, Action: "*", Resource: "*" }];
            assert.equal(
                decision(anything, { action: "iam:CreateRole", resource: TASK_ROLE }, capped),
                "implicitly denied",
            );
            assert.equal(
                decision(
                    anything,
                    {
                        action: "s3:GetObject",
                        resource: `arn:aws:s3:::${BUCKET}/.pulumi/stacks/durable-code/runtime-dev.json`,
                    },
                    capped,
                ),
                "implicitly denied",
            );
            assert.equal(
                decision(
                    anything,
                    { action: "ecr:BatchGetImage", resource: withRoles.outputs.repositories.frontend.arn },
                    capped,
                ),
                "allowed",
            );
            assert.equal(
                decision(
                    anything,
                    {
                        action: "ecr:BatchGetImage",
                        resource: "arn:aws:ecr:us-west-2:123456789012:repository/durable-code-prod-frontend",
                    },
                    capped,
                ),
                "implicitly denied",
                "another environment's images",
            );
            assert.equal(
                decision([], { action: "ecr:BatchGetImage", resource: "*" }, capped),
                "implicitly denied",
                "the boundary alone grants nothing",
            );
        });

        it("pass the policy pack and are priced: free", () => {
            assert.deepEqual(
                checkStack({
                    layer: "base",
                    env: "dev",
                    resources: withRoles.resources.map((r) => ({ type: r.type, name: r.name, props: r.state })),
                }),
                [],
            );
            assert.deepEqual(priceResources(withRoles.resources, "us-west-2", ENVIRONMENTS.dev.usage).unpriced, []);
            const iam = withRoles.resources.filter((resource) => resource.type.startsWith("aws:iam/"));
            assert.deepEqual(iam.map((resource) => resource.type).sort(), [
                ...Array(7 + 5).fill("aws:iam/policy:Policy"),
                "aws:iam/role:Role",
                "aws:iam/role:Role",
                "aws:iam/role:Role",
                "aws:iam/rolePolicy:RolePolicy",
                "aws:iam/rolePolicy:RolePolicy",
                // The deploy role's six managed policies and the review role's five.
                ...Array(6 + 5).fill("aws:iam/rolePolicyAttachment:RolePolicyAttachment"),
            ]);
            assert.deepEqual(priceResources(iam, "us-west-2", ENVIRONMENTS.dev.usage), { items: [], unpriced: [] });
        });

        const refusals: Array<[Record<string, string>, string]> = [
            [
                { stateBucket: BUCKET },
                "base-dev: durable-code:stateBucket configure the GitHub roles, which are off; set durable-code:githubRepository (owner/name) to turn them on",
            ],
            [
                { githubRepository: REPOSITORY },
                "base-dev: durable-code:githubRepository turns on the GitHub roles, which need the state bucket; set durable-code:stateBucket (the bucket of the s3:// backend); change it in Pulumi.base-dev.yaml",
            ],
        ];
        for (const [settings, message] of refusals) {
            it(`refuses ${JSON.stringify(settings)}`, () => {
                assert.throws(
                    () =>
                        loadConfig(parseStackName("base-dev"), stackConfig("base-dev", settings), {
                            project: "durable-code",
                            organization: "organization",
                        }),
                    { message },
                );
            });
        }
    });

    describe("image publisher role (base, off by default)", () => {
        let withPublisher: Evaluation;
        before(async () => {
            withPublisher = await evaluateStack(
                "base-staging",
                stackConfig("base-staging", { imagePublisherRepository: "acme/durable-code-app" }),
                fakeCloud(),
            );
        });

        it("trusts the application repository's main branch and tags through OIDC", () => {
            const trust = JSON.parse(single(withPublisher, TYPES.role).inputs.assumeRolePolicy).Statement[0];
            assert.equal(trust.Principal.Federated, PROVIDER);
            assert.deepEqual(trust.Condition.StringLike, {
                "token.actions.githubusercontent.com:sub": [
                    "repo:acme/durable-code-app:ref:refs/heads/main",
                    "repo:acme/durable-code-app:ref:refs/tags/*",
                ],
            });
            assert.equal(withPublisher.outputs.imagePublisherRoleArn, single(withPublisher, TYPES.role).state.arn);
        });

        it("in prod trusts only jobs of the application repository's reviewed environment prod, no subject dev's or staging's publisher trusts", async () => {
            const trustIn = async (env: "dev" | "staging" | "prod") => {
                const base = await evaluateStack(
                    `base-${env}`,
                    stackConfig(`base-${env}`, { imagePublisherRepository: "acme/durable-code-app" }),
                    fakeCloud(),
                );
                return JSON.parse(single(base, TYPES.role).inputs.assumeRolePolicy).Statement[0].Condition;
            };
            const prod = await trustIn("prod");
            assert.deepEqual(prod, {
                StringEquals: {
                    "token.actions.githubusercontent.com:aud": "sts.amazonaws.com",
                    "token.actions.githubusercontent.com:sub": "repo:acme/durable-code-app:environment:prod",
                },
            });
            for (const env of ["dev", "staging"] as const) {
                const subjects: string[] = (await trustIn(env)).StringLike["token.actions.githubusercontent.com:sub"];
                assert.ok(subjects.length > 0);
                // A pattern of theirs matching prod's subject would let their token into prod's role.
                const wildcard = (pattern: string) =>
                    new RegExp(`^${pattern.replace(/[.+^${}()|[\]\\]/g, "\\$&").replace(/\*/g, ".*")}$`);
                for (const subject of subjects)
                    assert.ok(!wildcard(subject).test(prod.StringEquals["token.actions.githubusercontent.com:sub"]));
            }
        });

        it("may push to and read from exactly this environment's two repositories", () => {
            const statements = JSON.parse(single(withPublisher, TYPES.rolePolicy).inputs.policy).Statement;
            const [frontend, backend] = ["frontend", "backend"].map(
                (service) => withPublisher.outputs.repositories[service].arn,
            );
            for (const action of [
                "ecr:PutImage",
                "ecr:InitiateLayerUpload",
                "ecr:UploadLayerPart",
                "ecr:CompleteLayerUpload",
                "ecr:BatchGetImage",
            ]) {
                assert.ok(
                    allows(statements, { action, resource: frontend }) &&
                        allows(statements, { action, resource: backend }),
                    action,
                );
            }
            assert.ok(
                !allows(statements, {
                    action: "ecr:PutImage",
                    resource: "arn:aws:ecr:us-west-2:123456789012:repository/durable-code-prod-frontend",
                }),
            );
            assert.ok(!allows(statements, { action: "ecr:DeleteRepository", resource: frontend }));
        });
    });

    describe("load balancer access logs (on in prod, to base's bucket)", () => {
        it("are off in staging unless a bucket is configured", async () => {
            const { runtime } = await evaluateEnvironment("staging");
            assert.equal(single(runtime, TYPES.loadBalancer).inputs.accessLogs, undefined);
        });

        it("go to a bucket runtime's accessLogsBucket names instead, under the environment's prefix", async () => {
            const { runtime } = await evaluateEnvironment("prod", { runtime: { accessLogsBucket: "acme-alb-logs" } });
            assert.deepEqual(single(runtime, TYPES.loadBalancer).inputs.accessLogs, {
                bucket: "acme-alb-logs",
                prefix: "durable-code-prod",
                enabled: true,
            });
        });
    });
});
