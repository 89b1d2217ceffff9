/**
 * A small reader of a synthesized CDK app (a cloud assembly, `cdk.out`): each stack's region, the
 * services its resources belong to, the roles that deploy it and the inference profiles its invokers
 * call. It reads the JSON files itself, without the cloud-assembly libraries.
 *
 * The shape it reads (aws-cdk-lib `cloud_assembly_schema`): `manifest.json` has `artifacts`, keyed by
 * id; a stack is `{ type: 'aws:cloudformation:stack', environment: 'aws://ACCOUNT/REGION',
 * displayName, dependencies, properties: { templateFile, stackName, assumeRoleArn,
 * cloudFormationExecutionRoleArn } }`; its assets are a `cdk:asset-manifest` artifact
 * (`properties.file`) whose `files.*.destinations.*.assumeRoleArn` is the file-publishing role; a
 * stage is a nested `cdk:cloud-assembly` (`properties.directoryName`).
 */
import * as fs from 'fs';
import * as path from 'path';
import { iamPrefixOfResourceType } from './resource-type-service';
import { partitionOfRegion } from '../../profiles/geography';
import { ROUTING_STACK_ID } from '../../routing/private/routing-stack-id';
import { INVOKER_CONFIG_ENV } from '../../shared/invoker-config';
import type { DeploymentStack } from '../deployment-stack';

/** One stack of a synthesized app. */
export interface AssemblyStack {
  /** The stack's name in CloudFormation. */
  readonly name: string;
  /** Its construct path (`BedrockEu/Routing`). */
  readonly displayName: string;
  readonly account: string;
  readonly region: string;
  /** Whether it is the routing stack of a `CrossRegionInferenceApi`. */
  readonly routing: boolean;
  /** The IAM service prefixes of its resources, sorted. */
  readonly services: string[];
  /** The roles that deploy it (deploy, CloudFormation execution, file publishing), partition resolved. */
  readonly deploymentRoleArns: string[];
  /** The inference profiles its invokers call from its region. */
  readonly profileIds: string[];
  /** Its template file's path. */
  readonly templatePath: string;
  /** The names of the stacks it deploys after, in the manifest's order. */
  readonly dependsOn: string[];
}

interface Artifact {
  type?: string;
  environment?: string;
  displayName?: string;
  dependencies?: string[];
  properties?: Record<string, unknown>;
}

/**
 * Reads every stack of the cloud assembly in `dir`, stages included.
 *
 * @throws naming the file, when the folder is not a cloud assembly or a file cannot be read; naming the
 *         stack, when it is environment-agnostic (its region is known only at deploy time)
 */
export function readCloudAssembly(dir: string): AssemblyStack[] {
  const manifest = readJson(path.join(dir, 'manifest.json'), 'Not a synthesized CDK app (cdk.out folder)') as { artifacts?: Record<string, Artifact> };
  const artifacts = manifest.artifacts ?? {};
  const stacks: AssemblyStack[] = [];
  for (const [id, artifact] of Object.entries(artifacts)) {
    if (artifact.type === 'cdk:cloud-assembly' && typeof artifact.properties?.directoryName === 'string') {
      stacks.push(...readCloudAssembly(path.join(dir, artifact.properties.directoryName)));
    } else if (artifact.type === 'aws:cloudformation:stack') {
      stacks.push(readStack(dir, id, artifact, artifacts));
    }
  }
  return stacks;
}

/** The stacks as the SCP options take them. */
export function deploymentStacksOf(stacks: readonly AssemblyStack[]): DeploymentStack[] {
  return stacks.map(stack => ({ name: stack.name, region: stack.region, routing: stack.routing, services: stack.services }));
}

/**
 * ARN patterns of the roles that deploy `stacks` to `regions`, valid in any account (the account id
 * becomes `*`), for `deploymentRoleArns`.
 */
export function deploymentRolePatterns(stacks: readonly AssemblyStack[], regions: readonly string[]): string[] {
  return [...new Set(stacks.filter(stack => regions.includes(stack.region))
    .flatMap(stack => stack.deploymentRoleArns.map(arn => arn.split(stack.account).join('*'))))].sort();
}

/** Whether `stack` is named by `pattern` (its name or construct path; `*` matches any characters). */
export function stackMatches(stack: AssemblyStack, pattern: string): boolean {
  const regex = new RegExp(`^${pattern.split('*').map(part => part.replace(/[.+?^${}()|[\]\\]/g, '\\$&')).join('.*')}$`);
  return regex.test(stack.name) || regex.test(stack.displayName);
}

function readStack(dir: string, id: string, artifact: Artifact, artifacts: Record<string, Artifact>): AssemblyStack {
  const properties = artifact.properties ?? {};
  const name = stackNameOf(id, artifact);
  const env = /^aws:\/\/([^/]+)\/([^/]+)$/.exec(artifact.environment ?? '');
  if (!env || env[1] === 'unknown-account' || env[2] === 'unknown-region') {
    throw new Error(`Stack '${name}' is environment-agnostic (${artifact.environment ?? 'no environment'}): its account and region are known `
      + 'only at deploy time. Give it env: { account, region }, or pass the regions with --deployment-regions.');
  }
  const [, account, region] = env;
  const partition = partitionOfRegion(region);
  const resolve = (arn: unknown): string[] => typeof arn === 'string'
    ? [arn.replace(/\$\{AWS::Partition\}/g, partition).replace(/\$\{AWS::AccountId\}/g, account).replace(/\$\{AWS::Region\}/g, region)]
    : [];
  const templatePath = path.join(dir, String(properties.templateFile));
  const template = readJson(templatePath, `Cannot read the template of stack '${name}'`) as {
    Resources?: Record<string, { Type?: string; Properties?: { Environment?: { Variables?: Record<string, unknown> } } }>;
  };
  const resources = Object.values(template.Resources ?? {});
  const services = [...new Set(resources.map(r => iamPrefixOfResourceType(r.Type ?? '')).filter((s): s is string => s !== undefined))].sort();
  const profileIds = [...new Set(resources.flatMap(r => invokerProfileIds(r.Properties?.Environment?.Variables?.[INVOKER_CONFIG_ENV])))].sort();
  const publishingRoles = (artifact.dependencies ?? [])
    .filter(dependency => artifacts[dependency]?.type === 'cdk:asset-manifest')
    .flatMap(dependency => fileDestinationRoles(path.join(dir, String(artifacts[dependency].properties?.file))));
  return {
    name,
    displayName: artifact.displayName ?? id,
    account,
    region,
    routing: (artifact.displayName ?? id).split('/').pop() === ROUTING_STACK_ID,
    services,
    deploymentRoleArns: [...new Set([properties.assumeRoleArn, properties.cloudFormationExecutionRoleArn, ...publishingRoles]
      .flatMap(resolve))].sort(),
    profileIds,
    templatePath,
    dependsOn: (artifact.dependencies ?? [])
      .filter(dependency => artifacts[dependency]?.type === 'aws:cloudformation:stack')
      .map(dependency => stackNameOf(dependency, artifacts[dependency])),
  };
}

function stackNameOf(id: string, artifact: Artifact): string {
  return typeof artifact.properties?.stackName === 'string' ? artifact.properties.stackName : id;
}

function invokerProfileIds(config: unknown): string[] {
  if (typeof config !== 'string') { return []; }
  try {
    const ids = (JSON.parse(config) as { profileIds?: unknown }).profileIds;
    return Array.isArray(ids) ? ids.filter((id): id is string => typeof id === 'string') : [];
  } catch {
    return [];
  }
}

function fileDestinationRoles(file: string): unknown[] {
  const assets = readJson(file, 'Cannot read the asset manifest') as { files?: Record<string, { destinations?: Record<string, { assumeRoleArn?: unknown }> }> };
  return Object.values(assets.files ?? {}).flatMap(asset => Object.values(asset.destinations ?? {}).map(d => d.assumeRoleArn));
}

function readJson(file: string, what: string): unknown {
  try {
    return JSON.parse(fs.readFileSync(file, 'utf-8'));
  } catch (e) {
    throw new Error(`${what}: cannot read '${file}' (${(e as Error).message}).`);
  }
}
