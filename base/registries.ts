import * as aws from "../shared/aws";
import * as pulumi from "@pulumi/pulumi";
import { BaseConfig } from "../shared/config/types";
import { repositoryName } from "../shared/naming";
import { SERVICE_NAMES, ServiceName } from "../shared/services";
import { tagsFor } from "../shared/tags";
import { lifecyclePolicyDocument } from "./lifecycle-policy";
import { BASE_COMPONENTS, registryName } from "./names";

/** One ECR repository per service: immutable tags, scanned on push, encrypted at rest. */
export class Registries extends pulumi.ComponentResource {
    readonly repositories: Record<ServiceName, aws.ecr.Repository>;

    constructor(name: string, args: { config: BaseConfig }, opts: pulumi.ComponentResourceOptions = {}) {
        super(BASE_COMPONENTS.registries.type, name, {}, opts);
        const { config } = args;
        const entries = SERVICE_NAMES.map((service) => {
            const repositoryNameOf = config.repositoryNames?.[service] ?? repositoryName(config, service);
            const repository = new aws.ecr.Repository(
                registryName(name, service),
                {
                    name: repositoryNameOf,
                    imageTagMutability: "IMMUTABLE",
                    imageScanningConfiguration: { scanOnPush: true },
                    encryptionConfigurations: [{ encryptionType: "AES256" }],
                    // Images are never deleted as a side effect of a destroy.
                    forceDelete: false,
                    tags: tagsFor(config, repositoryNameOf),
                },
                { parent: this, protect: config.protect },
            );
            new aws.ecr.LifecyclePolicy(
                registryName(name, service),
                { repository: repository.name, policy: lifecyclePolicyDocument() },
                { parent: this },
            );
            return [service, repository] as const;
        });
        this.repositories = Object.fromEntries(entries) as Record<ServiceName, aws.ecr.Repository>;
        this.registerOutputs({});
    }
}
