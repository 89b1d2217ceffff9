/**
 * Reads a synthesized app (`cdk.out`) into the twin's {@link DeploymentModel}: the invokers and canaries
 * per endpoint and region (their `INVOKER_CONFIG` / `CANARY_CONFIG` and schedules), and every alarm, health
 * check and record. Only the templates are read, never the constructs, so the twin checks what would be
 * deployed.
 */
import * as fs from 'node:fs';
import type { CanaryModel, DeploymentModel, EndpointModel, RecordModel, RegionalInvokerModel } from './deployment-model';
import {
  alarmsOf, dnsName, healthChecksOf, logicalIdOf, recordsOf, resourceId, resourcesOfType, StackTemplate, TemplateResource,
} from './template-resources';
import { AssemblyStack, readCloudAssembly } from '../../lib/guardrails/private/cloud-assembly';
import { CANARY_CONFIG_ENV, CanaryRuntimeConfig } from '../../lib/shared/canary-config';
import { INVOKER_CONFIG_ENV, InvokerRuntimeConfig } from '../../lib/shared/invoker-config';

/**
 * Reads the cloud assembly in `dir`.
 *
 * @throws when `dir` is not a cloud assembly, or holds no invoker (nothing to drill)
 */
export function readDeployment(dir: string): DeploymentModel {
  const assembly = readCloudAssembly(dir);
  const stacks = assembly.map(stack => ({ stack, template: loadTemplate(stack) }));
  const invokers = stacks.flatMap(({ stack, template }) => invokersOf(stack, template));
  if (invokers.length === 0) {
    throw new Error(`${dir} holds no Bedrock invoker (no function with ${INVOKER_CONFIG_ENV}): synthesize an app that uses CrossRegionInferenceApi`);
  }
  const records = stacks.flatMap(({ template }) => recordsOf(template));
  const order = regionOrder(assembly);
  const services = [...new Set(invokers.map(invoker => invoker.service))];
  const endpoints: EndpointModel[] = services.map(service => {
    const own = invokers.filter(invoker => invoker.service === service)
      .sort((a, b) => order(a.invoker.stackId) - order(b.invoker.stackId));
    return {
      service,
      regions: own.map(entry => entry.invoker),
      dnsName: routedName(own.flatMap(entry => entry.domainNames), records),
    };
  });
  return {
    source: dir,
    endpoints,
    alarms: stacks.flatMap(({ template }) => alarmsOf(template)),
    healthChecks: stacks.flatMap(({ template }) => healthChecksOf(template)),
    records,
  };
}

function loadTemplate(stack: AssemblyStack): StackTemplate {
  const template = JSON.parse(fs.readFileSync(stack.templatePath, 'utf-8')) as { Resources?: Record<string, TemplateResource> };
  return { stackName: stack.name, region: stack.region, resources: template.Resources ?? {} };
}

interface FoundInvoker {
  readonly service: string;
  readonly invoker: RegionalInvokerModel;
  /** The custom domain names mapped to its API. */
  readonly domainNames: readonly string[];
}

function invokersOf(stack: AssemblyStack, template: StackTemplate): FoundInvoker[] {
  const functions = resourcesOfType(template, 'AWS::Lambda::Function');
  const canaries = functions.filter(([, resource]) => environmentOf(resource)[CANARY_CONFIG_ENV] !== undefined);
  return functions.flatMap(([logicalId, resource]) => {
    const env = environmentOf(resource);
    if (typeof env[INVOKER_CONFIG_ENV] !== 'string') {
      return [];
    }
    const service = String(env.POWERTOOLS_SERVICE_NAME);
    const canary = canaries.find(([, candidate]) => environmentOf(candidate).POWERTOOLS_SERVICE_NAME === service);
    return [{
      service,
      invoker: {
        region: stack.region,
        stackId: stack.name,
        config: parseJson<InvokerRuntimeConfig>(env[INVOKER_CONFIG_ENV], `${INVOKER_CONFIG_ENV} of ${resourceId(template, logicalId)}`),
        canary: canary && canaryOf(template, canary[0], canary[1]),
      },
      domainNames: domainNamesOf(template, logicalId),
    }];
  });
}

function environmentOf(resource: TemplateResource): Record<string, unknown> {
  return ((resource.Properties?.Environment as { Variables?: Record<string, unknown> } | undefined)?.Variables) ?? {};
}

function canaryOf(template: StackTemplate, logicalId: string, resource: TemplateResource): CanaryModel | undefined {
  const rule = resourcesOfType(template, 'AWS::Events::Rule').find(([, candidate]) =>
    ((candidate.Properties?.Targets ?? []) as Array<{ Arn?: unknown }>).some(target => logicalIdOf(target.Arn) === logicalId));
  const schedule = rule?.[1].Properties?.ScheduleExpression;
  if (typeof schedule !== 'string' || rule?.[1].Properties?.State === 'DISABLED') {
    return undefined;
  }
  return {
    config: parseJson<CanaryRuntimeConfig>(environmentOf(resource)[CANARY_CONFIG_ENV], `${CANARY_CONFIG_ENV} of ${resourceId(template, logicalId)}`),
    intervalSeconds: rateSeconds(schedule),
  };
}

const RATE_UNITS: Record<string, number> = { minute: 60, minutes: 60, hour: 3600, hours: 3600, day: 86400, days: 86400 };

/** Seconds of an EventBridge `rate(value unit)` schedule. */
export function rateSeconds(expression: string): number {
  const match = /^rate\((\d+) (minutes?|hours?|days?)\)$/.exec(expression.trim());
  if (!match) {
    throw new Error(`Schedule '${expression}' is not a rate(...) expression; the twin runs canaries on rate schedules only`);
  }
  return Number(match[1]) * RATE_UNITS[match[2]];
}

/**
 * The custom domain names of the API whose methods integrate the function: domain ← base path mapping →
 * REST API ← method → the function's ARN.
 */
function domainNamesOf(template: StackTemplate, functionLogicalId: string): string[] {
  const apis = new Set(resourcesOfType(template, 'AWS::ApiGateway::Method')
    .filter(([, method]) => JSON.stringify(method.Properties?.Integration ?? {}).includes(`"${functionLogicalId}"`))
    .map(([, method]) => logicalIdOf(method.Properties?.RestApiId)));
  return resourcesOfType(template, 'AWS::ApiGateway::BasePathMapping')
    .filter(([, mapping]) => apis.has(logicalIdOf(mapping.Properties?.RestApiId)))
    .map(([, mapping]) => template.resources[logicalIdOf(mapping.Properties?.DomainName) ?? '']?.Properties?.DomainName)
    .filter((name): name is string => typeof name === 'string')
    .map(dnsName);
}

/** The one of `domainNames` that routing records answer for (records with a set identifier). */
function routedName(domainNames: readonly string[], records: readonly RecordModel[]): string | undefined {
  return [...new Set(domainNames)].find(name => records.some(record => record.name === name && record.setIdentifier !== undefined));
}

/**
 * The order of an endpoint's regions: the routing stack deploys after the regional stacks in the routing
 * pattern's order (the primary first); stacks it does not name come after, in the manifest's order.
 */
function regionOrder(assembly: readonly AssemblyStack[]): (stackName: string) => number {
  const listed = assembly.filter(stack => stack.routing).flatMap(stack => stack.dependsOn);
  const rank = (name: string) => {
    const index = listed.indexOf(name);
    return index >= 0 ? index : listed.length + assembly.findIndex(stack => stack.name === name);
  };
  return rank;
}

function parseJson<T>(value: unknown, what: string): T {
  try {
    return JSON.parse(String(value)) as T;
  } catch (e) {
    throw new Error(`${what} is not JSON: ${(e as Error).message}`);
  }
}
