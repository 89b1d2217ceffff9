/**
 * The pure assembler that turns ConverseStream events into the Converse response /converse answers with.
 */
import type { ConverseStreamOutput } from '@aws-sdk/client-bedrock-runtime';
import { ConverseAssembler, IncompleteStreamError, MalformedStreamError } from '../../../lambda/invoker/http/converse-assembly';
import { toJson } from '../../../lambda/invoker/http/response-sink';

const START: ConverseStreamOutput = { messageStart: { role: 'assistant' } };
const STOP: ConverseStreamOutput = { messageStop: { stopReason: 'end_turn' } };

function delta(contentBlockIndex: number, value: Record<string, unknown>): ConverseStreamOutput {
  return { contentBlockDelta: { contentBlockIndex, delta: value as never } };
}

function blockStop(contentBlockIndex: number): ConverseStreamOutput {
  return { contentBlockStop: { contentBlockIndex } };
}

function assemble(events: readonly ConverseStreamOutput[]) {
  const assembler = new ConverseAssembler();
  for (const event of events) {
    assembler.add(event);
  }
  return assembler.finish();
}

function contentOf(events: readonly ConverseStreamOutput[]) {
  return assemble([START, ...events, STOP]).output?.message?.content;
}

test('text deltas are joined into one text block; role and stop reason come from the message events', () => {
  const response = assemble([START, delta(0, { text: 'Hello, ' }), delta(0, { text: 'world' }), blockStop(0), STOP]);
  expect(response).toEqual({ output: { message: { role: 'assistant', content: [{ text: 'Hello, world' }] } }, stopReason: 'end_turn' });
});

test('several blocks keep their own content, ordered by contentBlockIndex even when their events interleave or arrive out of order', () => {
  expect(contentOf([
    delta(2, { text: 'third' }),
    delta(0, { text: 'fir' }),
    delta(1, { text: 'second' }),
    delta(0, { text: 'st' }),
    blockStop(2), blockStop(0), blockStop(1),
  ])).toEqual([{ text: 'first' }, { text: 'second' }, { text: 'third' }]);
});

test('tool use: id, name and type from the start, input = the chunked JSON pieces joined and parsed', () => {
  expect(contentOf([
    delta(0, { text: 'Let me check.' }),
    { contentBlockStart: { contentBlockIndex: 1, start: { toolUse: { toolUseId: 'tooluse_1', name: 'get_weather', type: 'server_tool_use' } } } },
    delta(1, { toolUse: { input: '{"city": "Par' } }),
    delta(1, { toolUse: { input: 'is", "days": [1,' } }),
    delta(1, { toolUse: { input: ' 2], "units": {"t": "C"}}' } }),
    blockStop(1),
    { contentBlockStart: { contentBlockIndex: 2, start: { toolUse: { toolUseId: 'tooluse_2', name: 'now' } } } },
    delta(2, { toolUse: { input: '{}' } }),
  ])).toEqual([
    { text: 'Let me check.' },
    { toolUse: { toolUseId: 'tooluse_1', name: 'get_weather', type: 'server_tool_use', input: { city: 'Paris', days: [1, 2], units: { t: 'C' } } } },
    { toolUse: { toolUseId: 'tooluse_2', name: 'now', input: {} } },
  ]);
});

test.each([
  ['no input delta at all', []],
  ['an empty input string', [delta(0, { toolUse: { input: '' } })]],
])('a tool use with %s has the input {}', (_case, deltas) => {
  expect(contentOf([
    { contentBlockStart: { contentBlockIndex: 0, start: { toolUse: { toolUseId: 't1', name: 'ping' } } } },
    ...deltas,
    blockStop(0),
  ])).toEqual([{ toolUse: { toolUseId: 't1', name: 'ping', input: {} } }]);
});

test('tool input that is not JSON is a MalformedStream error naming the tool', () => {
  const events = [
    START,
    { contentBlockStart: { contentBlockIndex: 0, start: { toolUse: { toolUseId: 't1', name: 'get_weather' } } } },
    delta(0, { toolUse: { input: '{"city": "Par' } }),
    blockStop(0),
    STOP,
  ];
  expect(() => assemble(events)).toThrow(MalformedStreamError);
  expect(() => assemble(events)).toThrow(/input of tool 'get_weather' \(toolUseId t1, content block 0\) is not valid JSON/);
});

test('reasoning: text pieces joined, with the signature', () => {
  expect(contentOf([
    delta(0, { reasoningContent: { text: 'The user wants ' } }),
    delta(0, { reasoningContent: { text: 'a greeting.' } }),
    delta(0, { reasoningContent: { signature: 'EqQBCkgIARABGAIiQL' } }),
    blockStop(0),
    delta(1, { text: 'Hi!' }),
  ])).toEqual([
    { reasoningContent: { reasoningText: { text: 'The user wants a greeting.', signature: 'EqQBCkgIARABGAIiQL' } } },
    { text: 'Hi!' },
  ]);
});

test('redacted reasoning: the bytes are joined and stay bytes, which the JSON answer renders as base64', () => {
  const content = contentOf([
    delta(0, { reasoningContent: { redactedContent: new Uint8Array([0, 1, 2]) } }),
    delta(0, { reasoningContent: { redactedContent: new Uint8Array([254, 255]) } }),
  ]);
  expect(content).toEqual([{ reasoningContent: { redactedContent: new Uint8Array([0, 1, 2, 254, 255]) } }]);
  expect(content![0].reasoningContent!.redactedContent).toBeInstanceOf(Uint8Array);
  expect(JSON.parse(toJson(content))).toEqual([{ reasoningContent: { redactedContent: Buffer.from([0, 1, 2, 254, 255]).toString('base64') } }]);
});

test('citations: the text and the citation deltas of a block become one citationsContent block', () => {
  const location = { documentChar: { documentIndex: 0, start: 10, end: 42 } };
  expect(contentOf([
    delta(0, { text: 'Paris is the capital' }),
    delta(0, { citation: { title: 'Atlas', source: 'atlas.pdf', sourceContent: [{ text: 'Paris, capital of France' }], location } }),
    delta(0, { text: ' of France.' }),
    delta(0, { citation: { title: 'Almanac', location: { documentPage: { documentIndex: 1, start: 3, end: 3 } } } }),
    blockStop(0),
  ])).toEqual([{
    citationsContent: {
      content: [{ text: 'Paris is the capital of France.' }],
      citations: [
        { title: 'Atlas', source: 'atlas.pdf', sourceContent: [{ text: 'Paris, capital of France' }], location },
        { title: 'Almanac', location: { documentPage: { documentIndex: 1, start: 3, end: 3 } } },
      ],
    },
  }]);
});

test('metadata: every usage field (cache reads and writes included), metrics, trace, performance config and service tier; messageStop extras', () => {
  const usage = { inputTokens: 100, outputTokens: 20, totalTokens: 180, cacheReadInputTokens: 50, cacheWriteInputTokens: 10, cacheDetails: [{ ttl: '5m' as const, inputTokens: 10 }] };
  const trace = { guardrail: { modelOutput: ['checked'] }, promptRouter: { invokedModelId: 'arn:aws:bedrock:eu-west-1::foundation-model/x' } };
  const response = assemble([
    START,
    delta(0, { text: 'ok' }),
    blockStop(0),
    { messageStop: { stopReason: 'max_tokens', additionalModelResponseFields: { stop_sequence: null, extra: [1] } } },
    { metadata: { usage, metrics: { latencyMs: 1234 }, trace, performanceConfig: { latency: 'optimized' }, serviceTier: { type: 'priority' } } },
  ]);
  expect(response).toEqual({
    output: { message: { role: 'assistant', content: [{ text: 'ok' }] } },
    stopReason: 'max_tokens',
    additionalModelResponseFields: { stop_sequence: null, extra: [1] },
    usage,
    metrics: { latencyMs: 1234 },
    trace,
    performanceConfig: { latency: 'optimized' },
    serviceTier: { type: 'priority' },
  });
});

test('tool results and images streamed by the model are assembled too', () => {
  expect(contentOf([
    { contentBlockStart: { contentBlockIndex: 0, start: { toolResult: { toolUseId: 't9', status: 'success' } } } },
    delta(0, { toolResult: [{ text: 'Sunny, ' }] }),
    delta(0, { toolResult: [{ text: '21 C' }, { json: { temperature: 21 } }] }),
    blockStop(0),
    { contentBlockStart: { contentBlockIndex: 1, start: { image: { format: 'png' } } } },
    delta(1, { image: { source: { bytes: new Uint8Array([137, 80]) } } }),
    blockStop(1),
  ])).toEqual([
    { toolResult: { toolUseId: 't9', status: 'success', content: [{ text: 'Sunny, 21 C' }, { json: { temperature: 21 } }] } },
    { image: { format: 'png', source: { bytes: new Uint8Array([137, 80]) } } },
  ]);
});

test('a delta of a kind the SDK does not know is kept, not dropped', () => {
  expect(contentOf([
    delta(0, { $unknown: ['audio', { chunk: 'AAA=' }] }),
    delta(0, { $unknown: ['audio', { chunk: 'BBB=' }] }),
    delta(1, { text: 'after' }),
  ])).toEqual([{ $unknown: ['audio', { deltas: [{ chunk: 'AAA=' }, { chunk: 'BBB=' }] }] }, { text: 'after' }]);
});

test('a block that mixes kinds, or a delta without a block index, is a MalformedStream error', () => {
  const assembler = new ConverseAssembler();
  assembler.add(delta(0, { text: 'hi' }));
  expect(() => assembler.add(delta(0, { toolUse: { input: '{}' } }))).toThrow(/content block 0 mixes text and toolUse/);
  expect(() => new ConverseAssembler().add({ contentBlockDelta: { contentBlockIndex: undefined, delta: { text: 'x' } } })).toThrow(MalformedStreamError);
});

test('a stream without messageStop is incomplete, whatever else it carried', () => {
  const assembler = new ConverseAssembler();
  assembler.add(START);
  assembler.add(delta(0, { text: 'half an answ' }));
  expect(() => assembler.finish()).toThrow(IncompleteStreamError);
  expect(() => assembler.finish()).toThrow(/before the message was complete/);
  expect(() => new ConverseAssembler().finish()).toThrow(IncompleteStreamError);
});

test('an exception member yielded as an event is thrown under its exception name', () => {
  const assembler = new ConverseAssembler();
  expect(() => assembler.add({ throttlingException: { name: 'ThrottlingException', $fault: 'client', message: 'slow down' } as never })).toThrow(
    expect.objectContaining({ name: 'ThrottlingException', message: 'slow down' }),
  );
});
