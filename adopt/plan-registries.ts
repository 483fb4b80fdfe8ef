import { BASE_COMPONENTS, registryName, serviceLogName } from "../base/names";
import { ENVIRONMENTS } from "../shared/environments";
import { logGroupName, repositoryName } from "../shared/naming";
import { SERVICE_NAMES, ServiceName } from "../shared/services";
import { PlanBuilder, TAGS_CHANGE } from "./plan-builder";
import { TYPES } from "../shared/resource-types";

/**
 * The old aws_ecr_repository.frontend and .backend with their lifecycle and repository policies,
 * and the services' log groups where the old state holds them under the names base declares.
 */

const REPOSITORY = TYPES.repository;
const LIFECYCLE_POLICY = TYPES.lifecyclePolicy;
const LOG_GROUP = TYPES.logGroup;
const registries = BASE_COMPONENTS.registries.name;

/** Maps the repositories and their policies, and sets repositoryNames where the old names differ. */
export function planRegistries(plan: PlanBuilder): void {
    const names = {} as Record<ServiceName, string>;
    for (const service of SERVICE_NAMES) {
        const logicalName = registryName(registries, service);
        const [repository] = plan.find("aws_ecr_repository", service);
        if (repository) {
            names[service] = repository.attributes.name;
            // Import id of a repository: its name.
            plan.adopt(repository, { type: REPOSITORY, logicalName, parent: registries }, repository.attributes.name, [
                TAGS_CHANGE,
            ]);
            plan.expect(repository, { type: REPOSITORY, logicalName }, "name", repository.attributes.name);
            const encryption = repository.attributes.encryption_configuration?.[0]?.encryption_type ?? "AES256";
            plan.expect(
                repository,
                { type: REPOSITORY, logicalName },
                "encryptionConfigurations.0.encryptionType",
                encryption,
            );
        } else {
            plan.create(REPOSITORY, logicalName, `aws_ecr_repository.${service}`);
        }
        const [policy] = plan.find("aws_ecr_lifecycle_policy", service);
        if (policy)
            // Import id of a lifecycle policy: the repository's name.
            plan.adopt(
                policy,
                { type: LIFECYCLE_POLICY, logicalName, parent: registries },
                policy.attributes.repository,
                [
                    "rules replaced by this project's: release tags kept by count, never expired by age (the old rules expired dev* tags after 7 days)",
                ],
            );
        else
            plan.create(
                LIFECYCLE_POLICY,
                logicalName,
                `aws_ecr_lifecycle_policy.${service} (this project's rules keep release images by count)`,
            );
    }
    if (SERVICE_NAMES.some((service) => names[service] && names[service] !== repositoryName(plan.scope, service)))
        plan.config.repositoryNames = JSON.stringify(
            Object.fromEntries(
                SERVICE_NAMES.map((service) => [service, names[service] ?? repositoryName(plan.scope, service)]),
            ),
        );
    for (const policy of plan.find("aws_ecr_repository_policy"))
        plan.line(
            policy,
            "left behind",
            `the program manages no repository policy: tasks pull with the execution role's IAM rights. After "terraform state rm", delete it (aws ecr delete-repository-policy --repository-name ${policy.attributes.repository}) or keep it; it grants only pulls`,
        );
}

/** Log groups the old state holds under the names base declares (else up fails: "already exists"). */
export function planLogs(plan: PlanBuilder): void {
    const parent = BASE_COMPONENTS.logs.name;
    const retentionDays = ENVIRONMENTS[plan.scope.env].logRetentionDays;
    for (const group of plan.find("aws_cloudwatch_log_group")) {
        const service = SERVICE_NAMES.find(
            (candidate) => logGroupName(plan.scope, candidate) === group.attributes.name,
        );
        if (!service) continue;
        const logicalName = serviceLogName(parent, service);
        const retention = group.attributes.retention_in_days
            ? `retention ${group.attributes.retention_in_days} -> ${retentionDays} days; `
            : "";
        plan.adopt(group, { type: LOG_GROUP, logicalName, parent }, group.attributes.name, [
            `${retention}${TAGS_CHANGE}`,
        ]);
        plan.expect(group, { type: LOG_GROUP, logicalName }, "name", group.attributes.name);
    }
}
