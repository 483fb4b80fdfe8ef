import { NameScope } from "./naming";

/**
 * Each environment's secrets are encrypted under an encryption context of its own, so one KMS key
 * serves every environment and each role decrypts only its own: the awskms:// provider (go-cloud's
 * secrets/awskms, which Pulumi's cloud secrets manager opens) passes every `context_<k>=<v>` URL
 * parameter as the EncryptionContext of Encrypt and Decrypt, and KMS checks it against
 * `kms:EncryptionContext:<k>` conditions.
 */
export const ENCRYPTION_CONTEXT_KEYS = { project: "project", environment: "environment" } as const;

export function encryptionContext(scope: NameScope): Record<string, string> {
    return { [ENCRYPTION_CONTEXT_KEYS.project]: scope.project, [ENCRYPTION_CONTEXT_KEYS.environment]: scope.env };
}

/** The provider URL for one environment: an awskms:// URL gets the environment's context; any other is kept. */
export function environmentSecretsProvider(provider: string, scope: NameScope): string {
    if (!provider.startsWith("awskms://")) return provider;
    const [base, query = ""] = provider.split("?", 2);
    const params = new URLSearchParams(query);
    for (const [key, value] of Object.entries(encryptionContext(scope))) params.set(`context_${key}`, value);
    return `${base}?${params.toString()}`;
}
