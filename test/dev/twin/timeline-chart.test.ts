import { buildTimeline, run } from './timeline-builder';
import { renderTerminalChart } from '../../../dev/twin/timeline-chart';

const EU = ['eu-west-1', 'eu-central-1'];

/** The chart's lines. */
function linesOf(chart: string): string[] {
  return chart.split('\n');
}

/** Where the columns start: the `minutes` lane begins with the label of minute 0. */
function labelWidthOf(chart: string): number {
  const axis = linesOf(chart).find((line) => line.startsWith('minutes '));
  if (axis === undefined) {
    throw new Error(`The chart has no minutes lane:\n${chart}`);
  }
  return axis.indexOf('0');
}

/** The cells of the lane labelled `label`, padded to `columns` (the chart trims trailing spaces). */
function lane(chart: string, label: string, columns: number): string {
  const labelWidth = labelWidthOf(chart);
  const line = linesOf(chart).find((candidate) => candidate.slice(0, labelWidth).trimEnd() === label);
  if (line === undefined) {
    throw new Error(`The chart has no lane "${label}":\n${chart}`);
  }
  return line.slice(labelWidth).padEnd(columns);
}

describe('lanes, one column per second', () => {
  const timeline = buildTimeline({
    regions: EU,
    seconds: 10,
    faults: { 'eu-west-1': '..XXXX....' },
    dns: '0000011100',
    requests: 4,
    servedBy: { 'eu-west-1': [4, 4, 0, 0, 0, 0, 0, 2, 4, 4], 'eu-central-1': [0, 0, 0, 0, 0, 4, 4, 2, 0, 0] },
    clientErrors: [0, 0, 4, 4, 4, 0, 0, 0, 0, 0],
  });
  const chart = renderTerminalChart(timeline);

  test('each region\'s fault lane marks the seconds of its fault', () => {
    expect(lane(chart, 'fault eu-west-1', 10)).toBe('..XXXX....');
    expect(lane(chart, 'fault eu-central-1', 10)).toBe('..........');
  });

  test('the DNS lane switches digit in the column DNS switched region', () => {
    expect(lane(chart, 'DNS', 10)).toBe('0000011100');
  });

  test('the served lanes show the share of each column\'s requests a region answered', () => {
    expect(lane(chart, 'served eu-west-1', 10)).toBe('██     ▒██');
    expect(lane(chart, 'served eu-central-1', 10)).toBe('     ██▒  ');
  });

  test('the errors lane marks the columns where clients saw errors', () => {
    expect(lane(chart, 'errors', 10)).toBe('  ###     ');
  });

  test('the legend names each region\'s digit', () => {
    expect(chart).toContain('0 eu-west-1, 1 eu-central-1, - no answer');
  });
});

describe('columns holding several seconds', () => {
  test('a column holds ceil(seconds / width) seconds, and the DNS lane shows the answer of most of them', () => {
    const timeline = buildTimeline({ regions: EU, seconds: 20, dns: run('0', 9) + run('1', 11) });
    const chart = renderTerminalChart(timeline, { width: 5 });
    expect(chart).toContain('4 s per column');
    // Columns 0–3, 4–7, 8–11 (one second of 0, three of 1), 12–15, 16–19.
    expect(lane(chart, 'DNS', 5)).toBe('00111');
  });

  test('a column split evenly between two answers shows the later one', () => {
    const timeline = buildTimeline({ regions: EU, seconds: 8, dns: run('0', 6) + run('1', 2) });
    expect(lane(renderTerminalChart(timeline, { width: 2 }), 'DNS', 2)).toBe('01');
  });

  test('a fault over part of a column is a lower-case x', () => {
    const timeline = buildTimeline({ regions: EU, seconds: 9, faults: { 'eu-west-1': '..XXXXXX.' } });
    expect(lane(renderTerminalChart(timeline, { width: 3 }), 'fault eu-west-1', 3)).toBe('xXx');
  });

  test('a few client errors among many requests show as !, many as #', () => {
    const timeline = buildTimeline({ regions: EU, seconds: 4, requests: 100, clientErrors: [1, 0, 20, 0] });
    expect(lane(renderTerminalChart(timeline, { width: 4 }), 'errors', 4)).toBe('! # ');
  });

  test('a small share served still shows (░), a full one is a full block', () => {
    const timeline = buildTimeline({ regions: EU, seconds: 3, requests: 100, servedBy: { 'eu-west-1': [1, 60, 100] } });
    expect(lane(renderTerminalChart(timeline), 'served eu-west-1', 3)).toBe('░▓█');
  });
});

describe('time axis', () => {
  test('minute labels start in the column of their first second', () => {
    const timeline = buildTimeline({ regions: EU, seconds: 360, dns: run('0', 360) });
    const chart = renderTerminalChart(timeline, { width: 120 });
    const axis = lane(chart, 'minutes', 120);
    // 3 s per column: minute m starts in column 20 m.
    expect([0, 1, 2, 3, 4, 5].map((minute) => axis.slice(minute * 20, minute * 20 + 1))).toEqual(['0', '1', '2', '3', '4', '5']);
    expect(axis.replace(/[0-9]/g, '').trim()).toBe('');
  });

  test('labels that would crowd each other are thinned to a natural step', () => {
    const timeline = buildTimeline({ regions: EU, seconds: 3600, dns: run('0', 3600) });
    const axis = lane(renderTerminalChart(timeline, { width: 30 }), 'minutes', 30);
    expect(axis.trim().split(/\s+/)).toEqual(['0', '10', '20', '30', '40', '50']);
  });
});

describe('width', () => {
  const longNames = ['ap-southeast-2', 'ap-northeast-1', 'ap-south-1'];
  const timeline = buildTimeline({
    regions: longNames,
    seconds: 601,
    faults: { 'ap-southeast-2': run('.', 100) + run('X', 300) + run('.', 201) },
    dns: run('0', 150) + run('1', 400) + run('0', 51),
    requests: 10,
    servedBy: { 'ap-northeast-1': 10 },
    scenario: 'a scenario whose name is far longer than the narrow chart it is drawn in',
  });

  test.each([7, 20, 40, 100])('at width %i no line is longer than the width plus the label width', (width) => {
    const chart = renderTerminalChart(timeline, { width });
    const labelWidth = labelWidthOf(chart);
    const tooLong = linesOf(chart).filter((line) => line.length > width + labelWidth);
    expect(tooLong).toEqual([]);
    expect(lane(chart, 'DNS', width).trim().length).toBeLessThanOrEqual(width);
  });

  test('the default width is 100 columns', () => {
    const chart = renderTerminalChart(timeline);
    expect(chart).toContain('7 s per column');
    expect(lane(chart, 'DNS', 0).length).toBe(86);
  });

  test('a width that is not a positive whole number is refused', () => {
    expect(() => renderTerminalChart(timeline, { width: 0 })).toThrow(/positive whole number/);
    expect(() => renderTerminalChart(timeline, { width: 2.5 })).toThrow(/positive whole number/);
  });
});

describe('runs without DNS or seconds', () => {
  test('without a hosted zone the DNS lane is all dashes and the legend says why', () => {
    const timeline = buildTimeline({ regions: EU, seconds: 5, requests: 1, servedBy: { 'eu-west-1': 1 } });
    const chart = renderTerminalChart(timeline);
    expect(lane(chart, 'DNS', 5)).toBe('-----');
    expect(chart).toContain('- no DNS layer (no hosted zone)');
  });

  test('an empty run says so instead of drawing lanes', () => {
    const chart = renderTerminalChart(buildTimeline({ regions: EU, seconds: 0 }));
    expect(chart).toContain('(no seconds recorded)');
    expect(chart).not.toContain('fault eu-west-1');
  });
});
