import { boundaryName, NameScope, physicalName } from "../../shared/naming";

export { boundaryName };

/**
 * The IAM documents of the GitHub access roles, as plain functions of the environment so tests can
 * evaluate them statement by statement (test/iam.spec.ts).
 */

export const GITHUB_OIDC_HOST = "token.actions.githubusercontent.com";

export interface Statement {
    readonly Sid?: string;
    readonly Effect: "Allow" | "Deny";
    readonly Action: string | string[];
    readonly Resource: string | string[];
    readonly Condition?: Record<string, Record<string, string | string[]>>;
}

export interface PolicyDocument {
    readonly Version: "2012-10-17";
    readonly Statement: Statement[];
}

const document = (statements: Statement[]): PolicyDocument => ({ Version: "2012-10-17", Statement: statements });

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
        Statement: [{ Effect: "Allow", Principal: { Federated: providerArn }, Action: "sts:AssumeRoleWithWebIdentity", Condition: condition }],
    };
}

export interface AccessScope extends NameScope {
    readonly stateBucket: string;
    /** The KMS key of the awskms:// secrets provider, when the stacks use one. */
    readonly secretsKeyArn?: string;
}

export const deployRoleName = (scope: NameScope) => physicalName(scope, "github-deploy");
export const previewRoleName = (scope: NameScope) => physicalName(scope, "github-preview");
const roleArns = (scope: NameScope) => `arn:aws:iam::*:role/${physicalName(scope)}-*`;

/**
 * The most any role this environment's deploy role creates may ever do: what the task roles and the
 * NAT instance need. A role's permissions are the intersection of its policies and this boundary,
 * so a role the deploy role creates can never be more than this, whatever policy it is given.
 */
export function permissionsBoundary(): PolicyDocument {
    return document([
        { Sid: "PullImages", Effect: "Allow", Action: ["ecr:GetAuthorizationToken", "ecr:BatchCheckLayerAvailability", "ecr:BatchGetImage", "ecr:GetDownloadUrlForLayer"], Resource: "*" },
        { Sid: "WriteLogs", Effect: "Allow", Action: ["logs:CreateLogStream", "logs:PutLogEvents"], Resource: "*" },
        {
            Sid: "SessionManager",
            Effect: "Allow",
            Action: ["ssmmessages:*", "ec2messages:*", "ssm:UpdateInstanceInformation", "ssm:ListInstanceAssociations", "ssm:DescribeInstanceProperties", "ssm:DescribeDocumentParameters", "ssm:GetDocument", "ssm:PutInventory", "ssm:GetManifest", "ssm:ListAssociations", "ssm:UpdateInstanceAssociationStatus", "ssm:PutComplianceItems", "ssm:PutConfigurePackageResult", "ssm:UpdateAssociationStatus", "ssm:DescribeAssociation", "ssm:GetParameter", "ssm:GetParameters"],
            Resource: "*",
        },
    ]);
}

/** Services the teardown, startup and releases create and delete (runtime's resources). */
const RUNTIME_SERVICES = ["ec2", "elasticloadbalancing", "ecs", "application-autoscaling", "route53"];

/** Service-linked roles a new account's first cluster, load balancer or scalable target needs. */
export const SERVICE_LINKED_ROLE_SERVICES = ["ecs.amazonaws.com", "elasticloadbalancing.amazonaws.com", "ecs.application-autoscaling.amazonaws.com"];

/** IAM writes that could widen a role's permissions; allowed only with the boundary attached. */
const BOUNDED_IAM_WRITES = ["iam:CreateRole", "iam:PutRolePolicy", "iam:AttachRolePolicy", "iam:DetachRolePolicy", "iam:DeleteRolePolicy", "iam:PutRolePermissionsBoundary"];

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
const POLICY_WRITES = ["iam:CreatePolicyVersion", "iam:DeletePolicyVersion", "iam:SetDefaultPolicyVersion", "iam:DeletePolicy", "iam:TagPolicy", "iam:UntagPolicy"];

function statePermissions(scope: AccessScope, write: boolean): Statement[] {
    const statements: Statement[] = [
        { Sid: "StateBucket", Effect: "Allow", Action: ["s3:ListBucket", "s3:GetBucketLocation", "s3:GetBucketVersioning"], Resource: `arn:aws:s3:::${scope.stateBucket}` },
        { Sid: "StateObjects", Effect: "Allow", Action: write ? ["s3:GetObject", "s3:PutObject", "s3:DeleteObject"] : ["s3:GetObject"], Resource: `arn:aws:s3:::${scope.stateBucket}/*` },
    ];
    if (scope.secretsKeyArn) {
        statements.push({ Sid: "Secrets", Effect: "Allow", Action: write ? ["kms:Encrypt", "kms:Decrypt", "kms:GenerateDataKey"] : ["kms:Decrypt"], Resource: scope.secretsKeyArn });
    }
    return statements;
}

/**
 * What deploying and destroying runtime needs, and no way to more: IAM writes only on this
 * environment's roles and only with the boundary attached, never on itself or the boundary.
 */
export function deployRolePermissions(scope: AccessScope, arns: { readonly self: string; readonly boundary: string }): PolicyDocument {
    const { self, boundary } = arns;
    return document([
        { Sid: "Runtime", Effect: "Allow", Action: RUNTIME_SERVICES.map((service) => `${service}:*`), Resource: "*" },
        // Application Auto Scaling checks the caller's alarm rights when it manages a target-tracking policy.
        { Sid: "ScalingAlarms", Effect: "Allow", Action: ["cloudwatch:DescribeAlarms", "cloudwatch:PutMetricAlarm", "cloudwatch:DeleteAlarms"], Resource: "*" },
        { Sid: "ReadBase", Effect: "Allow", Action: ["ecr:Describe*", "ecr:Get*", "ecr:List*", "acm:Describe*", "acm:List*", "acm:GetCertificate", "logs:Describe*", "logs:ListTagsForResource", "ssm:GetParameter", "sts:GetCallerIdentity"], Resource: "*" },
        {
            Sid: "RolesWithinBoundary",
            Effect: "Allow",
            Action: BOUNDED_IAM_WRITES,
            Resource: roleArns(scope),
            Condition: { StringEquals: { "iam:PermissionsBoundary": boundary } },
        },
        {
            Sid: "ManageRoles",
            Effect: "Allow",
            Action: ["iam:DeleteRole", "iam:GetRole", "iam:TagRole", "iam:UntagRole", "iam:GetRolePolicy", "iam:ListRolePolicies", "iam:ListAttachedRolePolicies", "iam:ListInstanceProfilesForRole", "iam:UpdateAssumeRolePolicy"],
            Resource: roleArns(scope),
        },
        {
            Sid: "PassRolesToTasksAndInstances",
            Effect: "Allow",
            Action: ["iam:PassRole"],
            Resource: roleArns(scope),
            Condition: { StringEquals: { "iam:PassedToService": ["ecs-tasks.amazonaws.com", "ec2.amazonaws.com"] } },
        },
        {
            Sid: "InstanceProfiles",
            Effect: "Allow",
            Action: ["iam:CreateInstanceProfile", "iam:DeleteInstanceProfile", "iam:GetInstanceProfile", "iam:AddRoleToInstanceProfile", "iam:RemoveRoleFromInstanceProfile", "iam:TagInstanceProfile"],
            Resource: `arn:aws:iam::*:instance-profile/${physicalName(scope)}-*`,
        },
        {
            Sid: "ServiceLinkedRoles",
            Effect: "Allow",
            Action: ["iam:CreateServiceLinkedRole"],
            Resource: "arn:aws:iam::*:role/aws-service-role/*",
            Condition: { StringEquals: { "iam:AWSServiceName": SERVICE_LINKED_ROLE_SERVICES } },
        },
        ...statePermissions(scope, true),
        { Sid: "NeverWriteItself", Effect: "Deny", Action: SELF_WRITES, Resource: self },
        { Sid: "NeverWriteTheBoundary", Effect: "Deny", Action: POLICY_WRITES, Resource: boundary },
        { Sid: "NeverDropABoundary", Effect: "Deny", Action: ["iam:DeleteRolePermissionsBoundary"], Resource: "*" },
    ]);
}

/** What `pulumi preview` reads (the program's lookups, the state, its secrets), and nothing it could write. */
export function previewRolePermissions(scope: AccessScope): PolicyDocument {
    return document([
        {
            Sid: "ReadOnly",
            Effect: "Allow",
            Action: [
                "ec2:Describe*",
                "elasticloadbalancing:Describe*",
                "ecs:Describe*",
                "ecs:List*",
                "application-autoscaling:Describe*",
                "route53:Get*",
                "route53:List*",
                "acm:Describe*",
                "acm:List*",
                "ecr:Describe*",
                "ecr:List*",
                "logs:Describe*",
                "logs:ListTagsForResource",
                "cloudwatch:DescribeAlarms",
                "iam:GetRole",
                "iam:GetRolePolicy",
                "iam:GetPolicy",
                "iam:GetPolicyVersion",
                "iam:ListRolePolicies",
                "iam:ListAttachedRolePolicies",
                "iam:GetOpenIDConnectProvider",
                "iam:ListOpenIDConnectProviders",
                "ssm:GetParameter",
                "sts:GetCallerIdentity",
            ],
            Resource: "*",
        },
        ...statePermissions(scope, false),
    ]);
}
