import * as aws from "../../shared/aws";
import * as pulumi from "@pulumi/pulumi";
import { BaseConfig } from "../../shared/config/types";
import { ConfigError } from "../../shared/errors";
import { ENVIRONMENT_NAMES, ENVIRONMENTS } from "../../shared/environments";
import { environmentZoneName } from "../../shared/naming";
import { tagsFor } from "../../shared/tags";
import {
    AccessScope,
    boundaryName,
    deployPoliciesFor,
    deployPolicyName,
    deployRoleName,
    deployRolePolicies,
    environmentSubject,
    GITHUB_OIDC_HOST,
    githubTrustPolicy,
    permissionsBoundary,
    previewRoleName,
    previewRolePermissions,
    pullRequestSubject,
    reviewRoleName,
} from "./policies";
import { reviewStateStatements } from "./state-access";
import { document } from "./document";
import { REVIEW_GITHUB_ENVIRONMENT } from "../../shared/review";
import { REVIEW_ENVIRONMENT, REVIEW_STACK_PREFIX } from "../../shared/stack-name";

/**
 * The account's GitHub OIDC provider. There is one per account and every environment's roles trust
 * it, so no base owns it (destroying one base would cut off the others): `npm run bootstrap` creates
 * it once, and each base looks it up.
 */
export async function githubOidcProviderArn(config: BaseConfig): Promise<string> {
    const given = config.githubOidcProviderArn;
    if (given) return given;
    const provider = await aws.iam.getOpenIdConnectProvider({ url: `https://${GITHUB_OIDC_HOST}` }).catch(() => {
        throw new ConfigError(config.stack, [
            `the account has no GitHub OIDC provider (${GITHUB_OIDC_HOST}); create it once per account with "npm run bootstrap -- --bucket <state bucket> --region ${config.region} --github-oidc"`,
        ]);
    });
    return provider.arn;
}

/**
 * What GitHub Actions of `githubRepository` may do in this environment, with no stored keys:
 * - a deploy role for jobs that declare the GitHub Environment `<env>` (teardown, startup, releases),
 *   whose IAM rights are fenced by a permissions boundary so it can never grant itself more;
 * - a read-only preview role for pull requests, which present `pull_request` and no environment, for
 *   the environments `previewEnvironments` names (dev by default, staging if added, never prod).
 */
export class GithubAccess extends pulumi.ComponentResource {
    readonly deployRole: aws.iam.Role;
    /** Only where previewEnvironments names an environment (by default in dev only; never in prod). */
    readonly previewRole?: aws.iam.Role;
    /** Only in the environment reviews run beside (dev): review.yml's jobs, environment `review`. */
    readonly reviewRole?: aws.iam.Role;
    readonly boundary: aws.iam.Policy;

    constructor(
        name: string,
        args: {
            config: BaseConfig;
            providerArn: string;
            vpcId: pulumi.Input<string>;
            /** Base's public and private subnets: where runtime's services may run. */
            subnetIds: pulumi.Input<string>[];
            zoneId: pulumi.Input<string>;
            /** Front door http-api: base's Cloud Map namespace and its private hosted zone (empty otherwise). */
            namespaceArn: pulumi.Input<string>;
            namespaceZoneId: pulumi.Input<string>;
            /** This environment's repositories and log groups: the boundary's only images and logs. */
            repositoryArns: pulumi.Input<string>[];
            logGroupArns: pulumi.Input<string>[];
        },
        opts: pulumi.ComponentResourceOptions = {},
    ) {
        super("durable-code:base:GithubAccess", name, {}, opts);
        const { config, providerArn } = args;
        const settings = config.githubAccess!;
        const state = {
            project: config.project,
            env: config.env,
            stateBucket: settings.stateBucket,
            secretsKeyArn: settings.secretsKeyArn,
        };
        const child = { parent: this };

        this.boundary = new aws.iam.Policy(
            `${name}-boundary`,
            {
                name: boundaryName(config),
                description: `The most any role the ${config.env} deploy role creates may do`,
                policy: pulumi
                    .all([pulumi.all(args.repositoryArns), pulumi.all(args.logGroupArns)])
                    .apply(([repositoryArns, logGroupArns]) =>
                        JSON.stringify(permissionsBoundary({ repositoryArns, logGroupArns })),
                    ),
                tags: tagsFor(config, boundaryName(config)),
            },
            child,
        );
        const role = (suffix: string, roleName: string, subject: string, description: string) =>
            new aws.iam.Role(
                `${name}-${suffix}`,
                {
                    name: roleName,
                    description,
                    assumeRolePolicy: JSON.stringify(githubTrustPolicy(providerArn, subject)),
                    maxSessionDuration: 3600,
                    tags: tagsFor(config, roleName),
                },
                child,
            );
        this.deployRole = role(
            "deploy",
            deployRoleName(config),
            environmentSubject(settings.repository, config.env),
            `GitHub Actions of ${settings.repository}, environment ${config.env}: teardown, startup, releases`,
        );
        const deployPolicies = pulumi
            .all([
                this.deployRole.arn,
                this.boundary.arn,
                args.vpcId,
                pulumi.all(args.subnetIds),
                args.zoneId,
                args.namespaceArn,
                args.namespaceZoneId,
            ])
            .apply(([self, boundary, vpcId, subnetIds, zoneId, namespaceArn, namespaceZoneId]) => {
                const frontDoor =
                    config.frontDoor === "http-api"
                        ? { namespaceArn, namespaceZoneId, zoneName: config.zoneName, zonesBelow: zonesBelow(config) }
                        : undefined;
                const scope: AccessScope = {
                    ...state,
                    vpcId,
                    subnetIds,
                    zoneId: zoneId || undefined,
                    frontDoor,
                };
                return deployRolePolicies(scope, { self, boundary });
            });
        for (const policy of deployPoliciesFor(config.frontDoor === "http-api")) {
            const policyName = deployPolicyName(config, policy);
            const managed = new aws.iam.Policy(
                `${name}-deploy-${policy}`,
                {
                    name: policyName,
                    description: `The ${config.env} deploy role: ${policy}`,
                    policy: deployPolicies.apply((documents) => JSON.stringify(documents[policy])),
                    tags: tagsFor(config, policyName),
                },
                child,
            );
            new aws.iam.RolePolicyAttachment(
                `${name}-deploy-${policy}`,
                { role: this.deployRole.name, policyArn: managed.arn },
                child,
            );
        }
        const previewed = settings.previewEnvironments;
        if (previewed.length > 0) {
            this.previewRole = role(
                "preview",
                previewRoleName(config),
                pullRequestSubject(settings.repository),
                `GitHub Actions of ${settings.repository}, pull requests: read-only preview of ${previewed.join(", ")}`,
            );
            new aws.iam.RolePolicy(
                `${name}-preview`,
                { role: this.previewRole.id, policy: JSON.stringify(previewRolePermissions(state, previewed)) },
                child,
            );
        }
        if (config.env === REVIEW_ENVIRONMENT) {
            // The state part of the review role: its rights on the reviews' AWS resources (by the Review
            // tag and the pr-<N> names) are not granted yet (docs/review-environments.md).
            this.reviewRole = role(
                "review",
                reviewRoleName(config),
                environmentSubject(settings.repository, REVIEW_GITHUB_ENVIRONMENT),
                `GitHub Actions of ${settings.repository}, environment ${REVIEW_GITHUB_ENVIRONMENT}: pull requests' reviews beside ${config.env}`,
            );
            new aws.iam.RolePolicy(
                `${name}-review-state`,
                {
                    role: this.reviewRole.id,
                    policy: JSON.stringify(document(reviewStateStatements(state, REVIEW_STACK_PREFIX))),
                },
                child,
            );
        }
        this.registerOutputs({
            deployRoleArn: this.deployRole.arn,
            previewRoleArn: this.previewRole?.arn,
            reviewRoleArn: this.reviewRole?.arn,
        });
    }
}

/** The other environments' zones below this one's, as each derives its zone from the same domain (shared/naming.ts). */
function zonesBelow(config: BaseConfig): string[] {
    const { domain, zoneName } = config;
    if (!domain || !zoneName) return [];
    return ENVIRONMENT_NAMES.filter((env) => env !== config.env)
        .map((env) => environmentZoneName(domain, env, ENVIRONMENTS[env].zoneAtApex))
        .filter((name) => name.endsWith(`.${zoneName}`));
}
