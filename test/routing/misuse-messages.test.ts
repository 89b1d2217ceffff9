/**
 * The messages a user meets on a misuse, through the public API: each says what is wrong and what to do.
 */
import { App } from 'aws-cdk-lib';
import {
  CrossRegionInferenceApi, CrossRegionInferenceProfile, InferenceEndpointOptions, ResidencyConstraint, RoutingPattern,
} from '../../lib';

const EU_ID = 'eu.anthropic.claude-3-7-sonnet-20250219-v1:0';

function deploy(endpoint: Partial<InferenceEndpointOptions>, alarmEmail?: string): CrossRegionInferenceApi {
  return new CrossRegionInferenceApi(new App(), 'Bedrock', {
    account: '111111111111',
    operations: alarmEmail === undefined ? undefined : { alarmEmail },
    endpoints: [{
      name: 'chat',
      profiles: [CrossRegionInferenceProfile.fromId(EU_ID)],
      routing: RoutingPattern.activePassive({ primary: 'eu-west-1', secondaries: ['eu-central-1'] }),
      ...endpoint,
    }],
  });
}

describe('alarmEmail', () => {
  test.each(['not-an-email', 'ops@example', 'a@b.com, c@d.com', 'Ops <ops@example.com>', ' ops@example.com'])(
    "'%s' is refused at synth, saying what to pass", (email) => {
      expect(() => deploy({}, email)).toThrow(/alarmEmail '.*' is not an e-mail address: pass one address such as 'oncall@example.com'/);
    });

  test('a real address is accepted and subscribed', () => {
    expect(() => deploy({}, 'oncall@example.com')).not.toThrow();
  });
});

describe('profile ids', () => {
  test('an id with whitespace around it is refused, saying so and giving the trimmed id', () => {
    expect(() => CrossRegionInferenceProfile.fromId(` ${EU_ID} `))
      .toThrow(`' ${EU_ID} ' has whitespace around it; pass the id without it: '${EU_ID}'.`);
  });

  test("an 'ap.' prefix is named as the wrong part, with the geography it abbreviates", () => {
    const message = messageOf(() => CrossRegionInferenceProfile.fromId('ap.anthropic.claude-3-7-sonnet-20250219-v1:0'));
    expect(message).toContain("'ap.' in 'ap.anthropic.claude-3-7-sonnet-20250219-v1:0' is not a geography prefix");
    expect(message).toContain("Did you mean 'apac.anthropic.claude-3-7-sonnet-20250219-v1:0'?");
    expect(message).not.toContain('us.ap.');
  });

  test('a prefix one letter off gets the close geography only', () => {
    const message = messageOf(() => CrossRegionInferenceProfile.fromId('uk.anthropic.claude-3-7-sonnet-20250219-v1:0'));
    expect(message).toContain("Did you mean 'us.anthropic.claude-3-7-sonnet-20250219-v1:0'?");
    expect(message).not.toContain("'eu.anthropic");
  });

  test('a bare foundation model id still gets the geography to prefix', () => {
    expect(() => CrossRegionInferenceProfile.fromId('anthropic.claude-3-7-sonnet-20250219-v1:0'))
      .toThrow("e.g. 'us.anthropic.claude-3-7-sonnet-20250219-v1:0'");
  });
});

describe('residency rules', () => {
  test('a rule that no source region and no other profile satisfies says to widen it, not to pick a narrower geography', () => {
    const message = messageOf(() => CrossRegionInferenceProfile.fromId(EU_ID)
      .assertDeployable(['eu-west-1'], ResidencyConstraint.onlyRegions(['eu-west-1'])));
    expect(message).not.toContain('narrower geography');
    expect(message).toMatch(/no other profile of anthropic\.claude-3-7-sonnet-20250219-v1:0 in the catalog, keeps inference inside the rule: widen the residency constraint to allow eu-central-1, /);
  });

  test('a rule that other source regions satisfy names them', () => {
    const message = messageOf(() => CrossRegionInferenceProfile.fromId('us.amazon.nova-lite-v1:0')
      .assertDeployable(['us-west-1'], ResidencyConstraint.onlyRegions(['us-east-1', 'us-east-2', 'us-west-2'])));
    expect(message).toContain('Either call it only from source regions whose destinations stay inside (us-east-1, us-east-2, us-west-2).');
  });

  test("a rule that another geography's profile of the model satisfies names that profile", () => {
    const message = messageOf(() => CrossRegionInferenceProfile.fromId('us.anthropic.claude-sonnet-4-5-20250929-v1:0')
      .assertDeployable(['us-east-1'], ResidencyConstraint.regionsStartingWith(['us-gov-'], 'GovCloud only')));
    expect(message).toMatch(/use 'us-gov\.anthropic\.claude-sonnet-4-5-20250929-v1:0' \(from us-gov-/);
  });
});

describe('fallback regions', () => {
  test('a region outside the geography gets the source regions, with the geography\'s other regions named as not sources', () => {
    const message = messageOf(() => deploy({
      routing: RoutingPattern.activePassive({ primary: 'eu-west-1', secondaries: ['us-east-1'] }),
    }));
    const profile = CrossRegionInferenceProfile.fromId(EU_ID);
    const sources = profile.sourceRegions.filter(region => region !== 'eu-west-1' && region.startsWith('eu-'));
    expect(message).toContain(`Choose fallback regions among the source regions of the profile: ${sources.join(', ')} (the geography's other regions, `);
    expect(message).toMatch(/eu-west-2.*are not source regions of the profile\)/);
    expect(profile.sourceRegions).not.toContain('eu-west-2');
  });
});

function messageOf(run: () => unknown): string {
  try {
    run();
  } catch (error) {
    return (error as Error).message;
  }
  throw new Error('expected an error');
}
