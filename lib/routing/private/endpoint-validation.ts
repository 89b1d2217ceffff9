import { Stack, Token } from 'aws-cdk-lib';
import { InvokerAuthorization, InvokerAuthorizationKind } from '../../invoker/invoker-authorization';
import { firstDuplicate } from '../../private/validation';
import { InferenceDomain } from '../inference-domain';
import { InferenceEndpointOptions } from '../inference-endpoint-options';
import { recordNameOf } from './record-name';
import { warnAtSynth } from './synth-warning';

/** An endpoint name becomes a hostname label and part of construct ids. */
const DNS_LABEL = /^[a-z0-9]([a-z0-9-]{0,38}[a-z0-9])?$/;

/**
 * Endpoint names must be DNS labels, each used once.
 *
 * @throws on the first name that is not a DNS label, or that is used twice
 */
export function validateEndpointNames(names: string[]): void {
  for (const name of names) {
    if (!DNS_LABEL.test(name)) {
      throw new Error(`Endpoint name '${name}' must be a DNS label: 1 to 40 lowercase letters, digits or hyphens, `
        + 'not starting or ending with a hyphen (it becomes part of the hostname and of construct ids).');
    }
  }
  const duplicate = firstDuplicate(names);
  if (duplicate) {
    throw new Error(`Endpoint name '${duplicate}' is used twice; give each endpoint its own name.`);
  }
}

/**
 * What DNS routing asks of each endpoint: a hostname inside the zone (not its apex, where a CNAME is not
 * allowed), and credentials that work in whichever region DNS answers with.
 *
 * @throws when a record name is outside the zone or at its apex, or when API keys without a value sit behind DNS
 */
export function checkEndpointsBehindDns(routingStack: Stack, endpoints: InferenceEndpointOptions[], domain: InferenceDomain): void {
  const zone = domain.zoneName.replace(/\.$/, '').toLowerCase();
  for (const endpoint of endpoints) {
    const recordName = recordNameOf(endpoint, domain).replace(/\.$/, '').toLowerCase();
    if (!Token.isUnresolved(recordName) && !Token.isUnresolved(zone) && !recordName.endsWith(`.${zone}`)) {
      throw new Error(`Endpoint '${endpoint.name}': recordName '${recordName}' must be a name inside the zone '${zone}' and not `
        + `its apex (the routing records are CNAMEs, which the apex cannot hold), e.g. '${endpoint.name}.${zone}'.`);
    }
    if (endpoint.routing.regions.length < 2) {
      continue;
    }
    const authorization = endpoint.authorization ?? InvokerAuthorization.iam();
    if (authorization.kind === InvokerAuthorizationKind.API_KEY && authorization.apiKeyOptions.value === undefined) {
      throw new Error(`Endpoint '${endpoint.name}' uses API keys behind one DNS name for ${endpoint.routing.regions.length} regions: `
        + 'give the key a value (InvokerAuthorization.apiKey({ value: SecretValue.secretsManager(\'<secret replicated to every region>\') })). '
        + 'Without one, API Gateway generates a different key in each region, and a client\'s key fails as soon as DNS answers with another region.');
    }
    if (authorization.kind === InvokerAuthorizationKind.IAM) {
      warnAtSynth(routingStack, `sigv4-region-${endpoint.name}`,
        `Endpoint '${endpoint.name}' uses IAM (SigV4) authorization behind DNS routing over ${endpoint.routing.regions.join(', ')}. `
        + 'A SigV4 signature is valid in one region only, so clients must sign each request for the region the name resolves to '
        + `(its CNAME target is '<region>.${recordName}'), and be granted execute-api:Invoke in every region `
        + '(grantInvokeApi on each regional invoker). For clients that cannot, use InvokerAuthorization.apiKey({ value }).');
    }
  }
}
