/**
 * A twin run as plain text for a terminal: one column per bucket of seconds, one lane per thing to
 * follow (faults, the DNS answer, who served, client errors), and a legend. No colours, so it reads the
 * same in a CI log.
 */
import type { Timeline } from './timeline';
import { bucketTimeline, minuteTicks, secondsPerBucket, type TimelineBucket } from './timeline-buckets';

/** How to draw the chart. */
export interface TerminalChartOptions {
  /**
   * The most columns of time (each column then holds `ceil(seconds / width)` seconds); lane labels
   * come on top of this.
   * @default 100
   */
  readonly width?: number;
}

const DEFAULT_WIDTH = 100;
/** The symbol of the region at each index of `Timeline.regions` in the DNS lane. */
const REGION_SYMBOLS = '0123456789abcdefghijklmnopqrstuvwxyz';
/** Share of a column's requests a region served: none, up to 25 %, 50 %, 75 %, more. */
const SERVED_DENSITY = [' ', '░', '▒', '▓', '█'];
/** Below this share of a column's requests, client errors show as `!`; from it, as `#`. */
const MANY_ERRORS_SHARE = 0.1;

/** One row of the chart: a label and one character per column. */
interface Lane {
  readonly label: string;
  readonly cells: string;
}

/**
 * Draws `timeline` for a terminal. Lanes, each one character per column: `minutes` (the time axis),
 * `fault <region>` (`X` a fault the whole column, `x` part of it, `.` none), `DNS` (the digit of the
 * region DNS answered for most of the column, `-` no answer), `served <region>` (the share of the
 * column's requests that region served, ` ░▒▓█`) and `errors` (` ` none, `!` some, `#` at least 10 %
 * of the column's requests). A legend follows. Every line is at most `width` plus the label width.
 */
export function renderTerminalChart(timeline: Timeline, options: TerminalChartOptions = {}): string {
  const width = options.width ?? DEFAULT_WIDTH;
  const size = secondsPerBucket(timeline.seconds.length, width);
  const buckets = bucketTimeline(timeline.seconds, size, timeline.regions);
  const lanes = lanesOf(timeline, buckets, size);
  const labelWidth = Math.max(...lanes.map((lane) => lane.label.length)) + 1;
  const lineLimit = width + labelWidth;
  const header = [`${timeline.scenario} ·`, `${timeline.endpoint} ·`, `${timeline.seconds.length} s simulated,`, `${size} s per column`];
  const body = buckets.length === 0
    ? ['(no seconds recorded)']
    : lanes.map((lane) => `${lane.label.padEnd(labelWidth)}${lane.cells}`.trimEnd());
  const legend = legendLines(timeline).flatMap((line) => wrap(line, lineLimit));
  return [...wrap(header, lineLimit), ...body, '', ...legend].join('\n') + '\n';
}

function lanesOf(timeline: Timeline, buckets: readonly TimelineBucket[], size: number): Lane[] {
  const lane = (label: string, cell: (bucket: TimelineBucket) => string): Lane => ({ label, cells: buckets.map(cell).join('') });
  return [
    { label: 'minutes', cells: minuteAxis(buckets, size) },
    ...timeline.regions.map((region) => lane(`fault ${region}`, (bucket) => faultCell(bucket, region))),
    lane('DNS', (bucket) => dnsCell(bucket, timeline.regions)),
    ...timeline.regions.map((region) => lane(`served ${region}`, (bucket) => servedCell(bucket, region))),
    lane('errors', errorsCell),
  ];
}

/** The minute labels, each starting in the column that holds its first second; a label that would run past the end is left out. */
function minuteAxis(buckets: readonly TimelineBucket[], size: number): string {
  if (buckets.length === 0) {
    return '';
  }
  const start = buckets[0].startSecond;
  const duration = buckets.reduce((sum, bucket) => sum + bucket.seconds.length, 0);
  const widestLabel = String(Math.floor((start + duration) / 60)).length;
  const cells = Array.from({ length: buckets.length }, () => ' ');
  for (const minute of minuteTicks(start + duration, (widestLabel + 1) * size)) {
    const column = Math.floor((minute * 60 - start) / size);
    const label = String(minute);
    if (column >= 0 && column + label.length <= cells.length) {
      cells.splice(column, label.length, ...label);
    }
  }
  return cells.join('');
}

/** `X` when the region has a fault in every second of the bucket, `x` in some, `.` in none. */
function faultCell(bucket: TimelineBucket, region: string): string {
  const faulted = bucket.seconds.filter((second) => second.faults[region] !== undefined).length;
  return faulted === bucket.seconds.length ? 'X' : faulted > 0 ? 'x' : '.';
}

/**
 * The symbol of the region DNS answered for most seconds of the bucket (a tie goes to the one answered
 * last), `?` for a region not in `regions`, `-` when DNS gave no answer in the bucket.
 */
function dnsCell(bucket: TimelineBucket, regions: readonly string[]): string {
  const counts = new Map<string, number>();
  for (const second of bucket.seconds) {
    if (second.dnsRegion !== undefined) {
      counts.delete(second.dnsRegion);
      counts.set(second.dnsRegion, (counts.get(second.dnsRegion) ?? 0) + 1);
    }
  }
  let answer: string | undefined;
  let most = 0;
  for (const [region, count] of counts) {
    if (count >= most) {
      answer = region;
      most = count;
    }
  }
  return answer === undefined ? '-' : regionSymbol(answer, regions);
}

/** The block whose density is the share of the bucket's requests the region served. */
function servedCell(bucket: TimelineBucket, region: string): string {
  const served = bucket.servedBy[region] ?? 0;
  if (bucket.requests === 0 || served === 0) {
    return SERVED_DENSITY[0];
  }
  const level = Math.ceil((served / bucket.requests) * (SERVED_DENSITY.length - 1));
  return SERVED_DENSITY[Math.min(Math.max(level, 1), SERVED_DENSITY.length - 1)];
}

/** ` ` without client errors, `!` with some, `#` with at least 10 % of the bucket's requests. */
function errorsCell(bucket: TimelineBucket): string {
  if (bucket.clientErrors === 0) {
    return ' ';
  }
  const share = bucket.requests === 0 ? 1 : bucket.clientErrors / bucket.requests;
  return share < MANY_ERRORS_SHARE ? '!' : '#';
}

function regionSymbol(region: string, regions: readonly string[]): string {
  const index = regions.indexOf(region);
  return index >= 0 && index < REGION_SYMBOLS.length ? REGION_SYMBOLS[index] : '?';
}

/** The legend, one line per kind of lane, each as the pieces a line may break between. */
function legendLines(timeline: Timeline): string[][] {
  const keyed = (heading: string, keys: readonly string[]) => [heading, ...keys.map((key, index) => (index < keys.length - 1 ? `${key},` : key))];
  const regionKeys = timeline.regions.map((region) => `${regionSymbol(region, timeline.regions)} ${region}`);
  const noAnswer = timeline.dns ? '- no answer' : '- no DNS layer (no hosted zone)';
  const densityKeys = ['25%', '50%', '75%'].map((share, index) => `${SERVED_DENSITY[index + 1]} up to ${share}`);
  const manyErrors = `${MANY_ERRORS_SHARE * 100}%`;
  return [
    keyed('fault:', ['X a fault the whole column', 'x part of it', '. none']),
    keyed('DNS (the region answered most of the column):', [...regionKeys, noAnswer]),
    keyed('served (share of the column\'s requests):', [`"${SERVED_DENSITY[0]}" none`, ...densityKeys, `${SERVED_DENSITY[4]} more`]),
    keyed('errors (clients saw):', ['" " none', `! under ${manyErrors} of the column's requests`, `# ${manyErrors} or more`]),
  ];
}

/**
 * Joins `pieces` with spaces into lines of at most `limit` characters, breaking only between pieces
 * (continuations indented by two); a piece longer than a line is cut.
 */
function wrap(pieces: readonly string[], limit: number): string[] {
  const indent = '  ';
  const room = Math.max(limit, indent.length + 1);
  const lines: string[] = [];
  let line = '';
  for (const piece of pieces) {
    const candidate = line === '' ? piece : `${line} ${piece}`;
    if (candidate.length <= room) {
      line = candidate;
      continue;
    }
    if (line !== '') {
      lines.push(line);
    }
    line = `${lines.length === 0 ? '' : indent}${piece}`;
    while (line.length > room) {
      lines.push(line.slice(0, room));
      line = `${indent}${line.slice(room)}`;
    }
  }
  lines.push(line);
  return lines;
}
