import { OUTAGE_DRILL_OFF, OutageDrillValue } from '../../shared/invoker-config';

/** What the drill automation of one region needs. */
export interface OutageDrillDocumentInputs {
  /** The region's switch (an SSM String parameter). */
  readonly parameterName: string;
  /** The drill's length when the caller does not say (the FIS template does not). */
  readonly durationMinutes: number;
  /** The longest drill the document accepts. */
  readonly maxDurationMinutes: number;
  /** The role the automation runs as: `ssm:PutParameter` on the switch, nothing else. */
  readonly assumeRoleArn: string;
}

/** The steps' names, which the document's failure and cancel paths refer to. */
const DRILL_STEPS = {
  computeEnd: 'ComputeDrillEnd',
  start: 'TurnDrillOn',
  hold: 'HoldDrill',
  end: 'TurnDrillOff',
} as const;

/**
 * The Python step that computes when the drill ends (now + `DurationMinutes`, ISO-8601 UTC) and refuses a
 * duration outside 1..max. It calls no AWS API.
 */
function computeEndScript(maxDurationMinutes: number): string {
  return [
    'from datetime import datetime, timedelta, timezone',
    '',
    'def drill_end(events, context):',
    "    minutes = int(events['DurationMinutes'])",
    `    if minutes < 1 or minutes > ${maxDurationMinutes}:`,
    `        raise ValueError(f'DurationMinutes must be from 1 to ${maxDurationMinutes}; got {minutes}')`,
    '    end = datetime.now(timezone.utc) + timedelta(minutes=minutes)',
    "    return {'Until': end.strftime('%Y-%m-%dT%H:%M:%SZ')}",
  ].join('\n');
}

/**
 * The drill value the automation writes, with Automation's reference to the computed end in place of the
 * date (`{{ ComputeDrillEnd.Until }}`): the {@link OutageDrillValue} the handlers read.
 */
export function drillValueTemplate(): string {
  const value: OutageDrillValue = { failBedrock: true, until: `{{ ${DRILL_STEPS.computeEnd}.Until }}` };
  return JSON.stringify(value);
}

/**
 * The SSM Automation document (schema 0.3) of one region's drill: compute the end, write the drill value
 * into the switch, sleep until the end, write `off`. Writing the value and sleeping both go to the `off`
 * step when they fail or are cancelled (FIS cancels the automation when the experiment stops), so every
 * way out of the drill turns the switch off; and the value carries its own end, so the handlers stop the
 * drill on time even if the automation never reaches its last step.
 *
 * Systems Manager User Guide: "Automation actions reference" (common step properties `onFailure`,
 * `onCancel` with `step:<name>`, `isEnd`, `maxAttempts`), "aws:executeScript", "aws:executeAwsApi",
 * "aws:sleep" (`Timestamp` input). The docs do not say how long a cancelled automation's `onCancel` step may
 * run; the value's own end covers a step that does not run.
 */
export function outageDrillDocument(inputs: OutageDrillDocumentInputs): Record<string, unknown> {
  const putSwitch = (value: string) => ({
    Service: 'ssm',
    Api: 'PutParameter',
    Name: inputs.parameterName,
    Value: value,
    Type: 'String',
    Overwrite: true,
  });
  const toOff = `step:${DRILL_STEPS.end}`;
  return {
    schemaVersion: '0.3',
    description: 'Outage drill: makes the invokers and the canary of this region treat Bedrock here as failing for DurationMinutes, '
      + `through the switch ${inputs.parameterName}, then turns it off (also when cancelled or failing).`,
    assumeRole: inputs.assumeRoleArn,
    parameters: {
      DurationMinutes: {
        type: 'Integer',
        description: `How long the region is treated as failing, 1 to ${inputs.maxDurationMinutes} minutes.`,
        default: inputs.durationMinutes,
      },
    },
    mainSteps: [
      {
        name: DRILL_STEPS.computeEnd,
        action: 'aws:executeScript',
        description: 'Compute when the drill ends (nothing is changed yet).',
        onFailure: 'Abort',
        inputs: {
          Runtime: 'python3.11',
          Handler: 'drill_end',
          Script: computeEndScript(inputs.maxDurationMinutes),
          InputPayload: { DurationMinutes: '{{ DurationMinutes }}' },
        },
        outputs: [{ Name: 'Until', Selector: '$.Payload.Until', Type: 'String' }],
      },
      {
        name: DRILL_STEPS.start,
        action: 'aws:executeAwsApi',
        description: 'Turn the switch on until the computed end.',
        onFailure: toOff,
        onCancel: toOff,
        inputs: putSwitch(drillValueTemplate()),
      },
      {
        name: DRILL_STEPS.hold,
        action: 'aws:sleep',
        description: 'Hold the drill until its end.',
        onFailure: toOff,
        onCancel: toOff,
        inputs: { Timestamp: `{{ ${DRILL_STEPS.computeEnd}.Until }}` },
      },
      {
        name: DRILL_STEPS.end,
        action: 'aws:executeAwsApi',
        description: `Turn the switch off ('${OUTAGE_DRILL_OFF}').`,
        maxAttempts: 3,
        isEnd: true,
        inputs: putSwitch(OUTAGE_DRILL_OFF),
      },
    ],
  };
}
