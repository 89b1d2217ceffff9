import { buildTimeline, run } from './timeline-builder';
import type { Timeline } from '../../../dev/twin/timeline';
import { renderTimelineSvg } from '../../../dev/twin/timeline-svg';
import { summarize } from '../../../dev/twin/twin-summary';

/** The five entity references XML predefines, and character references. */
const REFERENCE = /&(?:amp|lt|gt|quot|apos|#[0-9]+|#x[0-9a-fA-F]+);/g;
const NAME = '[A-Za-z_][\\w:.-]*';
const ATTRIBUTE = new RegExp(`(${NAME})\\s*=\\s*(?:"([^"<]*)"|'([^'<]*)')`, 'g');
/** A comment, an end tag, a start or empty-element tag, text, or a stray `<`. */
const TOKEN = new RegExp(`<!--[\\s\\S]*?-->|</(${NAME})\\s*>|<(${NAME})((?:\\s+${NAME}\\s*=\\s*(?:"[^"<]*"|'[^'<]*'))*)\\s*(/?)>|([^<]+)|<`, 'gy');

/**
 * The ways `xml` is not well-formed XML (a prolog, one root element, nested tags, quoted attributes
 * without duplicates, `&` only in references); empty when it is. Enough for what the renderer writes
 * (no DTD, CDATA or processing instructions past the prolog).
 */
function wellFormednessProblems(xml: string): string[] {
  const problems: string[] = [];
  const open: string[] = [];
  let roots = 0;
  const body = xml.replace(/^<\?xml[^?]*\?>/, '');
  TOKEN.lastIndex = 0;
  for (let match = TOKEN.exec(body); match !== null && match[0] !== ''; match = TOKEN.exec(body)) {
    const [token, endName, startName, attributes, selfClosing, text] = match;
    if (endName !== undefined) {
      const expected = open.pop();
      if (expected !== endName) {
        problems.push(`</${endName}> closes <${expected ?? 'nothing'}>`);
      }
    } else if (startName !== undefined) {
      if (open.length === 0 && ++roots > 1) {
        problems.push(`a second root element <${startName}>`);
      }
      problems.push(...attributeProblems(startName, attributes));
      if (selfClosing !== '/') {
        open.push(startName);
      }
    } else if (text !== undefined) {
      if (open.length === 0 && text.trim() !== '') {
        problems.push(`text outside the root: ${text.trim().slice(0, 20)}`);
      }
      if (text.replace(REFERENCE, '').includes('&')) {
        problems.push(`an unescaped & in: ${text.slice(0, 40)}`);
      }
    } else if (token === '<') {
      problems.push(`a stray < at ${match.index}: ${body.slice(match.index, match.index + 30)}`);
    }
  }
  if (open.length > 0) {
    problems.push(`unclosed: ${open.join(' > ')}`);
  }
  if (roots === 0) {
    problems.push('no root element');
  }
  return problems;
}

function attributeProblems(element: string, attributes: string): string[] {
  const problems: string[] = [];
  const seen = new Set<string>();
  for (const [, name, doubleQuoted, singleQuoted] of attributes.matchAll(ATTRIBUTE)) {
    if (seen.has(name)) {
      problems.push(`<${element}> has ${name} twice`);
    }
    seen.add(name);
    if ((doubleQuoted ?? singleQuoted).replace(REFERENCE, '').includes('&')) {
      problems.push(`an unescaped & in ${element}/@${name}`);
    }
  }
  return problems;
}

/** The text content of the elements named `element`, with references resolved. */
function textsOf(svg: string, element: string): string[] {
  return [...svg.matchAll(new RegExp(`<${element}\\b[^>]*>([^<]*)</${element}>`, 'g'))].map(([, text]) => unescape(text));
}

function unescape(text: string): string {
  const named: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };
  return text.replace(REFERENCE, (reference) => named[reference.slice(1, -1)] ?? reference);
}

function svgOf(timeline: Timeline): string {
  return renderTimelineSvg(timeline, summarize(timeline));
}

const EU = ['eu-west-1', 'eu-central-1', 'eu-north-1'];

/** Ten minutes: eu-west-1 fails at 2:00, DNS leaves it at 2:40, the fault ends at 6:00, DNS is back at 7:40. */
const outage = buildTimeline({
  regions: EU,
  seconds: 600,
  scenario: 'primary-outage',
  endpoint: 'BedrockEu-eu-chat',
  faults: { 'eu-west-1': run('.', 120) + run('X', 240) + run('.', 240) },
  unhealthy: { 'eu-west-1': run('.', 150) + run('U', 240) + run('.', 210) },
  dns: run('0', 160) + run('1', 300) + run('0', 140),
  requests: 20,
  servedBy: {
    'eu-west-1': Array.from({ length: 600 }, (_, t) => (t < 120 || t >= 460 ? 20 : 0)),
    'eu-central-1': Array.from({ length: 600 }, (_, t) => (t >= 160 && t < 460 ? 20 : 0)),
  },
  clientErrors: Array.from({ length: 600 }, (_, t) => (t >= 120 && t < 160 ? 20 : 0)),
});

describe('the well-formedness check itself', () => {
  test.each([
    ['<a><b></a></b>', /closes/],
    ['<a>fish & chips</a>', /unescaped &/],
    ['<a x="1" x="2"/>', /twice/],
    ['<a/><b/>', /second root/],
    ['<a>', /unclosed/],
    ['<a><b x=1/></a>', /stray </],
  ])('rejects %s', (xml, problem) => {
    expect(wellFormednessProblems(xml).join('\n')).toMatch(problem);
  });

  test('accepts a small well-formed document', () => {
    expect(wellFormednessProblems('<?xml version="1.0"?>\n<a x="&amp;"><!-- c --><b/>t &lt; u</a>\n')).toEqual([]);
  });
});

describe('a self-contained picture', () => {
  const svg = svgOf(outage);

  test('is well-formed XML with an SVG root', () => {
    expect(wellFormednessProblems(svg)).toEqual([]);
    expect(svg).toMatch(/^<\?xml[^>]*\?>\n<svg xmlns="http:\/\/www\.w3\.org\/2000\/svg"/);
  });

  test('has no scripts, no event handlers and no external resources', () => {
    expect(svg).not.toMatch(/<script|\son[a-z]+=|href=|url\(|@import|<image|<foreignObject/i);
  });
});

describe('title', () => {
  test('names the scenario and the endpoint and carries the summary\'s figures', () => {
    const svg = svgOf(outage);
    const [heading, figures] = textsOf(svg, 'text');
    expect(heading).toBe('primary-outage — BedrockEu-eu-chat');
    expect(figures).toBe('requests 12000 · client errors 800 · DNS failover 40 s · failback 100 s · flaps 0 · 600 s simulated');
  });

  test('says "none" for a failback that did not happen and counts flaps', () => {
    const flapping = buildTimeline({
      regions: EU,
      seconds: 60,
      faults: { 'eu-west-1': run('.', 10) + run('X', 50) },
      dns: run('0', 20) + run('1', 10) + run('0', 10) + run('1', 20),
    });
    const [, figures] = textsOf(svgOf(flapping), 'text');
    expect(figures).toContain('DNS failover 10 s · failback none · flaps 1');
  });

  test('without a hosted zone says there is no DNS layer instead of DNS figures', () => {
    const timeline = buildTimeline({ regions: EU, seconds: 30, requests: 2, servedBy: { 'eu-north-1': 2 } });
    const svg = svgOf(timeline);
    const [, figures] = textsOf(svg, 'text');
    expect(figures).toBe('requests 60 · client errors 0 · no DNS layer · 30 s simulated');
    expect(textsOf(svg, 'text')).toContain('no DNS layer (no hosted zone)');
  });
});

describe('legend and marks', () => {
  const svg = svgOf(outage);

  test('has one legend entry per region, in the timeline\'s order', () => {
    const entries = [...svg.matchAll(/<g class="legend-region">.*?<text[^>]*>([^<]*)<\/text><\/g>/g)].map(([, name]) => name);
    expect(entries).toEqual(EU);
  });

  test('shades each fault period of each region once, with its times in the tooltip', () => {
    const faults = [...svg.matchAll(/class="fault-run"><title>([^<]*)<\/title>/g)].map(([, title]) => title);
    expect(faults).toEqual(['eu-west-1: fault fault from 2m00s to 6m00s']);
  });

  test('marks each unhealthy period of each region', () => {
    const unhealthy = [...svg.matchAll(/class="unhealthy-run"><title>([^<]*)<\/title>/g)].map(([, title]) => title);
    expect(unhealthy).toEqual(['eu-west-1: health check unhealthy from 2m30s to 6m30s']);
  });

  test('draws one DNS band per stretch of the same answer', () => {
    const bands = [...svg.matchAll(/class="dns-run"><title>([^<]*)<\/title>/g)].map(([, title]) => title);
    expect(bands).toEqual([
      'DNS answered eu-west-1 from 0m00s to 2m40s',
      'DNS answered eu-central-1 from 2m40s to 7m40s',
      'DNS answered eu-west-1 from 7m40s to 10m00s',
    ]);
  });

  test('draws client errors in red only where clients saw them, and served bars in the region\'s colour', () => {
    const bars = [...svg.matchAll(/<rect [^>]*fill="(#[0-9a-f]{6})"><title>(\d+)m(\d+)s–[^:]*: \d+ ([^(]*) \(/g)]
      .map(([, fill, minutes, seconds, what]) => ({ fill, start: Number(minutes) * 60 + Number(seconds), what: what.trim() }));
    const errors = bars.filter((bar) => bar.what === 'client errors');
    expect(errors.length).toBeGreaterThan(0);
    expect(errors.every((bar) => bar.fill === '#d62728' && bar.start >= 120 && bar.start < 160)).toBe(true);
    const fills = new Set(bars.filter((bar) => bar.what === 'served by eu-central-1').map((bar) => bar.fill));
    const legendFill = svg.match(/<g class="legend-region"><rect [^>]*fill="(#[0-9a-f]{6})"\/><text[^>]*>eu-central-1</)?.[1];
    expect([...fills]).toEqual([legendFill]);
  });

  test('labels the time axis in minutes', () => {
    const ticks = textsOf(svg, 'text').filter((_, index, texts) => index > texts.indexOf('20') && index < texts.indexOf('minutes of simulated time'));
    expect(ticks).toEqual(['0', '1', '2', '3', '4', '5', '6', '7', '8', '9']);
  });
});

describe('escaping', () => {
  test('names with XML\'s reserved characters are escaped and come back as written', () => {
    const timeline = buildTimeline({
      regions: ['eu-west-1', 'eu-<central>-1'],
      seconds: 20,
      scenario: '<script>alert("x")</script> & \'co\'',
      endpoint: 'A&B',
      faults: { 'eu-<central>-1': run('X', 20) },
      dns: run('1', 20),
    });
    const svg = svgOf(timeline);
    expect(wellFormednessProblems(svg)).toEqual([]);
    expect(svg).not.toContain('<script');
    expect(textsOf(svg, 'title')[0]).toBe('<script>alert("x")</script> & \'co\' — A&B');
    expect(svg).toContain('&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &apos;co&apos; — A&amp;B');
    expect([...svg.matchAll(/<g class="legend-region">.*?<text[^>]*>([^<]*)<\/text><\/g>/g)].map(([, name]) => unescape(name)))
      .toEqual(['eu-west-1', 'eu-<central>-1']);
  });
});

describe('an empty run', () => {
  test('is still a well-formed picture that says so', () => {
    const svg = svgOf(buildTimeline({ regions: EU, seconds: 0, dns: '' }));
    expect(wellFormednessProblems(svg)).toEqual([]);
    expect(textsOf(svg, 'text')).toContain('no seconds recorded');
  });
});
