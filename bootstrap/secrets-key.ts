import {
    CreateAliasCommand,
    CreateKeyCommand,
    DescribeKeyCommand,
    EnableKeyRotationCommand,
    ListKeysCommand,
    ListResourceTagsCommand,
} from "@aws-sdk/client-kms";
import { OpsError } from "../cli/errors";
import { SendsCommands } from "../cli/sdk-client";

/** The tag the secrets key carries, so a rerun finds it even when the alias was never created. */
const KEY_TAG = "PulumiStateBucket";

/** The secrets key: found by alias, else by its tag (a rerun after a failed CreateAlias), else created. */
export async function secretsKey(
    kms: SendsCommands,
    options: { readonly bucket: string; readonly region: string; readonly kmsAlias: string },
    change: (description: string, send: () => Promise<unknown>) => Promise<void>,
    log: (line: string) => void,
): Promise<string> {
    const alias = `alias/${options.kmsAlias}`;
    let key = await describeKey(kms, alias);
    let aliased = key !== undefined;
    if (!key) {
        key = await keyTaggedFor(kms, options.bucket);
        if (key)
            log(
                `KMS key ${key.KeyId} is tagged for ${options.bucket} but has no alias ${alias} (an earlier run stopped after creating it)`,
            );
    }
    if (key && key.KeyState !== "Enabled") {
        throw new OpsError(
            `KMS key ${key.KeyId} (${alias}) is ${key.KeyState}; Pulumi cannot use it for secrets. Enable it (or cancel its deletion), or choose another --kms-alias`,
        );
    }
    let keyId = key?.KeyId as string | undefined;
    if (!keyId) {
        await change("create a KMS key for Pulumi secrets", async () => {
            const created = await kms.send(
                new CreateKeyCommand({
                    Description: `Pulumi secrets for the state in s3://${options.bucket}`,
                    KeyUsage: "ENCRYPT_DECRYPT",
                    KeySpec: "SYMMETRIC_DEFAULT",
                    Tags: [{ TagKey: KEY_TAG, TagValue: options.bucket }],
                }),
            );
            keyId = created.KeyMetadata.KeyId;
        });
        aliased = false;
    } else {
        log(`KMS key ${alias} exists (${keyId})`);
    }
    if (!aliased)
        await change(`name it ${alias}`, () =>
            kms.send(new CreateAliasCommand({ AliasName: alias, TargetKeyId: keyId })),
        );
    await change(`enable rotation of ${alias}`, () => kms.send(new EnableKeyRotationCommand({ KeyId: keyId })));
    return `awskms://${alias}?region=${options.region}`;
}

async function describeKey(
    kms: SendsCommands,
    keyId: string,
): Promise<{ KeyId: string; KeyState: string } | undefined> {
    try {
        return (await kms.send(new DescribeKeyCommand({ KeyId: keyId }))).KeyMetadata;
    } catch (error: any) {
        if (error?.name === "NotFoundException") return undefined;
        throw new OpsError(`cannot check KMS key ${keyId}: ${error?.name ?? "Error"}: ${error?.message ?? error}`);
    }
}

async function keyTaggedFor(
    kms: SendsCommands,
    bucket: string,
): Promise<{ KeyId: string; KeyState: string } | undefined> {
    let marker: string | undefined;
    do {
        const page = await kms.send(new ListKeysCommand({ Marker: marker }));
        for (const { KeyId } of page.Keys ?? []) {
            const tags = await kms.send(new ListResourceTagsCommand({ KeyId })).catch(() => ({ Tags: [] }));
            if (
                (tags.Tags ?? []).some(
                    (tag: { TagKey: string; TagValue: string }) => tag.TagKey === KEY_TAG && tag.TagValue === bucket,
                )
            )
                return describeKey(kms, KeyId);
        }
        marker = page.Truncated ? page.NextMarker : undefined;
    } while (marker);
    return undefined;
}
