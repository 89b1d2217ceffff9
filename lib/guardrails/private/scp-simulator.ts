/**
 * Evaluates authorisation requests against an organisation's service control policies.
 *
 * The evaluation uses `@cloud-copilot/iam-simulate`, which is AGPL-3.0: this library never depends on
 * it at run time. It is loaded here, on demand, only when the user has installed it (an optional peer
 * dependency); nothing in `lib/` imports it statically.
 */
import { ScpFile, statementsOf } from './scp-file';
import { foundationModelArn } from '../../profiles/private/invoke-statements';

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

/** The statements that deny a request, for a table's DENIED BY column (`file: Sid; ...`, or why none is named). */
export function denyingStatementOf(verdict: Verdict): string {
  return verdict.denyingStatements.join('; ') || '(implicit deny: no SCP allows it)';
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
        // The resource is in the principal's account, so that only the SCPs decide.
        resource: { resource: request.resource, accountId: /^arn:[^:]+:(?:iam|sts)::(\d{12}):/.exec(principalArn)?.[1] ?? CHECK_ACCOUNT_ID },
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

