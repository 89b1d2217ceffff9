/**
 * The canary's runs when something other than the region is wrong: an unusable configuration (a
 * configuration fault, reported as one, with no Bedrock call) and a failure to publish (logged, never
 * thrown). Powertools metrics ENABLED, their EMF lines read from stdout.
 */
import { divertEmfLines, EmfRecord } from '../../../dev/emf-capture';
import { isolateEnvironment } from '../../../dev/fake-bedrock/offline-environment';
import { CanaryRuntime, createCanaryRuntime, runCanary } from '../../../lambda/canary/canary-runtime';

const FUNCTION_REGION = 'eu-west-3';

let restoreEnvironment: () => void;
let restoreStdout: () => void;
const emfLines: string[] = [];

/** Every message `runtime`'s logger is asked to write, whatever its level. */
function recordLogs(runtime: CanaryRuntime): string[] {
  const messages: string[] = [];
  for (const level of ['debug', 'info', 'warn', 'error'] as const) {
    jest.spyOn(runtime.logger, level).mockImplementation(((message: string) => {
      messages.push(`${level}: ${message}`);
    }) as never);
  }
  return messages;
}

beforeAll(() => {
  restoreEnvironment = isolateEnvironment();
  Object.assign(process.env, { POWERTOOLS_METRICS_DISABLED: 'false', POWERTOOLS_SERVICE_NAME: 'canary-runtime-test' });
  delete process.env.POWERTOOLS_DEV;
  restoreStdout = divertEmfLines((line) => emfLines.push(line));
});

afterEach(() => {
  emfLines.length = 0;
  jest.restoreAllMocks();
});

afterAll(() => {
  restoreStdout();
  restoreEnvironment();
});

test('an unusable configuration: CanarySuccess 0 in the function\'s region, logged as a configuration fault, not as the region\'s', async () => {
  const runtime = createCanaryRuntime({ configJson: JSON.stringify({ region: 'eu-west-1', timeoutMs: 0 }), functionRegion: FUNCTION_REGION });
  const logs = recordLogs(runtime);
  const send = jest.spyOn(runtime.clients, 'send');

  const report = await runCanary(runtime, {});

  expect(report).toEqual({ region: FUNCTION_REGION, verdict: 'failed', errorName: 'InvalidConfiguration', success: 0, throttles: 0 });
  expect(send).not.toHaveBeenCalled();
  expect(emfLines).toHaveLength(1);
  const record = JSON.parse(emfLines[0]) as EmfRecord;
  expect(record.Region).toBe(FUNCTION_REGION);
  expect(record.CanarySuccess).toBe(0);
  expect(logs).toEqual([expect.stringMatching(/^error: .*configuration fault/)]);
  expect(logs.join('\n')).not.toMatch(/Bedrock did not serve/);
});

test('a failure to publish is logged and the run still reports, without throwing', async () => {
  const runtime = createCanaryRuntime({ functionRegion: FUNCTION_REGION });
  const logs = recordLogs(runtime);
  jest.spyOn(runtime.metrics, 'publishStoredMetrics').mockImplementation(() => {
    throw new Error('stdout is closed');
  });

  await expect(runCanary(runtime, {})).resolves.toMatchObject({ region: FUNCTION_REGION, verdict: 'failed', success: 0 });
  expect(emfLines).toEqual([]);
  expect(logs).toContainEqual('warn: Could not publish the canary metrics');
});
