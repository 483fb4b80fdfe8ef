import { Script } from "./recorder";

/**
 * S3 holding these objects (key to text), as ListObjectsV2 (Contents of Key, under Prefix) and
 * GetObject answer through AWS SDK v3: the Body is a stream with transformToString (SDK v3, the
 * "Body" of GetObjectCommandOutput).
 */
export function s3Objects(objects: Readonly<Record<string, string>>): Script {
    return {
        ListObjectsV2Command: (input) => ({
            Contents: Object.keys(objects)
                .filter((key) => key.startsWith(input.Prefix))
                .map((Key) => ({ Key })),
        }),
        GetObjectCommand: (input) => ({ Body: { transformToString: async () => objects[input.Key] } }),
    };
}
