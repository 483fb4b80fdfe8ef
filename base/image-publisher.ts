import * as aws from "../shared/aws";
import * as pulumi from "@pulumi/pulumi";
import { BaseConfig } from "../shared/config/types";
import { physicalName } from "../shared/naming";
import { isProductionLike } from "../shared/environments";
import { tagsFor } from "../shared/tags";
import { environmentSubject, githubTrustPolicy } from "./github-access/policies";

/**
 * Who may assume the publisher role. Dev and staging: the application repository's main branch and
 * its tags, the refs its build pushes images from (GitHub's `sub` is `repo:<owner>/<repo>:ref:<ref>`
 * for a job without an environment: GitHub docs, "OpenID Connect reference"). Those subjects are the
 * same token for every environment, so a production-like environment (prod) trusts none of them:
 * only jobs that declare the application repository's GitHub environment of its name
 * (`repo:<owner>/<repo>:environment:prod`), whose required reviewers are the reviewed path into its
 * repositories.
 */
export const imagePublisherSubjects = (repository: string, env: string): string | string[] =>
    isProductionLike(env)
        ? environmentSubject(repository, env)
        : [`repo:${repository}:ref:refs/heads/main`, `repo:${repository}:ref:refs/tags/*`];

/** Push to and read from exactly this environment's repositories; the registry login has no resource. */
export function imagePublisherPermissions(repositoryArns: readonly string[]) {
    return {
        Version: "2012-10-17",
        Statement: [
            { Effect: "Allow", Action: ["ecr:GetAuthorizationToken"], Resource: "*" },
            {
                Effect: "Allow",
                Action: [
                    "ecr:BatchCheckLayerAvailability",
                    "ecr:BatchGetImage",
                    "ecr:GetDownloadUrlForLayer",
                    "ecr:DescribeImages",
                    "ecr:InitiateLayerUpload",
                    "ecr:UploadLayerPart",
                    "ecr:CompleteLayerUpload",
                    "ecr:PutImage",
                ],
                Resource: [...repositoryArns],
            },
        ],
    };
}

/** The application repository's build pushes its images with this role (off unless `imagePublisherRepository` is set). */
export class ImagePublisher extends pulumi.ComponentResource {
    readonly role: aws.iam.Role;

    constructor(
        name: string,
        args: { config: BaseConfig; providerArn: string; repositoryArns: pulumi.Input<string>[] },
        opts: pulumi.ComponentResourceOptions = {},
    ) {
        super("durable-code:base:ImagePublisher", name, {}, opts);
        const { config, providerArn } = args;
        const repository = config.imagePublisherRepository!;
        const roleName = physicalName(config, "image-publisher");
        this.role = new aws.iam.Role(
            `${name}-role`,
            {
                name: roleName,
                description: `GitHub Actions of ${repository}: push images to the ${config.env} repositories`,
                assumeRolePolicy: JSON.stringify(
                    githubTrustPolicy(providerArn, imagePublisherSubjects(repository, config.env)),
                ),
                maxSessionDuration: 3600,
                tags: tagsFor(config, roleName),
            },
            { parent: this },
        );
        new aws.iam.RolePolicy(
            `${name}-push`,
            {
                role: this.role.id,
                policy: pulumi
                    .all(args.repositoryArns)
                    .apply((arns) => JSON.stringify(imagePublisherPermissions(arns))),
            },
            { parent: this },
        );
        this.registerOutputs({ roleArn: this.role.arn });
    }
}
