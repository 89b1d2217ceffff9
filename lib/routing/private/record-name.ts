import { InferenceDomain } from '../inference-domain';
import { InferenceEndpointOptions } from '../inference-endpoint-options';

/** The endpoint's hostname in the hosted zone: its `recordName`, or `<name>.<zoneName>`. */
export function recordNameOf(endpoint: InferenceEndpointOptions, domain: InferenceDomain): string {
  return endpoint.recordName ?? `${endpoint.name}.${domain.zoneName}`;
}
