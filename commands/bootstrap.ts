import { S3Client } from "@aws-sdk/client-s3";
import { KMSClient } from "@aws-sdk/client-kms";
import { IAMClient } from "@aws-sdk/client-iam";
import { AWS_REGIONS } from "../shared/config/namespaces";
import { positiveNumber } from "../cli/args";
import { runMain } from "../cli/run-main";
import { CommandSpec, parseCommand } from "../cli/command";
import { OpsError } from "../cli/errors";
import { BootstrapOptions, bootstrap } from "../bootstrap/bootstrap";

export const BOOTSTRAP_SPEC: CommandSpec = {
    usage: "npm run bootstrap -- --bucket NAME --region REGION [--kms-alias NAME] [--github-oidc] [--keep-old-versions-days 90] [--dry-run]",
    summary:
        "Creates or fixes, idempotently, the state bucket, the secrets key and the account's GitHub OIDC provider, merging into what exists; prints the pulumi login line.",
    flags: {
        bucket: { type: "string", value: "NAME", help: "the state bucket (required)" },
        region: { type: "string", value: "REGION", help: "its region (required)" },
        "kms-alias": {
            type: "string",
            value: "NAME",
            help: "a KMS key under alias/NAME for the awskms:// secrets provider",
            default: "none (passphrase)",
        },
        "github-oidc": {
            type: "boolean",
            help: "the account's GitHub OIDC provider, which every base's GitHub roles trust",
            default: "off",
        },
        "keep-old-versions-days": {
            type: "string",
            value: "DAYS",
            help: "how long a replaced state version is kept",
            default: "90",
        },
        "dry-run": {
            type: "boolean",
            help: "read what exists and say what would be created or changed",
            default: "off",
        },
    },
    examples: [
        "npm run bootstrap -- --bucket acme-pulumi-state --region us-west-2 --kms-alias pulumi-durable-code --github-oidc",
        "npm run bootstrap -- --bucket acme-pulumi-state --region us-west-2 --dry-run",
    ],
};
const USAGE = BOOTSTRAP_SPEC.usage;

export function parseOptions(argv: string[]): BootstrapOptions {
    const flags = parseCommand(argv, BOOTSTRAP_SPEC) as {
        bucket?: string;
        region?: string;
        "kms-alias"?: string;
        "github-oidc"?: boolean;
        "keep-old-versions-days"?: string;
        "dry-run"?: boolean;
    };
    const problems = [...bucketProblems(flags.bucket), ...regionProblems(flags.region)];
    const kmsAlias = flags["kms-alias"]?.replace(/^alias\//, "");
    if (kmsAlias !== undefined) problems.push(...aliasProblems(flags["kms-alias"]!, kmsAlias));
    if (problems.length > 0) throw new OpsError(`${problems.join("\n")}\nusage: ${USAGE}`, 2);
    const [bucket, region] = [flags.bucket!, flags.region!];
    return {
        bucket,
        region,
        kmsAlias,
        dryRun: flags["dry-run"] === true,
        githubOidc: flags["github-oidc"] === true,
        keepOldVersionsDays: positiveNumber(flags["keep-old-versions-days"], "--keep-old-versions-days", 90),
    };
}

function bucketProblems(bucket: string | undefined): string[] {
    if (bucket === undefined)
        return ["--bucket is required: the state bucket to create or fix, e.g. --bucket acme-pulumi-state"];
    return /^(?!xn--)(?!.*\.\.)[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/.test(bucket)
        ? []
        : [`--bucket "${bucket}" is not a valid S3 bucket name (3-63 lower-case letters, digits, dots, hyphens)`];
}

function regionProblems(region: string | undefined): string[] {
    if (region === undefined) return ["--region is required: the bucket's AWS region, e.g. --region us-west-2"];
    return AWS_REGIONS.includes(region) ? [] : [`--region "${region}" is not an AWS region such as us-west-2`];
}

/**
 * `--kms-alias` takes the name with or without its `alias/` prefix. An alias is 1-256 letters,
 * digits, /, _ and -, prefix included, and `alias/aws/` is AWS's own (KMS developer guide, "Create aliases").
 */
function aliasProblems(given: string, name: string): string[] {
    if (name === "")
        return [`--kms-alias "${given}" names no alias; give its name, e.g. --kms-alias pulumi-durable-code`];
    if (!/^[a-zA-Z0-9/_-]{1,250}$/.test(name))
        return [`--kms-alias "${given}" may only use letters, digits, /, _ and - (at most 250 after alias/)`];
    if (name.startsWith("aws/"))
        return [`--kms-alias "${given}": alias/aws/ is reserved for AWS managed keys; choose another name`];
    return [];
}

export async function main(argv: string[]): Promise<number> {
    const options = parseOptions(argv);
    const clients = {
        s3: new S3Client({ region: options.region }),
        kms: new KMSClient({ region: options.region }),
        iam: new IAMClient({ region: options.region }),
    };
    await bootstrap(options, clients, (line) => console.log(line));
    return 0;
}

if (require.main === module) runMain((argv) => main(argv), { spec: BOOTSTRAP_SPEC });
