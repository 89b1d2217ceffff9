import { matchesFilterPattern } from '../support/filter-pattern';

describe('test-side filter pattern evaluator', () => {
  const event = { a: 'x', nested: { b: 'eu-west-1' }, n: 3 };

  test('= and != compare string fields, with * as a wildcard', () => {
    expect(matchesFilterPattern('{ $.a = "x" }', event)).toBe(true);
    expect(matchesFilterPattern('{ $.a = "y" }', event)).toBe(false);
    expect(matchesFilterPattern('{ $.a != "y" }', event)).toBe(true);
    expect(matchesFilterPattern('{ $.nested.b = "eu-*" }', event)).toBe(true);
    expect(matchesFilterPattern('{ $.nested.b = "*" }', event)).toBe(true);
    expect(matchesFilterPattern('{ $.nested.b = "eu.west-1" }', event)).toBe(false);
  });

  test('a missing field matches neither = nor != (and not = "*")', () => {
    expect(matchesFilterPattern('{ $.missing = "*" }', event)).toBe(false);
    expect(matchesFilterPattern('{ $.missing != "x" }', event)).toBe(false);
    expect(matchesFilterPattern('{ $.nested.missing = "x" }', event)).toBe(false);
    expect(matchesFilterPattern('{ $.n = "3" }', event)).toBe(false);
  });

  test('reads paths nested several levels deep, as in an EventBridge event whose CloudTrail record is under detail', () => {
    const eventBridge = { 'detail-type': 'AWS API Call via CloudTrail', 'detail': { awsRegion: 'eu-west-1', additionalEventData: { inferenceRegion: 'eu-west-3' } } };
    expect(matchesFilterPattern('{ $.detail.additionalEventData.inferenceRegion = "eu-west-3" }', eventBridge)).toBe(true);
    expect(matchesFilterPattern('{ $.detail.additionalEventData.inferenceRegion != "eu-west-3" }', eventBridge)).toBe(false);
    // The record's fields are not at the root of the envelope.
    expect(matchesFilterPattern('{ $.awsRegion = "eu-west-1" }', eventBridge)).toBe(false);
    expect(matchesFilterPattern('{ $.additionalEventData.inferenceRegion = "*" }', eventBridge)).toBe(false);
  });

  test('&& and || with parentheses', () => {
    expect(matchesFilterPattern('{ ($.a = "x") && (($.a = "q") || ($.nested.b = "eu-west-1")) }', event)).toBe(true);
    expect(matchesFilterPattern('{ ($.a = "x") && (($.a = "q") || ($.nested.b = "us-east-1")) }', event)).toBe(false);
    expect(matchesFilterPattern('{ ($.a = "q") || ($.a = "x") }', event)).toBe(true);
  });

  test('rejects what it does not understand', () => {
    expect(() => matchesFilterPattern('ERROR', event)).toThrow(/Not a JSON filter pattern/);
    expect(() => matchesFilterPattern('{ $.a = "x" && $.a = "y" || $.a = "z" }', event)).toThrow(/Mixed && and \|\|/);
    expect(() => matchesFilterPattern('{ $.n > 2 }', event)).toThrow(/Unsupported operator/);
    expect(() => matchesFilterPattern('{ $.a IS NULL }', event)).toThrow(/Unsupported operator/);
    expect(() => matchesFilterPattern('{ $.a = "x" } junk', event)).toThrow();
  });
});
