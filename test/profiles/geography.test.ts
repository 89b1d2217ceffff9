import { Geography, geographyOfProfileId } from '../../lib';
import { GEOGRAPHY_PREFIXES } from '../../lib/shared/invoker-config';

describe('one list of geography prefixes', () => {
  test('the Geography enum has exactly the shared prefixes the handler reads profile ids with', () => {
    expect([...GEOGRAPHY_PREFIXES].sort()).toEqual(Object.values(Geography).sort());
  });

  test('us-gov. is read before us.', () => {
    expect(geographyOfProfileId('us-gov.anthropic.claude-3-haiku-20240307-v1:0')).toBe(Geography.US_GOV);
    expect(geographyOfProfileId('us.anthropic.claude-3-haiku-20240307-v1:0')).toBe(Geography.US);
  });

  test('an id without a known prefix has no geography', () => {
    expect(geographyOfProfileId('in.openai.gpt-oss-120b-1:0')).toBeUndefined();
    expect(geographyOfProfileId('anthropic.claude-3-haiku-20240307-v1:0')).toBeUndefined();
  });
});
