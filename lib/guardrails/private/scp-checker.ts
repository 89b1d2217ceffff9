/**
 * Checks whether an organisation's service control policies let a cross-region inference call through,
 * step by step, as Bedrock authorises it:
 *
 * - the profile ARN in the source region (`aws:RequestedRegion` = source; Bedrock does not populate
 *   `bedrock:InferenceProfileArn` for this evaluation);
 * - geographic profiles: the foundation model in every destination region (`aws:RequestedRegion` =
 *   destination, `bedrock:InferenceProfileArn` = the profile ARN);
 * - global profiles: the foundation model in the source region, and the region-less model
 *   (`arn:aws:bedrock:::foundation-model/...`, `aws:RequestedRegion` = `unspecified`);
 *
 * each for `bedrock:InvokeModel` and `bedrock:InvokeModelWithResponseStream`.
 *
 * The evaluation uses `@cloud-copilot/iam-simulate`, which is AGPL-3.0: this library never depends on
 * it at run time. It is loaded here, on demand, only when the user has installed it (an optional peer
 * dependency); nothing in `lib/` imports it statically.
 */
import * as fs from 'fs';
import type { CrossRegionInferenceProfile } from '../../profiles/cross-region-inference-profile';
import { partitionOfRegion } from '../../profiles/geography';
import { foundationModelArn, inferenceProfileArn, INVOKE_ACTIONS, UNSPECIFIED_REGION } from '../../profiles/private/invoke-statements';

/** The npm package the checker evaluates policies with (AGPL-3.0, optional peer dependency). */
export const IAM_SIMULATE_PACKAGE = '@cloud-copilot/iam-simulate';

/** AWS's default SCP, attached at every level of the simulated organisation so that only denies decide. */
export const FULL_AWS_ACCESS = {
  Version: '2012-10-17',
  Statement: [{ Effect: 'Allow', Action: '*', Resource: '*' }],
} as const;

/** The account the checker puts in profile ARNs and the principal's ARN. */
export const CHECK_ACCOUNT_ID = '111122223333';
/** The principal the checker simulates the calls as. */
export const CHECK_PRINCIPAL_ARN = `arn:aws:iam::${CHECK_ACCOUNT_ID}:role/cross-region-inference-check`;

/** One SCP file, parsed. */
export interface ScpFile {
  /** How the file is named in results (its path). */
  readonly name: string;
  /** The parsed policy document. */
  readonly policy: unknown;
}

/** One authorisation request to evaluate against the SCPs. */
export interface AuthorizationRequest {
  readonly action: string;
  readonly resource: string;
  /** Request context: `aws:RequestedRegion`, `bedrock:InferenceProfileArn`, ... */
  readonly context: Record<string, string>;
  /** @default CHECK_PRINCIPAL_ARN */
  readonly principalArn?: string;
}

/** The verdict of the SCPs on one request. */
export interface Verdict {
  readonly allowed: boolean;
  /** `file: Sid` (or `file: statement #N` when the statement has no Sid) of each denying statement. */
  readonly denyingStatements: string[];
  /** The JSON of the denying statements, for suggestions. */
  readonly denyingStatementJson: string[];
}

/** A step of a cross-region inference call, as Bedrock authorises it. */
export enum CrossRegionStep {
  /** The inference profile ARN in the source region (the originating call). */
  PROFILE = 'profile',
  /** The foundation model in a destination region of a geographic profile. */
  DESTINATION_MODEL = 'destination-model',
  /** The foundation model in the source region, for a global profile. */
  IN_REGION_MODEL = 'in-region-model',
  /** The region-less foundation model of a global profile (`aws:RequestedRegion` = `unspecified`). */
  GLOBAL_MODEL = 'global-model',
}

/** One row of a check: one step, one region, one action. */
export interface CheckRow {
  readonly step: CrossRegionStep;
  /** The region the step is authorised in (`unspecified` for the region-less model). */
  readonly region: string;
  readonly action: string;
  readonly resource: string;
  readonly allowed: boolean;
  /** The statement that denies the step (`file: Sid`); undefined when allowed. */
  readonly denyingStatement?: string;
  /** What to change; undefined when allowed. */
  readonly suggestion?: string;
}

/** Minimal local types of the parts of `@cloud-copilot/iam-simulate` the checker uses. */
interface SimStatement { sid(): string | undefined; index(): number }
interface SimStatementAnalysis { policyId: string; statement: SimStatement }
interface SimAnalysis {
  result: string;
  scpAnalysis?: { ouAnalysis: Array<{ denyStatements: SimStatementAnalysis[] }> };
}
interface SimResult {
  resultType: 'error' | 'single' | 'wildcard';
  overallResult?: string;
  errors?: { message: string; serviceControlPolicyErrors?: Record<string, Array<{ message: string; path: string }>> };
  result?: { analysis: SimAnalysis };
  results?: Array<{ analysis: SimAnalysis }>;
}
interface IamSimulate {
  runSimulation(simulation: unknown, options: unknown): Promise<SimResult>;
  runUnsafeSimulation(simulation: unknown, options: unknown): string;
}

/**
 * Loads `@cloud-copilot/iam-simulate` at call time.
 *
 * @throws with the install command, when it is not installed
 */
export function loadIamSimulate(moduleName: string = IAM_SIMULATE_PACKAGE): IamSimulate {
  try {
    // Loaded on demand only: the library must not depend on this AGPL-3.0 package at run time.
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    return require(moduleName) as IamSimulate;
  } catch (e) {
    if ((e as { code?: string }).code === 'MODULE_NOT_FOUND') {
      throw new Error(`The SCP checker evaluates policies with ${moduleName} (AGPL-3.0), which this library does not bundle. `
        + `Install it next to it: npm install --save-dev ${moduleName}`);
    }
    throw e;
  }
}

/**
 * Parses the text of an SCP file.
 *
 * @throws naming the file and the position of the JSON error
 */
export function parseScpFile(name: string, text: string): ScpFile {
  let policy: unknown;
  try {
    policy = JSON.parse(text);
  } catch (e) {
    const message = (e as Error).message;
    const reported = /position (\d+)/.exec(message);
    const position = reported ? Number(reported[1]) : jsonErrorPosition(text);
    const where = position === undefined ? '' : ` at ${lineAndColumn(text, position)}`;
    throw new Error(`SCP file '${name}' is not valid JSON${where}: ${message}`);
  }
  if (typeof policy !== 'object' || policy === null || !('Statement' in policy)) {
    throw new Error(`SCP file '${name}' is not a policy document: expected a JSON object with a "Statement".`);
  }
  return { name, policy };
}

/**
 * Reads and parses an SCP file.
 *
 * @throws naming the file, when it cannot be read or is not valid JSON
 */
export function readScpFile(filePath: string): ScpFile {
  let text: string;
  try {
    text = fs.readFileSync(filePath, 'utf-8');
  } catch (e) {
    throw new Error(`Cannot read SCP file '${filePath}': ${(e as Error).message}`);
  }
  return parseScpFile(filePath, text);
}

/**
 * Evaluates requests against a set of SCPs: each file is one policy at its own level of the
 * organisation (root first), every level also has `FullAWSAccess`, and the identity policy allows
 * everything, so the verdict is the SCPs' alone.
 */
export class ScpSimulator {
  /**
   * @throws when iam-simulate is missing, or a file is not a valid SCP (naming the file and the problem)
   */
  public static async create(scps: readonly ScpFile[]): Promise<ScpSimulator> {
    if (scps.length === 0) {
      throw new Error('No SCP given: pass at least one SCP file.');
    }
    const simulator = new ScpSimulator(loadIamSimulate(), scps);
    await simulator.evaluate({
      action: 'bedrock:InvokeModel',
      resource: foundationModelArn('aws', 'us-east-1', 'validation'),
      context: { 'aws:RequestedRegion': 'us-east-1' },
    });
    return simulator;
  }

  private constructor(private readonly sim: IamSimulate, private readonly scps: readonly ScpFile[]) {}

  /** The verdict of the SCPs on one request. */
  public async evaluate(request: AuthorizationRequest): Promise<Verdict> {
    const principalArn = request.principalArn ?? CHECK_PRINCIPAL_ARN;
    const simulation = this.simulation(request, principalArn, this.scps);
    const result = await this.sim.runSimulation(simulation, {});
    if (result.resultType === 'error') {
      if (result.errors?.message === 'no.resource.types') {
        // The region-less model ARN of global profiles matches no resource pattern of iam-simulate's
        // service data; evaluate it without that validation and find the denying statements one by one.
        return this.evaluateUnvalidated(request, principalArn);
      }
      throw new Error(describeErrors(result, request));
    }
    const analyses = result.resultType === 'single' ? [result.result!.analysis] : (result.results ?? []).map(r => r.analysis);
    const denying = analyses.flatMap(analysis => (analysis.scpAnalysis?.ouAnalysis ?? [])
      .flatMap(ou => ou.denyStatements.map(d => ({ file: d.policyId, sid: d.statement.sid(), index: d.statement.index() }))));
    return this.verdict(result.overallResult === 'Allowed', denying);
  }

  private evaluateUnvalidated(request: AuthorizationRequest, principalArn: string): Verdict {
    const allowed = this.sim.runUnsafeSimulation(this.simulation(request, principalArn, this.scps), {}) === 'Allowed';
    const denying: Array<{ file: string; sid?: string; index: number }> = [];
    if (!allowed) {
      for (const file of this.scps) {
        statementsOf(file.policy).forEach((statement, i) => {
          if ((statement as { Effect?: string }).Effect !== 'Deny') { return; }
          const single = { name: file.name, policy: { Version: '2012-10-17', Statement: [statement] } };
          if (this.sim.runUnsafeSimulation(this.simulation(request, principalArn, [single]), {}) === 'ExplicitlyDenied') {
            denying.push({ file: file.name, sid: (statement as { Sid?: string }).Sid, index: i + 1 });
          }
        });
      }
    }
    return this.verdict(allowed, denying);
  }

  private verdict(allowed: boolean, denying: Array<{ file: string; sid?: string; index: number }>): Verdict {
    const unique = [...new Map(denying.map(d => [`${d.file}#${d.index}`, d])).values()];
    return {
      allowed,
      denyingStatements: unique.map(d => `${d.file}: ${d.sid || `statement #${d.index}`}`),
      denyingStatementJson: unique.map(d => {
        const file = this.scps.find(f => f.name === d.file);
        return JSON.stringify(file ? statementsOf(file.policy)[d.index - 1] ?? {} : {});
      }),
    };
  }

  private simulation(request: AuthorizationRequest, principalArn: string, scps: ReadonlyArray<{ name: string; policy: unknown }>) {
    return {
      request: {
        principal: principalArn,
        action: request.action,
        resource: { resource: request.resource, accountId: CHECK_ACCOUNT_ID },
        contextVariables: { 'aws:PrincipalArn': principalArn, ...request.context },
      },
      identityPolicies: [{ name: 'AllowAll', policy: FULL_AWS_ACCESS }],
      serviceControlPolicies: scps.map((file, level) => ({
        orgIdentifier: `level-${level}`,
        policies: [{ name: 'FullAWSAccess', policy: FULL_AWS_ACCESS }, { name: file.name, policy: file.policy }],
      })),
      resourceControlPolicies: [],
    };
  }
}

/** The requests Bedrock authorises for one call of `profile` from `sourceRegion`. */
export function crossRegionRequests(profile: CrossRegionInferenceProfile, sourceRegion: string, account: string = CHECK_ACCOUNT_ID):
Array<{ step: CrossRegionStep; region: string; request: AuthorizationRequest }> {
  const destinations = profile.destinationsFrom(sourceRegion);
  const partition = partitionOfRegion(sourceRegion);
  const profileArn = inferenceProfileArn({ partition, account }, sourceRegion, profile.profileId);
  const steps: Array<{ step: CrossRegionStep; region: string; resource: string; context: Record<string, string> }> = [
    { step: CrossRegionStep.PROFILE, region: sourceRegion, resource: profileArn, context: { 'aws:RequestedRegion': sourceRegion } },
  ];
  const viaProfile = { 'bedrock:InferenceProfileArn': profileArn };
  if (profile.isGlobal) {
    steps.push(
      {
        step: CrossRegionStep.IN_REGION_MODEL,
        region: sourceRegion,
        resource: foundationModelArn(partition, sourceRegion, profile.modelId),
        context: { 'aws:RequestedRegion': sourceRegion, ...viaProfile },
      },
      {
        step: CrossRegionStep.GLOBAL_MODEL,
        region: UNSPECIFIED_REGION,
        resource: foundationModelArn(partition, '', profile.modelId),
        context: { 'aws:RequestedRegion': UNSPECIFIED_REGION, ...viaProfile },
      },
    );
  } else {
    for (const region of destinations) {
      steps.push({
        step: CrossRegionStep.DESTINATION_MODEL,
        region,
        resource: foundationModelArn(partition, region, profile.modelId),
        context: { 'aws:RequestedRegion': region, ...viaProfile },
      });
    }
  }
  return steps.flatMap(s => INVOKE_ACTIONS.map(action => ({
    step: s.step,
    region: s.region,
    request: { action, resource: s.resource, context: s.context },
  })));
}

/**
 * Evaluates every step of a call of `profile` from `sourceRegion` against the SCPs.
 */
export async function checkCrossRegionCall(simulator: ScpSimulator, profile: CrossRegionInferenceProfile, sourceRegion: string): Promise<CheckRow[]> {
  const rows: CheckRow[] = [];
  for (const { step, region, request } of crossRegionRequests(profile, sourceRegion)) {
    const verdict = await simulator.evaluate(request);
    rows.push({
      step,
      region,
      action: request.action,
      resource: request.resource,
      allowed: verdict.allowed,
      ...(verdict.allowed ? {} : {
        denyingStatement: verdict.denyingStatements.join('; ') || '(implicit deny: no SCP allows it)',
        suggestion: suggestionFor(step, region, profile, sourceRegion, verdict.denyingStatementJson),
      }),
    });
  }
  return rows;
}

/**
 * The `generate-scp` command line that writes an SCP letting the call through: the regions the SCPs
 * already approve (read from their `aws:RequestedRegion` conditions) plus the source region, and the
 * principals they already exempt.
 */
export function suggestedGenerateCommand(scps: readonly ScpFile[], profileId: string, sourceRegion: string): string {
  const approved = new Set<string>([sourceRegion]);
  const exempt = new Set<string>();
  for (const file of scps) {
    for (const statement of statementsOf(file.policy)) {
      const s = statement as { Effect?: string; Condition?: Record<string, Record<string, unknown>> };
      if (s.Effect !== 'Deny' || !s.Condition) { continue; }
      for (const [operator, keys] of Object.entries(s.Condition)) {
        for (const [key, value] of Object.entries(keys ?? {})) {
          const values = [value].flat().filter((v): v is string => typeof v === 'string');
          if (/^StringNot(Equals|Like)/i.test(operator) && key.toLowerCase() === 'aws:requestedregion') {
            values.filter(v => /^[a-z]{2}(-[a-z]+)+-\d+$/.test(v)).forEach(v => approved.add(v));
          }
          if (/^ArnNot(Equals|Like)$/i.test(operator) && key.toLowerCase() === 'aws:principalarn') {
            values.forEach(v => exempt.add(v));
          }
        }
      }
    }
  }
  return ['npx generate-scp', `--profile ${profileId}`,
    ...[...approved].sort().map(r => `--approved-region ${r}`),
    ...[...exempt].sort().map(a => `--exempt-principal-arn '${a}'`)].join(' ');
}

function suggestionFor(step: CrossRegionStep, region: string, profile: CrossRegionInferenceProfile, sourceRegion: string, denying: string[]): string {
  if (denying.some(json => json.includes('inference-profile/global.'))) {
    return `The SCP denies global profiles on purpose: use a geographic profile of the model instead (for example 'us.${profile.modelId}').`;
  }
  if (denying.some(json => /ArnNot(Like|Equals)/.test(json) && json.includes('bedrock:InferenceProfileArn'))) {
    return `The SCP allows only some inference profiles: add '${profile.profileId}' (from ${sourceRegion}) to its bedrock:InferenceProfileArn list.`;
  }
  switch (step) {
    case CrossRegionStep.PROFILE:
    case CrossRegionStep.IN_REGION_MODEL:
      return `The originating call is made in ${sourceRegion} and no inference-profile exemption can lift a region deny there: approve `
        + `${sourceRegion}, or call the profile from an approved source region (${profile.sourceRegions.join(', ')}).`;
    case CrossRegionStep.GLOBAL_MODEL:
      return 'Global profiles are also authorised on the region-less model with aws:RequestedRegion = "unspecified": exempt requests routed '
        + 'through inference profiles from the region deny (Null bedrock:InferenceProfileArn = "true"), or add "unspecified" to the approved regions.';
    case CrossRegionStep.DESTINATION_MODEL:
    default:
      return `Bedrock may route calls from ${sourceRegion} to ${region}: exempt requests routed through inference profiles from the region `
        + `deny (add Null bedrock:InferenceProfileArn = "true" to its conditions), or approve ${region}.`;
  }
}

function statementsOf(policy: unknown): unknown[] {
  const statement = (policy as { Statement?: unknown }).Statement;
  return statement === undefined ? [] : [statement].flat();
}

function describeErrors(result: SimResult, request: AuthorizationRequest): string {
  const scpErrors = result.errors?.serviceControlPolicyErrors;
  if (scpErrors) {
    return Object.entries(scpErrors)
      .map(([file, errors]) => `SCP file '${file}' is not a valid service control policy: `
        + errors.map(e => `${e.path}: ${e.message}`).join('; '))
      .join('\n');
  }
  return `Cannot simulate ${request.action} on ${request.resource}: ${result.errors?.message ?? 'unknown error'}`;
}

function lineAndColumn(text: string, position: number): string {
  const before = text.slice(0, position);
  const line = before.split('\n').length;
  const column = position - before.lastIndexOf('\n');
  return `line ${line}, column ${column} (position ${position})`;
}

/**
 * The offset of the first syntax error in `text` (Node 20's `JSON.parse` does not always report it),
 * or undefined when none is found.
 */
function jsonErrorPosition(text: string): number | undefined {
  let i = 0;
  const fail = (): never => { throw i; };
  const space = () => { while (i < text.length && ' \t\n\r'.includes(text[i])) { i++; } };
  const literal = (word: string) => { if (text.startsWith(word, i)) { i += word.length; } else { fail(); } };
  const string = () => {
    if (text[i] !== '"') { fail(); }
    i++;
    while (i < text.length && text[i] !== '"') {
      if (text[i] === '\\') { i++; } else if (text.charCodeAt(i) < 0x20) { fail(); }
      i++;
    }
    if (i >= text.length) { fail(); }
    i++;
  };
  const value = (): void => {
    space();
    const c = text[i];
    if (c === '{') {
      i++; space();
      if (text[i] === '}') { i++; return; }
      for (;;) {
        space(); string(); space();
        if (text[i] !== ':') { fail(); }
        i++; value(); space();
        if (text[i] === ',') { i++; continue; }
        if (text[i] === '}') { i++; return; }
        fail();
      }
    } else if (c === '[') {
      i++; space();
      if (text[i] === ']') { i++; return; }
      for (;;) {
        value(); space();
        if (text[i] === ',') { i++; continue; }
        if (text[i] === ']') { i++; return; }
        fail();
      }
    } else if (c === '"') {
      string();
    } else if (c === 't') {
      literal('true');
    } else if (c === 'f') {
      literal('false');
    } else if (c === 'n') {
      literal('null');
    } else {
      const match = /^-?(0|[1-9]\d*)(\.\d+)?([eE][+-]?\d+)?/.exec(text.slice(i));
      if (!match) { fail(); }
      i += match![0].length;
    }
  };
  try {
    value(); space();
    return i < text.length ? i : undefined;
  } catch (position) {
    return typeof position === 'number' ? position : undefined;
  }
}
