import { buildTimeline, run } from './timeline-builder';
import { summarize } from '../../../dev/twin/twin-summary';

const EU = ['eu-west-1', 'eu-central-1'];

describe('sums and counts', () => {
  const timeline = buildTimeline({
    regions: EU,
    seconds: 4,
    requests: [10, 12, 8, 0],
    servedBy: { 'eu-west-1': [10, 9, 0, 0] },
    clientErrors: [0, 3, 8, 0],
    failedAttemptRequests: [0, 2, 0, 0],
    scenario: 'sums',
    endpoint: 'BedrockEu-chat',
  });

  test('requests, client errors, failed-attempt requests and served requests are summed over every second', () => {
    const summary = summarize(timeline);
    expect(summary).toMatchObject({ scenario: 'sums', endpoint: 'BedrockEu-chat', requests: 30, clientErrors: 11, failedAttemptRequests: 2 });
    expect(summary.servedBy).toEqual({ 'eu-west-1': 19, 'eu-central-1': 0 });
  });

  test('the duration is the number of seconds and only seconds with an error count as such', () => {
    expect(summarize(timeline)).toMatchObject({ durationSeconds: 4, secondsWithClientErrors: 2 });
  });

  test('an empty run has zero figures and no DNS figures', () => {
    const summary = summarize(buildTimeline({ regions: EU, seconds: 0, dns: '' }));
    expect(summary).toMatchObject({ durationSeconds: 0, requests: 0, dnsChanges: 0, flaps: 0, alarms: [] });
    expect(summary).toMatchObject({ dnsFailoverSeconds: null, failbackSeconds: null });
  });
});

describe('failover and failback', () => {
  test('failover runs from the first faulted second of the answered region to the first answer of another; failback from the end of the fault to its return', () => {
    const timeline = buildTimeline({
      regions: EU,
      seconds: 80,
      faults: { 'eu-west-1': run('.', 10) + run('X', 30) + run('.', 40) },
      dns: run('0', 25) + run('1', 35) + run('0', 20),
    });
    expect(summarize(timeline)).toMatchObject({ dnsFailoverSeconds: 15, failbackSeconds: 20, dnsChanges: 2, flaps: 0 });
  });

  test('a fault over before DNS moves: failback is counted from the failover', () => {
    const timeline = buildTimeline({
      regions: EU,
      seconds: 40,
      faults: { 'eu-west-1': run('.', 10) + run('X', 10) + run('.', 20) },
      dns: run('0', 25) + run('1', 5) + run('0', 10),
    });
    expect(summarize(timeline)).toMatchObject({ dnsFailoverSeconds: 15, failbackSeconds: 5 });
  });

  test('DNS that never leaves the faulted region gives no failover and no failback', () => {
    const timeline = buildTimeline({ regions: EU, seconds: 30, faults: { 'eu-west-1': run('.', 10) + run('X', 20) }, dns: run('0', 30) });
    expect(summarize(timeline)).toMatchObject({ dnsFailoverSeconds: null, failbackSeconds: null, dnsChanges: 0 });
  });

  test('a fault in a region DNS does not answer is no failover, even when DNS moves later', () => {
    const timeline = buildTimeline({ regions: EU, seconds: 30, faults: { 'eu-central-1': run('X', 10) + run('.', 20) }, dns: run('0', 20) + run('1', 10) });
    expect(summarize(timeline)).toMatchObject({ dnsFailoverSeconds: null, failbackSeconds: null, dnsChanges: 1 });
  });

  test('a fault that lasts to the end gives a failover but no failback', () => {
    const timeline = buildTimeline({ regions: EU, seconds: 30, faults: { 'eu-west-1': run('.', 5) + run('X', 25) }, dns: run('0', 12) + run('1', 18) });
    expect(summarize(timeline)).toMatchObject({ dnsFailoverSeconds: 7, failbackSeconds: null });
  });

  test('DNS that stays away after the fault ends gives no failback', () => {
    const timeline = buildTimeline({ regions: EU, seconds: 30, faults: { 'eu-west-1': run('.', 5) + run('X', 5) + run('.', 20) }, dns: run('0', 8) + run('1', 22) });
    expect(summarize(timeline)).toMatchObject({ dnsFailoverSeconds: 3, failbackSeconds: null });
  });

  test('seconds without an answer neither count as another region nor as a change', () => {
    const timeline = buildTimeline({
      regions: EU,
      seconds: 10,
      faults: { 'eu-west-1': run('.', 2) + run('X', 8) },
      dns: '00--0-1-11',
    });
    // The fault starts at 2 but DNS first answers the faulted region at 4; it first answers another at 6.
    expect(summarize(timeline)).toMatchObject({ dnsFailoverSeconds: 2, dnsChanges: 1 });
  });
});

describe('flaps', () => {
  test('every return of DNS to a region whose fault is still on is a flap', () => {
    const timeline = buildTimeline({
      regions: EU,
      seconds: 80,
      faults: { 'eu-west-1': run('.', 10) + run('X', 50) + run('.', 20) },
      dns: run('0', 20) + run('1', 10) + run('0', 5) + run('1', 5) + run('0', 5) + run('1', 25) + run('0', 10),
    });
    expect(summarize(timeline)).toMatchObject({ flaps: 2, dnsChanges: 6, dnsFailoverSeconds: 10, failbackSeconds: 10 });
  });

  // Route 53 Developer Guide, "How Amazon Route 53 chooses records when health checking is configured":
  // "If no record is healthy, all records are healthy" — with every region down, any answer is Route 53's
  // only choice, so it is not counted against the routing.
  // https://docs.aws.amazon.com/Route53/latest/DeveloperGuide/health-checks-how-route-53-chooses-records.html
  test('moving between regions when every region has a fault is not a flap (Route 53 has nowhere better)', () => {
    const dns = run('0', 20) + run('1', 10) + run('0', 10) + run('1', 15) + run('0', 5);
    const allDown = buildTimeline({
      regions: EU,
      seconds: 60,
      faults: { 'eu-west-1': run('.', 10) + run('X', 40) + run('.', 10), 'eu-central-1': run('.', 10) + run('X', 40) + run('.', 10) },
      dns,
    });
    expect(summarize(allDown)).toMatchObject({ flaps: 0, dnsChanges: 4, dnsFailoverSeconds: 10, failbackSeconds: 5 });
  });

  test('the same moves while the other region is healthy are flaps', () => {
    const dns = run('0', 20) + run('1', 10) + run('0', 10) + run('1', 15) + run('0', 5);
    const oneDown = buildTimeline({
      regions: EU,
      seconds: 60,
      faults: { 'eu-west-1': run('.', 10) + run('X', 40) + run('.', 10), 'eu-central-1': run('.', 10) + run('X', 15) + run('.', 35) },
      dns,
    });
    // At 20 eu-central-1 is entered while faulted but so is eu-west-1 (not a flap); at 30 eu-west-1 is
    // entered while faulted and eu-central-1 is healthy again (a flap); at 40 eu-central-1 is healthy.
    expect(summarize(oneDown)).toMatchObject({ flaps: 1, dnsChanges: 4 });
  });
});

describe('without DNS', () => {
  test('a run without a hosted zone has no DNS figures, whatever the faults', () => {
    const timeline = buildTimeline({
      regions: EU,
      seconds: 30,
      faults: { 'eu-west-1': run('.', 10) + run('X', 10) + run('.', 10) },
      requests: 5,
      servedBy: { 'eu-west-1': 3, 'eu-central-1': 2 },
    });
    expect(timeline.dns).toBe(false);
    expect(summarize(timeline)).toMatchObject({ dnsFailoverSeconds: null, failbackSeconds: null, flaps: 0, dnsChanges: 0, requests: 150 });
  });
});

describe('alarms', () => {
  test('each alarm seen gets the first second it was in ALARM and the number of such seconds, earliest first', () => {
    const timeline = buildTimeline({
      regions: EU,
      seconds: 12,
      alarms: {
        'Invoker-5xx-eu-west-1': '....AAA..AA.',
        'Canary-eu-west-1': '..A.........',
        'Quiet-alarm': '............',
      },
    });
    expect(summarize(timeline).alarms).toEqual([
      { name: 'Canary-eu-west-1', firstAlarmSecond: 2, alarmSeconds: 1 },
      { name: 'Invoker-5xx-eu-west-1', firstAlarmSecond: 4, alarmSeconds: 5 },
    ]);
  });

  test('alarms entering at the same second are ordered by name', () => {
    const timeline = buildTimeline({ regions: EU, seconds: 3, alarms: { zeta: '.AA', alpha: '.A.' } });
    expect(summarize(timeline).alarms.map((alarm) => alarm.name)).toEqual(['alpha', 'zeta']);
  });
});
