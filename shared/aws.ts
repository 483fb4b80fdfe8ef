/**
 * The @pulumi/aws services this program declares, one import each. The package root re-exports
 * every AWS service: importing it makes TypeScript parse about 700,000 lines of declarations, half
 * of `npm test`'s type check, for the sixteen services used here. Import `aws` from this file;
 * a service not listed is one line to add.
 */
export * as acm from "@pulumi/aws/acm";
export * as apigatewayv2 from "@pulumi/aws/apigatewayv2";
export * as appautoscaling from "@pulumi/aws/appautoscaling";
export * as cloudwatch from "@pulumi/aws/cloudwatch";
export * as ec2 from "@pulumi/aws/ec2";
export * as ecr from "@pulumi/aws/ecr";
export * as ecs from "@pulumi/aws/ecs";
export * as elb from "@pulumi/aws/elb";
export * as iam from "@pulumi/aws/iam";
export * as lb from "@pulumi/aws/lb";
export * as route53 from "@pulumi/aws/route53";
export * as s3 from "@pulumi/aws/s3";
export * as servicediscovery from "@pulumi/aws/servicediscovery";
export * as ssm from "@pulumi/aws/ssm";
export * as vpc from "@pulumi/aws/vpc";
export { getAvailabilityZones } from "@pulumi/aws/getAvailabilityZones";
export { getCallerIdentity } from "@pulumi/aws/getCallerIdentity";
