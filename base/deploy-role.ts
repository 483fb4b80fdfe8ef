import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { BaseConfig } from "../shared/config/load";
import { physicalName } from "../shared/naming";
import { tagsFor } from "../shared/tags";

const GITHUB_OIDC_HOST = "token.actions.githubusercontent.com";

/** Services the nightly teardown and morning startup create and delete (runtime's resources). */
const RUNTIME_SERVICES = ["ec2", "elasticloadbalancing", "ecs", "logs", "application-autoscaling", "route53"];

export function deployRoleTrustPolicy(providerArn: string, repository: string, branch: string) {
    return {
        Version: "2012-10-17",
        Statement: [
            {
                Effect: "Allow",
                Principal: { Federated: providerArn },
                Action: "sts:AssumeRoleWithWebIdentity",
                Condition: {
                    StringEquals: {
                        [`${GITHUB_OIDC_HOST}:aud`]: "sts.amazonaws.com",
                        // Only workflows running on this repository's branch, not forks or other branches.
                        [`${GITHUB_OIDC_HOST}:sub`]: `repo:${repository}:ref:refs/heads/${branch}`,
                    },
                },
            },
        ],
    };
}

/** What deploying runtime needs: its services, this environment's roles only, reading base, and the state. */
export function deployRolePermissions(config: BaseConfig): { Effect: "Allow"; Action: string[]; Resource: string | string[] }[] {
    const statements: { Effect: "Allow"; Action: string[]; Resource: string | string[] }[] = [
        { Effect: "Allow", Action: RUNTIME_SERVICES.map((service) => `${service}:*`), Resource: "*" },
        {
            Effect: "Allow",
            Action: ["iam:CreateRole", "iam:DeleteRole", "iam:GetRole", "iam:TagRole", "iam:UntagRole", "iam:PassRole", "iam:PutRolePolicy", "iam:GetRolePolicy", "iam:DeleteRolePolicy", "iam:ListRolePolicies", "iam:ListAttachedRolePolicies", "iam:ListInstanceProfilesForRole"],
            Resource: `arn:aws:iam::*:role/${physicalName(config)}-*`,
        },
        { Effect: "Allow", Action: ["ecr:Describe*", "ecr:Get*", "ecr:List*", "acm:Describe*", "acm:List*", "acm:GetCertificate", "sts:GetCallerIdentity"], Resource: "*" },
    ];
    const bucket = config.deployRole?.stateBucket;
    if (bucket) {
        statements.push({ Effect: "Allow", Action: ["s3:ListBucket", "s3:GetBucketLocation"], Resource: `arn:aws:s3:::${bucket}` });
        statements.push({ Effect: "Allow", Action: ["s3:GetObject", "s3:PutObject", "s3:DeleteObject"], Resource: `arn:aws:s3:::${bucket}/*` });
    }
    return statements;
}

/**
 * A role GitHub Actions may assume through OIDC (no stored keys) to run the scheduled teardown and
 * startup. Off unless `githubRepository` is set. Only one GitHub OIDC provider can exist per
 * account, so an existing one is reused when `githubOidcProviderArn` is given.
 */
export class GithubDeployRole extends pulumi.ComponentResource {
    readonly role: aws.iam.Role;

    constructor(name: string, args: { config: BaseConfig }, opts: pulumi.ComponentResourceOptions = {}) {
        super("durable-code:base:GithubDeployRole", name, {}, opts);
        const { config } = args;
        const settings = config.deployRole!;
        const child = { parent: this };
        const providerArn = settings.oidcProviderArn
            ? pulumi.output(settings.oidcProviderArn)
            : new aws.iam.OpenIdConnectProvider(
                  `${name}-github-oidc`,
                  { url: `https://${GITHUB_OIDC_HOST}`, clientIdLists: ["sts.amazonaws.com"], tags: tagsFor(config, GITHUB_OIDC_HOST) },
                  child,
              ).arn;
        this.role = new aws.iam.Role(
            `${name}-role`,
            {
                name: physicalName(config, "github-deploy"),
                description: `GitHub Actions of ${settings.repository} on ${settings.branch}: nightly teardown and morning startup`,
                assumeRolePolicy: providerArn.apply((arn) => JSON.stringify(deployRoleTrustPolicy(arn, settings.repository, settings.branch))),
                maxSessionDuration: 3600,
                tags: tagsFor(config, physicalName(config, "github-deploy")),
            },
            child,
        );
        new aws.iam.RolePolicy(`${name}-permissions`, { role: this.role.id, policy: JSON.stringify({ Version: "2012-10-17", Statement: deployRolePermissions(config) }) }, child);
        this.registerOutputs({ roleArn: this.role.arn });
    }
}
