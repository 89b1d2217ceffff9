import { CrossRegionInferenceProfile } from '../../lib';

describe('references that are not system-defined cross-region profiles fail at synth time', () => {
  test.each([
    ['provisioned throughput', 'arn:aws:bedrock:us-east-1:123456789012:provisioned-model/abc123xyz', /Provisioned Throughput ARN.*do not support Provisioned Throughput/],
    ['custom model', 'arn:aws:bedrock:us-east-1:123456789012:custom-model/amazon.nova-lite-v1:0:300k/abc', /is a custom model.*No system-defined cross-region inference profile covers custom models/],
    ['custom model deployment', 'arn:aws:bedrock:us-east-1:123456789012:custom-model-deployment/abc', /is a custom model/],
    ['imported model', 'arn:aws:bedrock:us-east-1:123456789012:imported-model/abc123', /is an imported model/],
    ['application inference profile', 'arn:aws:bedrock:us-east-1:123456789012:application-inference-profile/abc123', /application inference profile.*system-defined cross-region profile it was copied from/],
    ['foundation model ARN', 'arn:aws:bedrock:us-east-1::foundation-model/anthropic.claude-3-haiku-20240307-v1:0', /foundation model id.*'us\.anthropic\.claude-3-haiku-20240307-v1:0'/],
    ['bare foundation model id', 'anthropic.claude-3-haiku-20240307-v1:0', /foundation model id, not a cross-region inference profile.*Prefix it with its geography/],
    ['garbage', 'not a model', /not a system-defined cross-region inference profile id/],
  ])('%s', (_kind, reference, message) => {
    expect(() => CrossRegionInferenceProfile.fromId(reference)).toThrow(message);
  });

  test('GovCloud profile ARNs are recognised', () => {
    const profile = CrossRegionInferenceProfile.fromId('arn:aws-us-gov:bedrock:us-gov-east-1:123456789012:inference-profile/us-gov.anthropic.claude-3-haiku-20240307-v1:0');
    expect(profile.sourceRegions).toEqual(['us-gov-east-1']);
  });
});
