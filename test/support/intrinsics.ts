/**
 * Resolves the few CloudFormation intrinsics that IAM policies synthesized by this library contain
 * (`Ref` of pseudo parameters, `Fn::Join`), so that tests can evaluate real templates as plain JSON.
 */
export interface PseudoParameters {
  readonly partition: string;
  readonly accountId: string;
  readonly region: string;
}

export function resolveIntrinsics(value: unknown, pseudo: PseudoParameters): any {
  if (Array.isArray(value)) {
    return value.map(v => resolveIntrinsics(v, pseudo));
  }
  if (value && typeof value === 'object') {
    const obj = value as Record<string, unknown>;
    const keys = Object.keys(obj);
    if (keys.length === 1 && keys[0] === 'Ref') {
      switch (obj.Ref) {
        case 'AWS::Partition': return pseudo.partition;
        case 'AWS::AccountId': return pseudo.accountId;
        case 'AWS::Region': return pseudo.region;
        case 'AWS::URLSuffix': return 'amazonaws.com';
        default: throw new Error(`Unexpected Ref to ${String(obj.Ref)} in a policy`);
      }
    }
    if (keys.length === 1 && keys[0] === 'Fn::Join') {
      const [separator, parts] = obj['Fn::Join'] as [string, unknown[]];
      return parts.map(p => resolveIntrinsics(p, pseudo)).join(separator);
    }
    return Object.fromEntries(keys.map(k => [k, resolveIntrinsics(obj[k], pseudo)]));
  }
  return value;
}
