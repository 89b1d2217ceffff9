/**
 * A twin run as a self-contained SVG picture (no scripts, no external resources) to open in a browser:
 * requests served per region stacked over time with client errors in red, then lanes for the region
 * DNS answered and, per region, its faults and unhealthy health check. Hovering a shape shows its
 * figures (SVG `<title>` tooltips).
 */
import type { Timeline, TimelineSecond, TwinSummary } from './timeline';
import { bucketTimeline, formatClock, minuteTicks, secondsPerBucket, type TimelineBucket } from './timeline-buckets';

/**
 * Colours of the regions, in `Timeline.regions` order: Okabe–Ito first (without its red, the errors'
 * colour, and its black, the unhealthy stripe's), then further distinct hues; a thirteenth region
 * reuses the first colour.
 */
const REGION_COLOURS = ['#0072b2', '#e69f00', '#009e73', '#cc79a7', '#56b4e9', '#f0e442', '#9467bd', '#8c564b', '#17becf', '#bcbd22', '#7f7f7f', '#1a3d6d'];
const ERROR_COLOUR = '#d62728';
const UNKNOWN_REGION_COLOUR = '#999999';
const UNHEALTHY_COLOUR = '#333333';
const WIDTH = 960;
const MAX_BARS = 240;
const CHART_HEIGHT = 220;
const LANE_HEIGHT = 16;
const LANE_GAP = 6;
const LEGEND_ROW_HEIGHT = 18;
/** Rough width of one character of the 11 px labels, to size the label column and the legend. */
const CHAR_WIDTH = 6.5;

/** Where things go: x of time, the rows of the picture. */
interface Geometry {
  readonly plotLeft: number;
  readonly plotWidth: number;
  readonly startSecond: number;
  readonly spanSeconds: number;
  readonly legendTop: number;
  readonly chartTop: number;
  readonly lanesTop: number;
  readonly height: number;
}

/** A run of consecutive seconds with the same value. */
interface Run {
  readonly from: number;
  /** `t` of the second after the run. */
  readonly to: number;
  readonly value: string;
}

/**
 * Draws the run. The title carries the scenario, the endpoint and the summary's figures; the chart
 * shows requests per second (the mean over each bar) served by each region, stacked, with client
 * errors in red on top; below it, the region DNS answered, then one lane per region, shaded while it
 * had a fault and with a dark stripe while its health check was unhealthy.
 */
export function renderTimelineSvg(timeline: Timeline, summary: TwinSummary): string {
  const geometry = geometryOf(timeline);
  const size = secondsPerBucket(timeline.seconds.length, MAX_BARS);
  const buckets = bucketTimeline(timeline.seconds, size, timeline.regions);
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<svg xmlns="http://www.w3.org/2000/svg" width="${WIDTH}" height="${geometry.height}" viewBox="0 0 ${WIDTH} ${geometry.height}" role="img" aria-labelledby="twin-title">`,
    `<title id="twin-title">${escapeXml(`${timeline.scenario} — ${timeline.endpoint}`)}</title>`,
    '<style>text { font-family: sans-serif; font-size: 11px; fill: #222; } .heading { font-size: 16px; font-weight: bold; } .figures { font-size: 12px; }</style>',
    `<rect width="${WIDTH}" height="${geometry.height}" fill="#ffffff"/>`,
    ...titleText(timeline, summary),
    ...legend(timeline, geometry),
    ...requestBars(timeline, buckets, geometry),
    ...timeAxis(geometry),
    ...dnsLane(timeline, geometry),
    ...timeline.regions.flatMap((region, index) => regionLane(timeline, region, index, geometry)),
    '</svg>',
  ].join('\n') + '\n';
}

/** Escapes the five characters XML reserves, for text and attribute values. */
function escapeXml(raw: string): string {
  return raw.replace(/[&<>"']/g, (character) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&apos;' })[character] as string);
}

function geometryOf(timeline: Timeline): Geometry {
  const longestLabel = Math.max('DNS answer'.length, ...timeline.regions.map((region) => region.length));
  const plotLeft = Math.round(longestLabel * CHAR_WIDTH) + 20;
  const plotWidth = WIDTH - plotLeft - 24;
  const legendTop = 60;
  const chartTop = legendTop + legendRows(timeline, plotLeft).length * LEGEND_ROW_HEIGHT + 12;
  const lanesTop = chartTop + CHART_HEIGHT + 44;
  const seconds = timeline.seconds;
  const startSecond = seconds.length === 0 ? 0 : seconds[0].t;
  const spanSeconds = seconds.length === 0 ? 1 : seconds[seconds.length - 1].t - startSecond + 1;
  const height = lanesTop + (timeline.regions.length + 1) * (LANE_HEIGHT + LANE_GAP) + 12;
  return { plotLeft, plotWidth, startSecond, spanSeconds, legendTop, chartTop, lanesTop, height };
}

function xOf(t: number, geometry: Geometry): number {
  return geometry.plotLeft + ((t - geometry.startSecond) / geometry.spanSeconds) * geometry.plotWidth;
}

/** A coordinate with at most two decimals. */
function num(value: number): string {
  return String(Math.round(value * 100) / 100);
}

function rect(x: number, y: number, width: number, height: number, fill: string, tooltip: string, extra = ''): string {
  return `<rect x="${num(x)}" y="${num(y)}" width="${num(width)}" height="${num(height)}" fill="${fill}"${extra}><title>${escapeXml(tooltip)}</title></rect>`;
}

function text(x: number, y: number, content: string, extra = ''): string {
  return `<text x="${num(x)}" y="${num(y)}"${extra}>${escapeXml(content)}</text>`;
}

function regionColour(region: string, regions: readonly string[]): string {
  const index = regions.indexOf(region);
  return index < 0 ? UNKNOWN_REGION_COLOUR : REGION_COLOURS[index % REGION_COLOURS.length];
}

/** The summary's figures as one line. */
function figuresLine(timeline: Timeline, summary: TwinSummary): string {
  const seconds = (value: number | null) => (value === null ? 'none' : `${value} s`);
  const dnsFigures = timeline.dns
    ? [`DNS failover ${seconds(summary.dnsFailoverSeconds)}`, `failback ${seconds(summary.failbackSeconds)}`, `flaps ${summary.flaps}`]
    : ['no DNS layer'];
  return [
    `requests ${summary.requests}`,
    `client errors ${summary.clientErrors}`,
    ...dnsFigures,
    `${summary.durationSeconds} s simulated`,
  ].join(' · ');
}

function titleText(timeline: Timeline, summary: TwinSummary): string[] {
  return [
    text(16, 24, `${timeline.scenario} — ${timeline.endpoint}`, ' class="heading"'),
    text(16, 44, figuresLine(timeline, summary), ' class="figures"'),
  ];
}

/** One legend entry: a swatch and a label. */
interface LegendEntry {
  readonly label: string;
  readonly swatch: (x: number, y: number) => string;
  /** The class of its group, so a reader (or a test) can tell region entries from the others. */
  readonly kind: 'legend-region' | 'legend-mark';
}

function legendEntries(timeline: Timeline): LegendEntry[] {
  const swatch = (fill: string, extra = '') => (x: number, y: number) => `<rect x="${num(x)}" y="${num(y)}" width="12" height="12" fill="${fill}"${extra}/>`;
  return [
    ...timeline.regions.map((region): LegendEntry => ({ label: region, swatch: swatch(regionColour(region, timeline.regions)), kind: 'legend-region' })),
    { label: 'client errors', swatch: swatch(ERROR_COLOUR), kind: 'legend-mark' },
    { label: 'fault (shaded lane)', swatch: swatch('#888888', ' fill-opacity="0.45"'), kind: 'legend-mark' },
    { label: 'health check unhealthy (dark stripe)', swatch: swatch(UNHEALTHY_COLOUR), kind: 'legend-mark' },
  ];
}

/** The legend entries placed left to right, wrapped into rows that fit the picture. */
function legendRows(timeline: Timeline, left: number): Array<Array<{ entry: LegendEntry; x: number }>> {
  const rows: Array<Array<{ entry: LegendEntry; x: number }>> = [[]];
  let x = left;
  for (const entry of legendEntries(timeline)) {
    const entryWidth = 18 + entry.label.length * CHAR_WIDTH + 18;
    if (x + entryWidth > WIDTH && rows[rows.length - 1].length > 0) {
      rows.push([]);
      x = left;
    }
    rows[rows.length - 1].push({ entry, x });
    x += entryWidth;
  }
  return rows;
}

function legend(timeline: Timeline, geometry: Geometry): string[] {
  return legendRows(timeline, geometry.plotLeft).flatMap((row, rowIndex) => row.map(({ entry, x }) => {
    const y = geometry.legendTop + rowIndex * LEGEND_ROW_HEIGHT;
    return `<g class="${entry.kind}">${entry.swatch(x, y)}${text(x + 18, y + 10, entry.label)}</g>`;
  }));
}

/** The axis maximum: the smallest 1, 2 or 5 times a power of ten at or above `value` (1 for 0). */
function niceCeiling(value: number): number {
  if (value <= 0) {
    return 1;
  }
  const power = 10 ** Math.floor(Math.log10(value));
  return [1, 2, 5, 10].map((factor) => factor * power).find((candidate) => candidate >= value) as number;
}

function requestBars(timeline: Timeline, buckets: readonly TimelineBucket[], geometry: Geometry): string[] {
  const bottom = geometry.chartTop + CHART_HEIGHT;
  if (buckets.length === 0) {
    return [text(geometry.plotLeft, geometry.chartTop + CHART_HEIGHT / 2, 'no seconds recorded')];
  }
  const yMax = niceCeiling(Math.max(...buckets.map((bucket) => bucket.requests / bucket.seconds.length)));
  const heightOf = (perSecond: number) => (perSecond / yMax) * CHART_HEIGHT;
  return [
    ...yAxis(yMax, geometry),
    '<g class="bars" shape-rendering="crispEdges">',
    ...buckets.flatMap((bucket) => {
      const x = xOf(bucket.startSecond, geometry);
      const width = xOf(bucket.startSecond + bucket.seconds.length, geometry) - x;
      const when = `${formatClock(bucket.startSecond)}–${formatClock(bucket.startSecond + bucket.seconds.length)}`;
      const layers = [
        ...Object.entries(bucket.servedBy).map(([region, served]) => ({ count: served, fill: regionColour(region, timeline.regions), label: `served by ${region}` })),
        { count: bucket.clientErrors, fill: ERROR_COLOUR, label: 'client errors' },
      ].filter((layer) => layer.count > 0);
      let top = bottom;
      return layers.map((layer) => {
        const height = heightOf(layer.count / bucket.seconds.length);
        top -= height;
        return rect(x, top, width, height, layer.fill, `${when}: ${layer.count} ${layer.label} (of ${bucket.requests} requests)`);
      });
    }),
    '</g>',
  ];
}

function yAxis(yMax: number, geometry: Geometry): string[] {
  const bottom = geometry.chartTop + CHART_HEIGHT;
  const left = geometry.plotLeft;
  const right = left + geometry.plotWidth;
  return [
    text(16, geometry.chartTop - 2, 'requests/s', ' class="axis-title"'),
    ...[0, 0.5, 1].flatMap((fraction) => {
      const y = bottom - fraction * CHART_HEIGHT;
      return [
        `<line x1="${num(left)}" y1="${num(y)}" x2="${num(right)}" y2="${num(y)}" stroke="#dddddd"/>`,
        text(left - 6, y + 4, num(fraction * yMax), ' text-anchor="end"'),
      ];
    }),
  ];
}

function timeAxis(geometry: Geometry): string[] {
  const bottom = geometry.chartTop + CHART_HEIGHT;
  const pixelsPerSecond = geometry.plotWidth / geometry.spanSeconds;
  const ticks = minuteTicks(geometry.startSecond + geometry.spanSeconds, 48 / pixelsPerSecond)
    .filter((minute) => minute * 60 >= geometry.startSecond);
  return [
    `<line x1="${num(geometry.plotLeft)}" y1="${num(bottom)}" x2="${num(geometry.plotLeft + geometry.plotWidth)}" y2="${num(bottom)}" stroke="#222222"/>`,
    ...ticks.flatMap((minute) => {
      const x = xOf(minute * 60, geometry);
      return [
        `<line x1="${num(x)}" y1="${num(bottom)}" x2="${num(x)}" y2="${num(bottom + 4)}" stroke="#222222"/>`,
        text(x, bottom + 16, String(minute), ' text-anchor="middle" class="tick"'),
      ];
    }),
    text(geometry.plotLeft + geometry.plotWidth / 2, bottom + 32, 'minutes of simulated time', ' text-anchor="middle"'),
  ];
}

/** The runs of consecutive seconds for which `valueOf` gives the same defined value. */
function runsOf(seconds: readonly TimelineSecond[], valueOf: (second: TimelineSecond) => string | undefined): Run[] {
  const runs: Run[] = [];
  let current: { from: number; value: string } | undefined;
  let previousT = Number.NaN;
  for (const second of seconds) {
    const value = valueOf(second);
    if (current && (value !== current.value || second.t !== previousT + 1)) {
      runs.push({ ...current, to: previousT + 1 });
      current = undefined;
    }
    if (value !== undefined && current === undefined) {
      current = { from: second.t, value };
    }
    previousT = second.t;
  }
  if (current) {
    runs.push({ ...current, to: previousT + 1 });
  }
  return runs;
}

function laneTop(row: number, geometry: Geometry): number {
  return geometry.lanesTop + row * (LANE_HEIGHT + LANE_GAP);
}

function laneBackground(label: string, top: number, geometry: Geometry): string[] {
  return [
    text(16, top + LANE_HEIGHT - 4, label),
    `<rect x="${num(geometry.plotLeft)}" y="${num(top)}" width="${num(geometry.plotWidth)}" height="${LANE_HEIGHT}" fill="#f2f2f2"/>`,
  ];
}

function runRect(run: Run, top: number, height: number, fill: string, tooltip: string, geometry: Geometry, extra = ''): string {
  const x = xOf(run.from, geometry);
  const span = `from ${formatClock(run.from)} to ${formatClock(run.to)}`;
  return rect(x, top, xOf(run.to, geometry) - x, height, fill, `${tooltip} ${span}`, extra);
}

function dnsLane(timeline: Timeline, geometry: Geometry): string[] {
  const top = laneTop(0, geometry);
  const runs = runsOf(timeline.seconds, (second) => second.dnsRegion);
  const body = !timeline.dns
    ? [text(geometry.plotLeft + 6, top + LANE_HEIGHT - 4, 'no DNS layer (no hosted zone)')]
    : runs.map((run) => runRect(run, top, LANE_HEIGHT, regionColour(run.value, timeline.regions), `DNS answered ${run.value}`, geometry, ' class="dns-run"'));
  return [...laneBackground('DNS answer', top, geometry), ...body];
}

function regionLane(timeline: Timeline, region: string, index: number, geometry: Geometry): string[] {
  const top = laneTop(index + 1, geometry);
  const faults = runsOf(timeline.seconds, (second) => second.faults[region]);
  const unhealthy = runsOf(timeline.seconds, (second) => (second.unhealthyRegions.includes(region) ? 'unhealthy' : undefined));
  const colour = regionColour(region, timeline.regions);
  return [
    ...laneBackground(region, top, geometry),
    ...faults.map((run) => runRect(run, top, LANE_HEIGHT, colour, `${region}: fault ${run.value}`, geometry, ' fill-opacity="0.45" class="fault-run"')),
    ...unhealthy.map((run) => runRect(run, top + LANE_HEIGHT - 5, 5, UNHEALTHY_COLOUR, `${region}: health check unhealthy`, geometry, ' class="unhealthy-run"')),
  ];
}
