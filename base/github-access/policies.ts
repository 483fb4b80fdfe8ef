import { boundaryName, NameScope, physicalName, runtimeRolePath } from "../../shared/naming";
import { document, PolicyDocument, Statement } from "./document";
import { reviewHostnames } from "../../shared/review";
import { ANY_REVIEW, REVIEW_ENVIRONMENT } from "../../shared/stack-name";
import { containerFenceStatements, networkFenceStatements, scalingFenceStatements } from "./fence";
import { API_GATEWAY_READS, cloudMapStatements, frontDoorApiStatements, FrontDoorScope } from "./front-door-access";
import { deployStateStatements, previewStateStatements, StateScope } from "./state-access";

export { boundaryName };
export type { PolicyDocument, Statement };

/**
 * The IAM documents of the GitHub access roles, as plain functions of the environment so tests can
 * evaluate them statement by statement (test/security.spec.ts and test/access-fence.spec.ts, through
 * test/iam/evaluator.ts).
 */

export const GITHUB_OIDC_HOST = "token.actions.githubusercontent.com";

/**
 * The `sub` GitHub presents: `repo:<owner>/<repo>:environment:<env>` for a job that declares an
 * environment, `repo:<owner>/<repo>:pull_request` for a pull request job without one (GitHub docs,
 * "About security hardening with OpenID Connect", example subject claims).
 */
export const environmentSubject = (repository: string, env: string) => `repo:${repository}:environment:${env}`;
export const pullRequestSubject = (repository: string) => `repo:${repository}:pull_request`;

/** Trust for GitHub's OIDC tokens of one exact `sub`, or of any `sub` matching one of several patterns. */
export function githubTrustPolicy(providerArn: string, subject: string | readonly string[]) {
    const audience = { [`${GITHUB_OIDC_HOST}:aud`]: "sts.amazonaws.com" };
    const condition =
        typeof subject === "string"
            ? { StringEquals: { ...audience, [`${GITHUB_OIDC_HOST}:sub`]: subject } }
            : { StringEquals: audience, StringLike: { [`${GITHUB_OIDC_HOST}:sub`]: [...subject] } };
    return {
        Version: "2012-10-17",
        Statement: [
            {
                Effect: "Allow",
                Principal: { Federated: providerArn },
                Action: "sts:AssumeRoleWithWebIdentity",
                Condition: condition,
            },
        ],
    };
}

export interface AccessScope extends StateScope {
    /** Base's VPC, where the NAT instance's interface is created. */
    readonly vpcId: string;
    /** Base's subnets, public and private: the only ones runtime's services may run in. */
    readonly subnetIds: readonly string[];
    /** The environment's hosted zone, the only one whose records the deploy role may change; none without a domain. */
    readonly zoneId?: string;
    /** Front door http-api only: base's namespace and the zone name the API's custom domains carry. */
    readonly frontDoor?: FrontDoorScope;
}

export const deployRoleName = (scope: NameScope) => physicalName(scope, "github-deploy");
export const previewRoleName = (scope: NameScope) => physicalName(scope, "github-preview");
export const reviewRoleName = (scope: NameScope) => physicalName(scope, "github-review");
/**
 * Runtime's roles and instance profile: on runtime's path and named `<project>-<env>-...`, since a
 * role's name is unique in the account whatever its path (IAM User Guide, "IAM and AWS STS quotas":
 * names of roles and instance profiles must be unique within the account), so no environment can
 * take a name another creates.
 */
export const runtimeRoles = (scope: NameScope) =>
    `arn:aws:iam::*:role${runtimeRolePath(scope)}${physicalName(scope)}-*`;
const runtimeInstanceProfiles = (scope: NameScope) =>
    `arn:aws:iam::*:instance-profile${runtimeRolePath(scope)}${physicalName(scope)}-*`;

/** AWS's public parameters of the latest Amazon Linux AMIs (their ARN names no account; `*` also matches none), which the NAT instance boots from. */
export const AMI_PARAMETERS = "arn:aws:ssm:*:*:parameter/aws/service/ami-amazon-linux-latest/*";

/**
 * The most any role this environment's deploy role creates may ever do: what the task roles and the
 * NAT instance need, on this environment's images and log groups only. A role's permissions are the intersection of its policies and this boundary,
 * so a role the deploy role creates can never be more than this, whatever policy it is given.
 */
export function permissionsBoundary(own: {
    readonly repositoryArns: readonly string[];
    readonly logGroupArns: readonly string[];
}): PolicyDocument {
    return document([
        // The registry login has no resource; pulls only from this environment's repositories.
        { Sid: "RegistryLogin", Effect: "Allow", Action: ["ecr:GetAuthorizationToken"], Resource: "*" },
        {
            Sid: "PullImages",
            Effect: "Allow",
            Action: ["ecr:BatchCheckLayerAvailability", "ecr:BatchGetImage", "ecr:GetDownloadUrlForLayer"],
            Resource: [...own.repositoryArns],
        },
        {
            Sid: "WriteLogs",
            Effect: "Allow",
            Action: ["logs:CreateLogStream", "logs:PutLogEvents"],
            Resource: own.logGroupArns.flatMap((arn) => [arn, `${arn}:*`]),
        },
        {
            Sid: "SessionManager",
            Effect: "Allow",
            Action: [
                "ssmmessages:*",
                "ec2messages:*",
                "ssm:UpdateInstanceInformation",
                "ssm:ListInstanceAssociations",
                "ssm:DescribeInstanceProperties",
                "ssm:DescribeDocumentParameters",
                "ssm:GetDocument",
                "ssm:PutInventory",
                "ssm:GetManifest",
                "ssm:ListAssociations",
                "ssm:UpdateInstanceAssociationStatus",
                "ssm:PutComplianceItems",
                "ssm:PutConfigurePackageResult",
                "ssm:UpdateAssociationStatus",
                "ssm:DescribeAssociation",
            ],
            Resource: "*",
        },
    ]);
}

/** Service-linked roles a new account's first cluster, load balancer or scalable target needs. */
const SERVICE_LINKED_ROLE_SERVICES = [
    "ecs.amazonaws.com",
    "elasticloadbalancing.amazonaws.com",
    "ecs.application-autoscaling.amazonaws.com",
];

/** With front door http-api: the first regional custom domain makes API Gateway create AWSServiceRoleForAPIGateway. */
export const API_GATEWAY_SERVICE_LINKED_ROLE = "ops.apigateway.amazonaws.com";

/** IAM writes that could widen a role's permissions; allowed only on runtime's roles and with the boundary attached. */
const BOUNDED_IAM_WRITES = [
    "iam:CreateRole",
    "iam:PutRolePolicy",
    "iam:AttachRolePolicy",
    "iam:DetachRolePolicy",
    "iam:DeleteRolePolicy",
    "iam:PutRolePermissionsBoundary",
    "iam:DeleteRole",
];

/** IAM writes the deploy role may never make on itself or on the boundary. */
const SELF_WRITES = [
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
const POLICY_WRITES = [
    "iam:CreatePolicyVersion",
    "iam:DeletePolicyVersion",
    "iam:SetDefaultPolicyVersion",
    "iam:DeletePolicy",
    "iam:TagPolicy",
    "iam:UntagPolicy",
];

/** Reads of what base owns and runtime uses (images, certificates, log groups), and the NAT instance's AMI. */
export function baseReads(scope: NameScope): Statement[] {
    return [
        // Only this environment's repositories (`<project>-<env>-<service>`): no other's images.
        {
            Sid: "ReadOwnRepositories",
            Effect: "Allow",
            Action: ["ecr:Describe*", "ecr:Get*", "ecr:List*"],
            Resource: `arn:aws:ecr:*:*:repository/${physicalName(scope)}-*`,
        },
        {
            Sid: "ReadBase",
            Effect: "Allow",
            Action: [
                "acm:Describe*",
                "acm:List*",
                "acm:GetCertificate",
                "logs:Describe*",
                "logs:ListTagsForResource",
                "sts:GetCallerIdentity",
            ],
            Resource: "*",
        },
        {
            Sid: "AmiParameters",
            Effect: "Allow",
            Action: ["ssm:GetParameter", "ssm:GetParameters"],
            Resource: AMI_PARAMETERS,
        },
    ];
}

/** Records in this environment's own zone only; reading zones and change status is harmless. */
function dnsStatements(zoneId: string | undefined): Statement[] {
    const read: Statement = {
        Sid: "DnsRead",
        Effect: "Allow",
        Action: ["route53:Get*", "route53:List*"],
        Resource: "*",
    };
    return zoneId
        ? [
              read,
              {
                  Sid: "OwnZoneRecords",
                  Effect: "Allow",
                  Action: ["route53:ChangeResourceRecordSets"],
                  Resource: `arn:aws:route53:::hostedzone/${zoneId}`,
              },
          ]
        : [read];
}

/**
 * In the environment reviews run beside: none of their role names, which runtime's path would take
 * from them (role names are the account's whatever the path; `<project>-<env>-*` covers
 * `<project>-<env>-pr-*`), and none of their records: Route 53 compares the change batch's record names
 * (route53:ChangeResourceRecordSetsNormalizedRecordNames, lower case without the trailing dot; Route 53
 * developer guide, "Using IAM policy conditions for fine-grained access control").
 */
function reviewsApart(scope: AccessScope): Statement[] {
    if (scope.env !== REVIEW_ENVIRONMENT) return [];
    const roleNames: Statement = {
        Sid: "NoReviewRoleNames",
        Effect: "Deny",
        Action: ["iam:CreateRole"],
        Resource: `arn:aws:iam::*:role/*/${physicalName({ ...scope, review: ANY_REVIEW })}-*`,
    };
    const zoneName = scope.frontDoor?.zoneName;
    if (!scope.zoneId || !zoneName) return [roleNames];
    return [
        roleNames,
        {
            Sid: "NoReviewRecords",
            Effect: "Deny",
            Action: ["route53:ChangeResourceRecordSets"],
            Resource: `arn:aws:route53:::hostedzone/${scope.zoneId}`,
            Condition: {
                "ForAnyValue:StringLike": {
                    "route53:ChangeResourceRecordSetsNormalizedRecordNames": Object.values(
                        reviewHostnames(ANY_REVIEW, zoneName),
                    ),
                },
            },
        },
    ];
}

/** Runtime's roles and instance profile, under runtime's own IAM path: base's roles (at `/`) are out of reach. */
export function runtimeRoleStatements(scope: AccessScope, boundary: string): Statement[] {
    return [
        {
            Sid: "RolesWithinBoundary",
            Effect: "Allow",
            Action: BOUNDED_IAM_WRITES,
            Resource: runtimeRoles(scope),
            Condition: { StringEquals: { "iam:PermissionsBoundary": boundary } },
        },
        {
            Sid: "ManageRoles",
            Effect: "Allow",
            Action: [
                "iam:GetRole",
                "iam:ListRoleTags",
                "iam:TagRole",
                "iam:UntagRole",
                "iam:GetRolePolicy",
                "iam:ListRolePolicies",
                "iam:ListAttachedRolePolicies",
                "iam:ListInstanceProfilesForRole",
                "iam:UpdateAssumeRolePolicy",
            ],
            Resource: runtimeRoles(scope),
        },
        // AddRoleToInstanceProfile passes the role too (IAM API reference), with ec2.amazonaws.com as the
        // service: Karpenter's controller policy grants PassRole only under that condition and adds roles
        // to instance profiles (aws/karpenter-provider-aws, getting-started cloudformation.yaml).
        {
            Sid: "PassRolesToTasksAndInstances",
            Effect: "Allow",
            Action: ["iam:PassRole"],
            Resource: runtimeRoles(scope),
            Condition: { StringEquals: { "iam:PassedToService": ["ecs-tasks.amazonaws.com", "ec2.amazonaws.com"] } },
        },
        {
            Sid: "InstanceProfiles",
            Effect: "Allow",
            Action: [
                "iam:CreateInstanceProfile",
                "iam:DeleteInstanceProfile",
                "iam:GetInstanceProfile",
                "iam:ListInstanceProfileTags",
                "iam:AddRoleToInstanceProfile",
                "iam:RemoveRoleFromInstanceProfile",
                "iam:TagInstanceProfile",
                "iam:UntagInstanceProfile",
            ],
            Resource: runtimeInstanceProfiles(scope),
        },
        // Tag discovery (runtime/discovery) reads the boundary by its ARN.
        { Sid: "ReadBoundary", Effect: "Allow", Action: ["iam:GetPolicy", "iam:GetPolicyVersion"], Resource: boundary },
        {
            Sid: "ServiceLinkedRoles",
            Effect: "Allow",
            Action: ["iam:CreateServiceLinkedRole"],
            Resource: "arn:aws:iam::*:role/aws-service-role/*",
            Condition: {
                StringEquals: {
                    "iam:AWSServiceName": scope.frontDoor
                        ? [...SERVICE_LINKED_ROLE_SERVICES, API_GATEWAY_SERVICE_LINKED_ROLE]
                        : SERVICE_LINKED_ROLE_SERVICES,
                },
            },
        },
    ];
}

/**
 * The deploy role's managed policies, one concern each. Its rights no longer fit inline: IAM allows
 * 10,240 characters for all of a role's inline policies together and 6,144 for each managed policy,
 * whitespace not counted, with ten managed policies attached to a role (IAM User Guide, "IAM and AWS
 * STS quotas"). test/policy-size.spec.ts measures every configuration against those quotas.
 */
export const DEPLOY_POLICIES = ["network", "containers", "scaling", "front-door", "discovery", "identity"] as const;
export type DeployPolicy = (typeof DEPLOY_POLICIES)[number];

/** Policies of the HTTP API front door: API Gateway's, and Cloud Map's apart from them. */
const FRONT_DOOR_POLICIES: readonly DeployPolicy[] = ["front-door", "discovery"];

/** The deploy policies an environment has: front-door and discovery only with `frontDoor: http-api`. */
export const deployPoliciesFor = (frontDoor: boolean): DeployPolicy[] =>
    DEPLOY_POLICIES.filter((policy) => frontDoor || !FRONT_DOOR_POLICIES.includes(policy));

export const deployPolicyName = (scope: NameScope, policy: DeployPolicy) => `${deployRoleName(scope)}-${policy}`;

/**
 * What a role that deploys may never do to itself: write itself, the boundary or its own managed
 * policies (`<role name>-*`), or drop a boundary. A role it creates may trust it (CreateRole and
 * UpdateAssumeRolePolicy take any trust, and no key reads it): it never assumes one of `creates`,
 * so it never takes the boundary's rights. The deploy role and the review role share these.
 */
export function selfGuards(guarded: {
    readonly roleName: string;
    readonly self: string;
    readonly boundary: string;
    readonly creates: string | string[];
    readonly assumeSid: string;
}): Statement[] {
    return [
        { Sid: "NeverWriteItself", Effect: "Deny", Action: SELF_WRITES, Resource: guarded.self },
        { Sid: guarded.assumeSid, Effect: "Deny", Action: ["sts:AssumeRole"], Resource: guarded.creates },
        {
            Sid: "NeverWriteTheBoundaryOrOwnPolicies",
            Effect: "Deny",
            Action: POLICY_WRITES,
            Resource: [guarded.boundary, `arn:aws:iam::*:policy/${guarded.roleName}-*`],
        },
        { Sid: "NeverDropABoundary", Effect: "Deny", Action: ["iam:DeleteRolePermissionsBoundary"], Resource: "*" },
    ];
}

/**
 * What deploying and destroying runtime needs, and no way to more: runtime's services behind the tag
 * fence (fence.ts), records in the environment's zone, IAM only on runtime's path and only with the
 * boundary attached, runtime's own state, never itself, its policies or the boundary.
 */
export function deployRolePolicies(
    scope: AccessScope,
    arns: { readonly self: string; readonly boundary: string },
): Partial<Record<DeployPolicy, PolicyDocument>> {
    const { self, boundary } = arns;
    // Reviews run beside dev's runtime and create what it creates but its network: nothing tagged
    // Review is the deploy role's there.
    const owner = { ...scope, besideReviews: scope.env === REVIEW_ENVIRONMENT };
    return {
        network: document(networkFenceStatements(scope)),
        containers: document(containerFenceStatements(owner)),
        scaling: document(scalingFenceStatements(owner)),
        ...(scope.frontDoor
            ? {
                  "front-door": document(frontDoorApiStatements(owner, scope.frontDoor)),
                  discovery: document(cloudMapStatements(owner, scope.frontDoor)),
              }
            : {}),
        identity: document([
            ...dnsStatements(scope.zoneId),
            ...reviewsApart(scope),
            ...baseReads(scope),
            ...runtimeRoleStatements(scope, boundary),
            ...deployStateStatements(scope),
            ...selfGuards({
                roleName: deployRoleName(scope),
                self,
                boundary,
                creates: runtimeRoles(scope),
                assumeSid: "NeverAssumeRuntimeRoles",
            }),
        ]),
    };
}

/**
 * What `pulumi preview` of the given environments reads (the program's lookups, their state, their
 * secrets), and nothing it could write. Never prod's: a pull request presents one subject to every
 * environment, and prod's preview runs on main through prod's reviewed environment.
 */
export function previewRolePermissions(scope: StateScope, envs: readonly string[]): PolicyDocument {
    return document([
        // ListTagsForResource where Describe* does not cover it: a refresh (`pulumi preview --refresh`)
        // reads every resource's tags as the provider does after a read.
        {
            Sid: "ReadOnly",
            Effect: "Allow",
            Action: [
                "ec2:Describe*",
                "elasticloadbalancing:Describe*",
                "ecs:Describe*",
                "ecs:List*",
                "application-autoscaling:Describe*",
                "application-autoscaling:ListTagsForResource",
                "route53:Get*",
                "route53:List*",
                "acm:Describe*",
                "acm:List*",
                "ecr:Describe*",
                "ecr:List*",
                "servicediscovery:Get*",
                "servicediscovery:List*",
                "logs:Describe*",
                "logs:ListTagsForResource",
                "cloudwatch:DescribeAlarms",
                "cloudwatch:ListTagsForResource",
                "iam:GetRole",
                "iam:ListRoleTags",
                "iam:GetInstanceProfile",
                "iam:GetRolePolicy",
                "iam:GetPolicy",
                "iam:GetPolicyVersion",
                "iam:ListRolePolicies",
                "iam:ListAttachedRolePolicies",
                "iam:GetOpenIDConnectProvider",
                "iam:ListOpenIDConnectProviders",
                "sts:GetCallerIdentity",
            ],
            Resource: "*",
        },
        // What the HTTP API front door reads, never /apikeys, whose GET returns a key's value.
        {
            Sid: "ApiGatewayRead",
            Effect: "Allow",
            Action: ["apigateway:GET"],
            Resource: API_GATEWAY_READS,
        },
        {
            Sid: "AmiParameters",
            Effect: "Allow",
            Action: ["ssm:GetParameter", "ssm:GetParameters"],
            Resource: AMI_PARAMETERS,
        },
        ...previewStateStatements(scope, envs),
    ]);
}
