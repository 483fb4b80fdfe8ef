import { fileURLToPath } from "node:url";
import { S3Client } from "@aws-sdk/client-s3";

/** Where a self-managed backend keeps its objects: a directory, or a bucket and a key prefix. */
export type BackendLocation =
    | { readonly kind: "file"; readonly dir: string }
    | {
          readonly kind: "s3";
          readonly client: { send(command: any): Promise<any> };
          readonly bucket: string;
          /** "" or a folder ending in "/". */
          readonly prefix: string;
      };

/**
 * A backend URL as `pulumi login` takes it (`s3://bucket/prefix?region=...`, `file:///dir`). An s3://
 * URL's client settings are those the CLI's own client takes from it (gocloud.dev
 * aws.V2ConfigFromURLParams and blob/s3blob): `region`, `profile` (a shared config profile), `endpoint`
 * (a host, or a URL; an S3-compatible store) and path-style addressing (`use_path_style`, or
 * `s3ForcePathStyle` as older URLs say). Undefined for any other scheme.
 */
export function backendLocation(url: string): BackendLocation | undefined {
    if (url.startsWith("file://")) return { kind: "file", dir: fileURLToPath(url.split("?")[0]) };
    if (!url.startsWith("s3://")) return undefined;
    const parsed = new URL(url);
    const prefix = parsed.pathname.replace(/^\//, "");
    const query = (name: string) => parsed.searchParams.get(name) ?? undefined;
    const endpoint = query("endpoint");
    const client = new S3Client({
        region: query("region"),
        profile: query("profile"),
        endpoint: endpoint && !/^https?:\/\//.test(endpoint) ? `https://${endpoint}` : endpoint,
        forcePathStyle: (query("use_path_style") ?? query("s3ForcePathStyle")) === "true",
    });
    return { kind: "s3", client, bucket: parsed.hostname, prefix: prefix ? `${prefix.replace(/\/$/, "")}/` : "" };
}
