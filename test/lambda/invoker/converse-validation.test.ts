/**
 * The whole Converse body is checked against the AWS SDK's own model before any call: what the SDK
 * cannot serialise, or would send with a wrong type, is a 400 naming the JSON path; what it can is
 * accepted and reaches Bedrock unchanged.
 */
import { converseBody, send, testConfig, useSharedRig } from './invoker-harness';
import { converseRequestFields } from '../../../lambda/invoker/http/converse-schema';
import type { ConverseOperation } from '../../../lambda/invoker/http/converse-schema';
import { validateConverseBody } from '../../../lambda/invoker/http/request-validation';
import { INVOKER_HEADERS } from '../../../lib/shared/invoker-config';

const config = testConfig();
const [PRIMARY_PROFILE, OTHER_PROFILE] = config.profileIds;
const CONTENT_BLOCK_MEMBERS = 'text, image, document, video, audio, toolUse, toolResult, guardContent, cachePoint, reasoningContent, citationsContent, searchResult, toolAddition, toolRemoval';
const BYTES = Buffer.from('%PDF-1.7 fake bytes');
const B64 = BYTES.toString('base64');

type Json = Record<string, unknown>;

function validate(body: Json | string, operation: ConverseOperation = 'converse', query: Record<string, string> = {}) {
  const text = typeof body === 'string' ? body : JSON.stringify(body);
  return validateConverseBody({ body: Buffer.from(text), query }, operation, config);
}

function problemOf(body: Json | string, operation: ConverseOperation = 'converse', query: Record<string, string> = {}) {
  const result = validate(body, operation, query);
  if (result.ok) {
    throw new Error(`expected ${JSON.stringify(body)} to be refused`);
  }
  return result.problem;
}

/** The value at `path` inside parsed JSON. */
function at(value: unknown, ...path: Array<string | number>): unknown {
  return path.reduce<unknown>((node, key) => (node as Record<string | number, unknown>)[key], value);
}

const user = (...content: unknown[]) => ({ role: 'user', content });
const assistant = (...content: unknown[]) => ({ role: 'assistant', content });
const hello = (extra: Json = {}): Json => ({ messages: [user({ text: 'hi' })], ...extra });
const poison = { $unknown: [] };

describe.each(['converse', 'converse-stream'] as const)('%s: every union refuses $unknown, naming where', (operation) => {
  test.each<[string, Json, string]>([
    ['messages content', { messages: [user(poison)] }, `messages[0].content[0] must set exactly one of ${CONTENT_BLOCK_MEMBERS}; got "$unknown"`],
    ['system', hello({ system: [{ text: 'be brief' }, poison] }), 'system[1] must set exactly one of text, guardContent, cachePoint; got "$unknown"'],
    ['toolConfig.tools', hello({ toolConfig: { tools: [poison] } }), 'toolConfig.tools[0] must set exactly one of toolSpec, systemTool, cachePoint; got "$unknown"'],
    ['toolConfig.toolChoice', hello({ toolConfig: { tools: [], toolChoice: { $unknown: ['auto', {}] } } }), 'toolConfig.toolChoice must set exactly one of auto, any, tool; got "$unknown"'],
    ['tool result content', { messages: [user({ toolResult: { toolUseId: 't1', content: [{ text: 'ok' }, poison] } })] }, 'messages[0].content[0].toolResult.content[1] must set exactly one of json, text, image, document, video, searchResult; got "$unknown"'],
    ['document source', { messages: [user({ document: { name: 'd', format: 'pdf', source: poison } })] }, 'messages[0].content[0].document.source must set exactly one of bytes, s3Location, text, content; got "$unknown"'],
    ['image source', { messages: [user({ image: { format: 'png', source: poison } })] }, 'messages[0].content[0].image.source must set exactly one of bytes, s3Location; got "$unknown"'],
    ['guard content', { messages: [user({ guardContent: poison })] }, 'messages[0].content[0].guardContent must set exactly one of text, image; got "$unknown"'],
    ['reasoning content', { messages: [assistant({ reasoningContent: poison })] }, 'messages[0].content[0].reasoningContent must set exactly one of reasoningText, redactedContent; got "$unknown"'],
    ['a prompt variable', hello({ promptVariables: { topic: poison } }), 'promptVariables.topic must set exactly one of text; got "$unknown"'],
  ])('%s', (_place, body, message) => {
    expect(problemOf(body, operation)).toEqual({ status: 400, code: 'InvalidRequest', message });
  });
});

describe('wrong values inside fields are a 400 naming the path, what was expected and what came', () => {
  test.each<[string, Json, string]>([
    ['maxTokens "twenty"', hello({ inferenceConfig: { maxTokens: 'twenty' } }), 'inferenceConfig.maxTokens must be a number, got a string'],
    ['text 5', { messages: [user({ text: 5 })] }, 'messages[0].content[0].text must be a string, got a number'],
    ['temperature "hot"', hello({ inferenceConfig: { temperature: 'hot' } }), 'inferenceConfig.temperature must be a number, got a string'],
    ['stopSequences [1]', hello({ inferenceConfig: { stopSequences: [1] } }), 'inferenceConfig.stopSequences[0] must be a string, got a number'],
    ['stopSequences "END"', hello({ inferenceConfig: { stopSequences: 'END' } }), 'inferenceConfig.stopSequences must be an array, got a string'],
    ['citations.enabled "yes"', { messages: [user({ document: { name: 'd', format: 'pdf', source: { bytes: B64 }, citations: { enabled: 'yes' } } })] }, 'messages[0].content[0].document.citations.enabled must be true or false, got a string'],
    ['a string content block', { messages: [user('hello')] }, `messages[0].content[0] must be a JSON object (ContentBlock) setting exactly one of ${CONTENT_BLOCK_MEMBERS}, got a string`],
    ['inferenceConfig 3', hello({ inferenceConfig: 3 }), 'inferenceConfig must be a JSON object (InferenceConfiguration) with members maxTokens, temperature, topP, stopSequences, got a number'],
    ['requestMetadata value 1', hello({ requestMetadata: { team: 1 } }), 'requestMetadata.team must be a string, got a number'],
    ['a map key that is not an identifier', hello({ promptVariables: { 'my topic': { text: 7 } } }), 'promptVariables["my topic"].text must be a string, got a number'],
    ['an empty content block', { messages: [user({})] }, `messages[0].content[0] must set exactly one of ${CONTENT_BLOCK_MEMBERS}; got none`],
    ['two members of a union', { messages: [user({ text: 'a', image: { format: 'png', source: { bytes: B64 } } })] }, `messages[0].content[0] must set exactly one of ${CONTENT_BLOCK_MEMBERS}; got "text", "image"`],
    ['toolSpec without name', hello({ toolConfig: { tools: [{ toolSpec: { inputSchema: { json: {} } } }] } }), 'toolConfig.tools[0].toolSpec is missing the required member "name" (ToolSpecification requires name, inputSchema)'],
    ['toolUse without input', { messages: [assistant({ toolUse: { toolUseId: 't', name: 'n' } })] }, 'messages[0].content[0].toolUse is missing the required member "input" (ToolUseBlock requires toolUseId, name, input)'],
    ['a message without content', { messages: [{ role: 'user' }] }, 'messages[0] is missing the required member "content" (Message requires role, content)'],
    ['a number out of range (1e400 parses as Infinity)', '{"messages":[{"role":"user","content":[{"text":"hi"}]}],"inferenceConfig":{"topP":1e400}}' as unknown as Json, 'inferenceConfig.topP must be a number, got a number out of range'],
  ])('%s', (_case, body, message) => {
    expect(problemOf(body)).toEqual({ status: 400, code: 'InvalidRequest', message });
  });

  test.each<[string, Json, string]>([
    ['top-level system', hello({ system: null }), 'system must be an array, got null'],
    ['a text', { messages: [user({ text: null })] }, 'messages[0].content[0].text must be a string, got null'],
    ['a document member', { messages: [assistant({ toolUse: { toolUseId: 't', name: 'n', input: null } })] }, 'messages[0].content[0].toolUse.input must be a JSON value, got null'],
    ['a union member beside another', { messages: [user({ text: 'a', image: null })] }, `messages[0].content[0] must set exactly one of ${CONTENT_BLOCK_MEMBERS}; got "text", "image"`],
  ])('null is not a value: %s', (_case, body, message) => {
    expect(problemOf(body).message).toBe(message);
  });

  test('"modelId": null still means "not given"; null inside a document is JSON like any other', () => {
    const result = validate(hello({ modelId: null, additionalModelRequestFields: { top_k: null, list: [null] } }));
    const additionalModelRequestFields = { top_k: null, list: [null] };
    expect(result).toMatchObject({ ok: true, value: { modelId: PRIMARY_PROFILE, input: { additionalModelRequestFields } } });
  });

  test('an unknown member of a nested structure is an UnknownField naming it and the allowed members', () => {
    expect(problemOf(hello({ inferenceConfig: { maxToken: 5 } }))).toEqual({
      status: 400,
      code: 'UnknownField',
      message: 'inferenceConfig has no member "maxToken"; InferenceConfiguration allows maxTokens, temperature, topP, stopSequences',
    });
    expect(problemOf({ messages: [user({ image: { format: 'png', source: { bytes: B64 }, $unknown: 1 } })] }).message)
      .toBe('messages[0].content[0].image has no member "$unknown"; ImageBlock allows format, source, error');
  });

  test('quoted client text is capped', () => {
    const longKey = 'k'.repeat(500);
    const unknown = problemOf(hello({ inferenceConfig: { [longKey]: 1 } }));
    expect(unknown.message).toContain(`"${'k'.repeat(76)}...`);
    expect(unknown.message.length).toBeLessThan(250);
    const many = problemOf({ messages: [user(Object.fromEntries(Array.from({ length: 50 }, (_, index) => [`member${index}`, 1])))] });
    expect(many.message.length).toBeLessThan(400);
  });

  test('"__proto__" is an ordinary key: unknown in a union, and a map may use it', () => {
    expect(problemOf('{"messages":[{"role":"user","content":[{"__proto__":{"text":"x"}}]}]}').message).toContain('got "__proto__"');
    const result = validate('{"messages":[{"role":"user","content":[{"text":"hi"}]}],"promptVariables":{"__proto__":{"text":"x"}}}');
    expect(result.ok && Object.keys(result.value.input.promptVariables as object)).toEqual(['__proto__']);
  });
});

describe('blobs: base64 text in JSON, bytes for the SDK', () => {
  test.each(['***', 'AAA', 'AA=A', 'A===', '=AAA', 'AB-_', 'AAAA ', 'AA\nA', 'éAAA'])('%j is refused wherever a blob is', (text) => {
    expect(problemOf({ messages: [user({ image: { format: 'png', source: { bytes: text } } })] }))
      .toEqual({ status: 400, code: 'InvalidRequest', message: 'messages[0].content[0].image.source.bytes must be base64-encoded bytes, got a string that is not base64' });
    expect(problemOf({ messages: [assistant({ reasoningContent: { redactedContent: text } })] }).message)
      .toBe('messages[0].content[0].reasoningContent.redactedContent must be base64-encoded bytes, got a string that is not base64');
    expect(problemOf({ messages: [user({ guardContent: { image: { format: 'png', source: { bytes: text } } } })] }).message)
      .toBe('messages[0].content[0].guardContent.image.source.bytes must be base64-encoded bytes, got a string that is not base64');
  });

  test('a blob given as something else than a string', () => {
    expect(problemOf({ messages: [user({ document: { name: 'd', format: 'pdf', source: { bytes: [1, 2] } } })] }).message)
      .toBe('messages[0].content[0].document.source.bytes must be base64-encoded bytes (a string), got an array');
  });

  test('every blob is decoded: image, document, tool-result image, guard image, redacted reasoning', () => {
    const result = validate(RICH_BODIES.find(([name]) => name === 'every blob')![1]);
    expect(result.ok).toBe(true);
    const messages = result.ok ? result.value.input.messages : [];
    const blobs = [
      at(messages, 0, 'content', 0, 'image', 'source', 'bytes'),
      at(messages, 0, 'content', 1, 'document', 'source', 'bytes'),
      at(messages, 0, 'content', 2, 'toolResult', 'content', 0, 'image', 'source', 'bytes'),
      at(messages, 0, 'content', 3, 'guardContent', 'image', 'source', 'bytes'),
      at(messages, 1, 'content', 0, 'reasoningContent', 'redactedContent'),
    ];
    for (const blob of blobs) {
      expect(blob).toBeInstanceOf(Uint8Array);
      expect(Buffer.from(blob as Uint8Array).equals(BYTES)).toBe(true);
    }
  });
});

/** Valid bodies that use every part of the model; each must be accepted and reach Bedrock unchanged. */
const RICH_BODIES: ReadonlyArray<readonly [string, Json]> = [
  ['tool use with JSON input, tool result with json, text and image', {
    messages: [
      user({ text: 'Weather in Paris?' }),
      assistant({ text: 'Checking.' }, { toolUse: { toolUseId: 'tool-1', name: 'weather', input: { city: 'Paris', days: [1, 2], units: null } } }),
      user({ toolResult: { toolUseId: 'tool-1', status: 'success', content: [{ json: { temperature: 21, sky: ['clear'] } }, { text: 'sunny' }, { image: { format: 'png', source: { bytes: B64 } } }] } }),
    ],
    toolConfig: {
      tools: [{ toolSpec: { name: 'weather', description: 'forecast', inputSchema: { json: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] } } } }, { cachePoint: { type: 'default' } }],
      toolChoice: { auto: {} },
    },
  }],
  ['toolChoice any', hello({ toolConfig: { tools: [{ toolSpec: { name: 't', inputSchema: { json: {} } } }], toolChoice: { any: {} } } })],
  ['toolChoice tool', hello({ toolConfig: { tools: [{ toolSpec: { name: 't', inputSchema: { json: {} }, strict: true } }], toolChoice: { tool: { name: 't' } } } })],
  ['every blob', {
    messages: [
      user(
        { image: { format: 'png', source: { bytes: B64 } } },
        { document: { name: 'report', format: 'pdf', source: { bytes: B64 }, citations: { enabled: true } } },
        { toolResult: { toolUseId: 't', content: [{ image: { format: 'jpeg', source: { bytes: B64 } } }] } },
        { guardContent: { image: { format: 'png', source: { bytes: B64 } } } },
      ),
      assistant({ reasoningContent: { redactedContent: B64 } }, { reasoningContent: { reasoningText: { text: 'thinking', signature: 'sig' } } }, { text: 'done' }),
      user({ text: 'go on' }),
    ],
  }],
  ['documents from text and content, images and video from S3, guarded text, a cache point', {
    messages: [user(
      { document: { name: 'notes', format: 'txt', source: { text: 'plain notes' } } },
      { document: { name: 'chunks', format: 'txt', source: { content: [{ text: 'one' }, { text: 'two' }] } } },
      { image: { format: 'png', source: { s3Location: { uri: 's3://bucket/key.png', bucketOwner: '123456789012' } } } },
      { video: { format: 'mp4', source: { s3Location: { uri: 's3://bucket/clip.mp4' } } } },
      { guardContent: { text: { text: 'check this', qualifiers: ['guard_content'] } } },
      { cachePoint: { type: 'default' } },
    )],
  }],
  ['system with text, guard content and a cache point; inference and guardrail config', hello({
    system: [{ text: 'You are terse.' }, { guardContent: { text: { text: 'policy' } } }, { cachePoint: { type: 'default' } }],
    inferenceConfig: { maxTokens: 512, temperature: 0.2, topP: 0.9, stopSequences: ['END', '\n\nHuman:'] },
    guardrailConfig: { guardrailIdentifier: 'gr-1', guardrailVersion: '1', trace: 'enabled' },
  })],
  ['any JSON in additionalModelRequestFields, prompt variables, request metadata and the rest', {
    modelId: OTHER_PROFILE,
    messages: [user({ text: 'hi' })],
    additionalModelRequestFields: { top_k: 5, thinking: { type: 'enabled', budget_tokens: 1024 }, list: [1, 'two', null, [true]], nothing: null },
    additionalModelResponseFieldPaths: ['/stop_sequence'],
    promptVariables: { topic: { text: 'cats' } },
    requestMetadata: { 'team': 'search', 'cost-centre': '42' },
    performanceConfig: { latency: 'optimized' },
    serviceTier: { type: 'priority' },
    outputConfig: { textFormat: { type: 'json_schema', structure: { jsonSchema: { schema: '{"type":"object"}', name: 'answer' } } } },
  }],
];

describe('valid rich bodies are accepted', () => {
  test.each(RICH_BODIES)('%s', (_name, body) => {
    for (const operation of ['converse', 'converse-stream'] as const) {
      const result = validate(body, operation);
      expect(result.ok ? result.value.modelId : result.problem).toBe(body.modelId ?? PRIMARY_PROFILE);
    }
  });

  test('the allowed top-level fields are the SDK model\'s members', () => {
    expect(converseRequestFields('converse')).toEqual(expect.arrayContaining(['modelId', 'messages', 'system', 'inferenceConfig', 'toolConfig', 'outputConfig']));
    expect(problemOf(hello({ prompt: 'x' })).message).toBe(`field "prompt" is not a Converse request field; allowed fields: ${converseRequestFields('converse').join(', ')}`);
  });
});

describe('modelId from the query string', () => {
  test.each<[string, Json, Record<string, string>, string]>([
    ['query only', hello(), { modelId: OTHER_PROFILE }, OTHER_PROFILE],
    ['body only', hello({ modelId: OTHER_PROFILE }), {}, OTHER_PROFILE],
    ['both, the same', hello({ modelId: OTHER_PROFILE }), { modelId: OTHER_PROFILE }, OTHER_PROFILE],
    ['an empty query value means not given', hello({ modelId: OTHER_PROFILE }), { modelId: '' }, OTHER_PROFILE],
    ['neither: the default', hello(), {}, PRIMARY_PROFILE],
  ])('%s', (_case, body, query, expected) => {
    for (const operation of ['converse', 'converse-stream'] as const) {
      expect(validate(body, operation, query)).toMatchObject({ ok: true, value: { modelId: expected } });
    }
  });

  test('both given and different is a 400; an unknown query value is UnknownModelId', () => {
    expect(problemOf(hello({ modelId: PRIMARY_PROFILE }), 'converse-stream', { modelId: OTHER_PROFILE })).toEqual({
      status: 400,
      code: 'ConflictingModelId',
      message: `the body asks for modelId "${PRIMARY_PROFILE}" but the query string for "${OTHER_PROFILE}"; give it once, in either place`,
    });
    expect(problemOf(hello(), 'converse', { modelId: 'us.other' })).toMatchObject({ status: 400, code: 'UnknownModelId' });
  });
});

describe('through the handler, against the fake Bedrock', () => {
  const shared = useSharedRig({ breakerFailureThreshold: 2 });

  const POISON: ReadonlyArray<readonly [string, string]> = [
    ['content', JSON.stringify({ messages: [user(poison)] })],
    ['system', converseBody({ system: [poison] })],
    ['tools', converseBody({ toolConfig: { tools: [poison] } })],
    ['toolChoice', converseBody({ toolConfig: { tools: [], toolChoice: poison } })],
    ['tool result', JSON.stringify({ messages: [user({ toolResult: { toolUseId: 't', content: [poison] } })] })],
    ['document source', JSON.stringify({ messages: [user({ document: { name: 'd', format: 'pdf', source: poison } })] })],
  ];

  test.each(['/converse', '/converse-stream'])('%s: poison bodies are a 400 naming the field; no call, no open circuit; then the primary serves', async (path) => {
    for (let round = 0; round < 10; round++) {
      for (const [, body] of POISON) {
        const answer = await send(shared.rig.server.url, 'POST', path, body);
        expect(answer.status).toBe(400);
        expect(answer.json).toEqual({ error: 'InvalidRequest', message: expect.stringMatching(/^\S+ must set exactly one of .*; got "\$unknown"$/) });
      }
    }
    const named = await send(shared.rig.server.url, 'POST', path, POISON[0][1]);
    expect(named.json.message).toContain('messages[0].content[0] must set exactly one of text, image');
    expect(shared.fake.calls).toHaveLength(0);
    const health = await send(shared.rig.server.url, 'GET', '/health');
    expect(health.json.circuits).toEqual(config.regionPlan.map((region) => ({ region, state: 'closed', consecutiveFailures: 0 })));

    const valid = await send(shared.rig.server.url, 'POST', path, converseBody());
    expect(valid.status).toBe(200);
    expect(valid.headers[INVOKER_HEADERS.servedRegion]).toBe('eu-west-1');
    expect(valid.headers[INVOKER_HEADERS.attempts]).toBe('1');
    expect(shared.fake.regionsCalled()).toEqual(['eu-west-1']);
  });

  test('wrong nested types never reach Bedrock', async () => {
    for (const body of [converseBody({ inferenceConfig: { maxTokens: 'twenty' } }), JSON.stringify({ messages: [user({ text: 5 })] })]) {
      const answer = await send(shared.rig.server.url, 'POST', '/converse', body);
      expect(answer.status).toBe(400);
      expect(answer.json.message).toMatch(/^(inferenceConfig\.maxTokens|messages\[0\]\.content\[0\]\.text) must be a/);
    }
    expect(shared.fake.calls).toHaveLength(0);
  });

  test('?modelId= is honoured on /converse and /converse-stream', async () => {
    for (const path of ['/converse', '/converse-stream']) {
      const answer = await send(shared.rig.server.url, 'POST', `${path}?modelId=${encodeURIComponent(OTHER_PROFILE)}`, converseBody());
      expect(answer.status).toBe(200);
      expect(answer.headers[INVOKER_HEADERS.profile]).toBe(OTHER_PROFILE);
    }
    expect(shared.fake.calls.map((call) => call.modelId)).toEqual([OTHER_PROFILE, OTHER_PROFILE]);
    const conflict = await send(shared.rig.server.url, 'POST', `/converse?modelId=${encodeURIComponent(OTHER_PROFILE)}`, converseBody({ modelId: PRIMARY_PROFILE }));
    expect(conflict.status).toBe(400);
    expect(conflict.json.error).toBe('ConflictingModelId');
  });

  test.each(RICH_BODIES)('the SDK serialises "%s" and Bedrock receives exactly what the client sent', async (_name, body) => {
    for (const path of ['/converse', '/converse-stream']) {
      shared.fake.reset();
      const answer = await send(shared.rig.server.url, 'POST', path, JSON.stringify(body));
      expect(answer.status).toBe(200);
      const { modelId, ...sent } = body;
      expect(shared.fake.calls.map((call) => call.modelId)).toEqual([modelId ?? PRIMARY_PROFILE]);
      expect(JSON.parse(shared.fake.calls[0].body.toString('utf8'))).toEqual(sent);
    }
  });
});
