import { InferenceDomain } from '../inference-domain';
import { InferenceEndpointOptions } from '../inference-endpoint-options';

/** The endpoint's hostname in the hosted zone: its `recordName`, or `<name>.<zoneName>`. */
export function recordNameOf(endpoint: InferenceEndpointOptions, domain: InferenceDomain): string {
  return endpoint.recordName ?? `${endpoint.name}.${domain.zoneName}`;
}

/**
 * The name the routing records of `recordName` point at in `region`: `<region>.shared.<recordName>`, an
 * alias record in the regional stack to the API Gateway custom domain named `recordName` in that region.
 *
 * Why not `<region>.<recordName>`: that name is a custom domain of its own (the one the region's HTTPS
 * health check and direct regional calls use, with SNI `<region>.<recordName>`), aliased to its own
 * domain's target. API Gateway says, for each Regional custom domain name, "you must create a DNS record
 * to point the custom domain name to the Regional domain"
 * (https://docs.aws.amazon.com/apigateway/latest/developerguide/apigateway-regional-api-custom-domain-create.html,
 * aws-facts §9.1), i.e. to that custom domain's own `regionalDomainName`. A client of `<recordName>` sends
 * SNI and Host `<recordName>`, so the chain of CNAMEs from `<recordName>` must end at the target of the
 * custom domain `<recordName>` of the region: this name. The region comes first so that the first
 * region-shaped line of `dig +short <recordName>` still tells a SigV4 client which region to sign for.
 */
export function sharedNameTargetOf(region: string, recordName: string): string {
  return `${region}.shared.${recordName}`;
}
