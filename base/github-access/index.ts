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
import { reviewStateStatements, StateScope } from "./state-access";
import { REVIEW_POLICIES, reviewPolicyName, reviewRolePolicies } from "./review-access";
import { document, PolicyDocument } from "./document";
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

/** What GithubAccess is given: the environment's config and the base resources the roles are fenced to. */
export interface GithubAccessArgs {
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
}

/**
 * What every role's resources are declared with: the component's name (each logical name's prefix),
 * the component as their parent, and the config.
 */
interface Declaring {
    readonly name: string;
    readonly parent: pulumi.Resource;
    readonly config: BaseConfig;
    readonly settings: NonNullable<BaseConfig["githubAccess"]>;
    readonly state: StateScope;
}

/**
 * What GitHub Actions of `githubRepository` may do in this environment, with no stored keys:
 * - a deploy role for jobs that declare the GitHub Environment `<env>` (teardown, startup, releases),
 *   whose IAM rights are fenced by a permissions boundary so it can never grant itself more;
 * - a read-only preview role for pull requests, which present `pull_request` and no environment, for
 *   the environments `previewEnvironments` names (dev by default, staging if added, never prod);
 * - in the environment reviews run beside (dev), a review role for review.yml's jobs.
 * Each role is declared by a function of its own below; every resource keeps the component as parent.
 */
export class GithubAccess extends pulumi.ComponentResource {
    readonly deployRole: aws.iam.Role;
    /** Only where previewEnvironments names an environment (by default in dev only; never in prod). */
    readonly previewRole?: aws.iam.Role;
    /** Only in the environment reviews run beside (dev): review.yml's jobs, environment `review`. */
    readonly reviewRole?: aws.iam.Role;
    readonly boundary: aws.iam.Policy;

    constructor(name: string, args: GithubAccessArgs, opts: pulumi.ComponentResourceOptions = {}) {
        super("durable-code:base:GithubAccess", name, {}, opts);
        const { config } = args;
        const settings = config.githubAccess!;
        const state: StateScope = {
            project: config.project,
            env: config.env,
            stateBucket: settings.stateBucket,
            secretsKeyArn: settings.secretsKeyArn,
        };
        const at: Declaring = { name, parent: this, config, settings, state };
        this.boundary = boundaryPolicy(at, args);
        const scope = accessScope(at, args);
        this.deployRole = deployRole(at, args.providerArn, scope, this.boundary);
        this.previewRole = previewRole(at, args.providerArn);
        this.reviewRole =
            config.env === REVIEW_ENVIRONMENT ? reviewRole(at, args.providerArn, scope, this.boundary) : undefined;
        this.registerOutputs({
            deployRoleArn: this.deployRole.arn,
            previewRoleArn: this.previewRole?.arn,
            reviewRoleArn: this.reviewRole?.arn,
        });
    }
}

/** The most any role the deploy role creates may do: this environment's images and logs, nothing more. */
function boundaryPolicy(at: Declaring, args: GithubAccessArgs): aws.iam.Policy {
    const { name, config, parent } = at;
    return new aws.iam.Policy(
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
        { parent },
    );
}

/** The base resources the deploy and review roles are fenced to, once they are known. */
function accessScope(at: Declaring, args: GithubAccessArgs): pulumi.Output<AccessScope> {
    const { config, state } = at;
    return pulumi
        .all([args.vpcId, pulumi.all(args.subnetIds), args.zoneId, args.namespaceArn, args.namespaceZoneId])
        .apply(([vpcId, subnetIds, zoneId, namespaceArn, namespaceZoneId]) => ({
            ...state,
            vpcId,
            subnetIds,
            zoneId: zoneId || undefined,
            frontDoor:
                config.frontDoor === "http-api"
                    ? { namespaceArn, namespaceZoneId, zoneName: config.zoneName, zonesBelow: zonesBelow(config) }
                    : undefined,
        }));
}

/** A role GitHub Actions assume through the account's OIDC provider when they present `subject`. */
function githubRole(
    at: Declaring,
    providerArn: string,
    role: { suffix: string; name: string; subject: string; description: string },
): aws.iam.Role {
    const { name, config, parent } = at;
    return new aws.iam.Role(
        `${name}-${role.suffix}`,
        {
            name: role.name,
            description: role.description,
            assumeRolePolicy: JSON.stringify(githubTrustPolicy(providerArn, role.subject)),
            maxSessionDuration: 3600,
            tags: tagsFor(config, role.name),
        },
        { parent },
    );
}

/** Jobs of the GitHub Environment `<env>` (teardown, startup, releases), with their managed policies. */
function deployRole(
    at: Declaring,
    providerArn: string,
    scope: pulumi.Output<AccessScope>,
    boundary: aws.iam.Policy,
): aws.iam.Role {
    const { config, settings } = at;
    const role = githubRole(at, providerArn, {
        suffix: "deploy",
        name: deployRoleName(config),
        subject: environmentSubject(settings.repository, config.env),
        description: `GitHub Actions of ${settings.repository}, environment ${config.env}: teardown, startup, releases`,
    });
    attachPolicies(at, "deploy", {
        role,
        documents: pulumi
            .all([scope, role.arn, boundary.arn])
            .apply(([access, self, arn]) => deployRolePolicies(access, { self, boundary: arn })),
        policies: deployPoliciesFor(config.frontDoor === "http-api"),
        nameOf: (policy) => deployPolicyName(config, policy),
    });
    return role;
}

/** Pull requests' read-only preview of the environments `previewEnvironments` names; none when it names none. */
function previewRole(at: Declaring, providerArn: string): aws.iam.Role | undefined {
    const { name, config, settings, state, parent } = at;
    const previewed = settings.previewEnvironments;
    if (previewed.length === 0) return undefined;
    const role = githubRole(at, providerArn, {
        suffix: "preview",
        name: previewRoleName(config),
        subject: pullRequestSubject(settings.repository),
        description: `GitHub Actions of ${settings.repository}, pull requests: read-only preview of ${previewed.join(", ")}`,
    });
    new aws.iam.RolePolicy(
        `${name}-preview`,
        { role: role.id, policy: JSON.stringify(previewRolePermissions(state, previewed)) },
        { parent },
    );
    return role;
}

/** review.yml's jobs (GitHub Environment `review`): pull requests' reviews beside this environment. */
function reviewRole(
    at: Declaring,
    providerArn: string,
    scope: pulumi.Output<AccessScope>,
    boundary: aws.iam.Policy,
): aws.iam.Role {
    const { name, config, settings, state, parent } = at;
    const role = githubRole(at, providerArn, {
        suffix: "review",
        name: reviewRoleName(config),
        subject: environmentSubject(settings.repository, REVIEW_GITHUB_ENVIRONMENT),
        description: `GitHub Actions of ${settings.repository}, environment ${REVIEW_GITHUB_ENVIRONMENT}: pull requests' reviews beside ${config.env}`,
    });
    new aws.iam.RolePolicy(
        `${name}-review-state`,
        { role: role.id, policy: JSON.stringify(document(reviewStateStatements(state, REVIEW_STACK_PREFIX))) },
        { parent },
    );
    // A review runs with the HTTP API front door only (shared/review.ts): with base-dev's load
    // balancer the role keeps its state rights and nothing else, and a review is refused.
    if (config.frontDoor === "http-api") {
        attachPolicies(at, "review", {
            role,
            documents: pulumi
                .all([scope, role.arn, boundary.arn])
                .apply(([access, self, arn]) =>
                    reviewRolePolicies({ ...access, frontDoor: access.frontDoor! }, { self, boundary: arn }),
                ),
            policies: REVIEW_POLICIES,
            nameOf: (policy) => reviewPolicyName(config, policy),
        });
    }
    return role;
}

/**
 * One managed policy per concern, each attached to the role: IAM's quotas leave no room inline
 * (policies.ts). `names` gives each policy's IAM name; `documents` each one's document.
 */
function attachPolicies<P extends string>(
    at: Declaring,
    role: "deploy" | "review",
    policies: {
        role: aws.iam.Role;
        documents: pulumi.Output<Partial<Record<P, PolicyDocument>>>;
        policies: readonly P[];
        nameOf: (policy: P) => string;
    },
): void {
    const { name, config, parent } = at;
    for (const policy of policies.policies) {
        const policyName = policies.nameOf(policy);
        const managed = new aws.iam.Policy(
            `${name}-${role}-${policy}`,
            {
                name: policyName,
                description: `The ${config.env} ${role} role: ${policy}`,
                policy: policies.documents.apply((all) => JSON.stringify(all[policy])),
                tags: tagsFor(config, policyName),
            },
            { parent },
        );
        new aws.iam.RolePolicyAttachment(
            `${name}-${role}-${policy}`,
            { role: policies.role.name, policyArn: managed.arn },
            { parent },
        );
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
