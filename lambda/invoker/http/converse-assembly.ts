/* eslint-disable import/no-extraneous-dependencies -- types of the SDK the handler bundles with esbuild */
import type {
  Citation,
  ContentBlock,
  ContentBlockDelta,
  ContentBlockStart,
  ConversationRole,
  ConverseResponse,
  ConverseStreamMetadataEvent,
  ConverseStreamOutput,
  ImageBlockDelta,
  ImageBlockStart,
  MessageStopEvent,
  ToolResultBlockDelta,
  ToolResultBlockStart,
  ToolResultContentBlock,
  ToolUseBlock,
  ToolUseBlockStart,
} from '@aws-sdk/client-bedrock-runtime';

/** The region ended the event stream cleanly but before `messageStop`: the answer is cut short. */
export class IncompleteStreamError extends Error {
  public constructor() {
    super('the region ended the stream before the message was complete (no messageStop)');
    this.name = 'IncompleteStream';
  }
}

/** The region's event stream cannot be turned into a Converse answer (for example tool input that is not JSON). */
export class MalformedStreamError extends Error {
  public constructor(message: string) {
    super(message);
    this.name = 'MalformedStream';
  }
}

/** In-stream exception members of {@link ConverseStreamOutput}, by the exception name the SDK would throw. */
const EXCEPTION_MEMBERS: Readonly<Record<string, string>> = {
  internalServerException: 'InternalServerException',
  modelStreamErrorException: 'ModelStreamErrorException',
  validationException: 'ValidationException',
  throttlingException: 'ThrottlingException',
  serviceUnavailableException: 'ServiceUnavailableException',
};

type BlockKind = 'text' | 'citations' | 'toolUse' | 'toolResult' | 'image' | 'reasoning' | 'unknown';

/** What one content block (one `contentBlockIndex`) has received so far. */
interface BlockState {
  kind?: BlockKind;
  /** Text of a text, citations or reasoning block. */
  text: string;
  toolUseStart?: ToolUseBlockStart;
  toolInput: string;
  toolResultStart?: ToolResultBlockStart;
  toolResult: ToolResultContentBlock[];
  imageStart?: ImageBlockStart;
  image?: ImageBlockDelta;
  signature?: string;
  redacted: Uint8Array[];
  citations: Citation[];
  unknown?: { name: string; start?: unknown; deltas: unknown[] };
}

/**
 * Rebuilds the answer Converse would have returned from the events of a ConverseStream call, so
 * `/converse` can be served by ConverseStream (whose first event shows quickly whether a region is alive)
 * and still answer with a Converse response. Pure: feed it every event with {@link add}, then call
 * {@link finish}.
 *
 * Content blocks are ordered by `contentBlockIndex`, whatever order their events arrive in; a block is
 * made of its `contentBlockStart` (if any) and its deltas:
 * - text deltas → `{ text }` (the pieces joined);
 * - a `toolUse` start and its input deltas → `{ toolUse: { toolUseId, name, type?, input } }`, `input`
 *   being the pieces joined and parsed as JSON (no pieces or an empty string: `{}`; not JSON:
 *   {@link MalformedStreamError});
 * - reasoning deltas → `{ reasoningContent: { reasoningText: { text, signature? } } }`, or
 *   `{ reasoningContent: { redactedContent } }` with the redacted bytes joined (they stay a `Uint8Array`;
 *   the JSON answer writer renders them as base64, as Converse's own answer would be);
 * - text deltas with citation deltas → ONE `{ citationsContent: { content: [{ text }], citations } }`:
 *   the stream interleaves the generated text and its citations in one block, and Converse pairs them the
 *   same way (generated content plus the citations that support it), so the whole text becomes one
 *   content item and the citations keep their arrival order;
 * - a `toolResult` start and its deltas → `{ toolResult: { toolUseId, content, status?, type? } }`
 *   (adjacent text pieces joined, each JSON piece one item);
 * - an `image` start and its deltas → `{ image: { format, source, error? } }` (later fields win);
 * - a start or delta of a kind this SDK does not know → `{ $unknown: [name, { start?, deltas }] }`: kept, not dropped.
 *
 * A block that mixes kinds (for example text and tool input) is a {@link MalformedStreamError}; a block
 * that received nothing but its stop is left out. `stopReason` and `additionalModelResponseFields` come
 * from `messageStop`; `usage` (every token field), `metrics`, `trace`, `performanceConfig` and
 * `serviceTier` from `metadata`. An in-stream exception sent as an event is thrown as that exception
 * (events of a kind the SDK does not know never arrive: it drops them).
 */
export class ConverseAssembler {
  private role: ConversationRole | undefined;
  private readonly blocks = new Map<number, BlockState>();
  private stop: MessageStopEvent | undefined;
  private metadata: ConverseStreamMetadataEvent | undefined;

  /** Takes one stream event. Throws {@link MalformedStreamError} for an event that cannot belong to the answer. */
  public add(event: ConverseStreamOutput): void {
    if (event.messageStart !== undefined) {
      this.role = event.messageStart.role;
    } else if (event.contentBlockStart !== undefined) {
      const index = blockIndex(event.contentBlockStart.contentBlockIndex, 'contentBlockStart');
      this.applyStart(index, this.block(index), event.contentBlockStart.start);
    } else if (event.contentBlockDelta !== undefined) {
      const index = blockIndex(event.contentBlockDelta.contentBlockIndex, 'contentBlockDelta');
      this.applyDelta(index, this.block(index), event.contentBlockDelta.delta);
    } else if (event.contentBlockStop !== undefined) {
      this.block(blockIndex(event.contentBlockStop.contentBlockIndex, 'contentBlockStop'));
    } else if (event.messageStop !== undefined) {
      this.stop = event.messageStop;
    } else if (event.metadata !== undefined) {
      this.metadata = event.metadata;
    } else {
      throwIfException(event);
    }
  }

  /**
   * The Converse response. Throws {@link IncompleteStreamError} before `messageStop`, and
   * {@link MalformedStreamError} when a tool's input is not JSON.
   */
  public finish(): ConverseResponse {
    if (this.stop === undefined) {
      throw new IncompleteStreamError();
    }
    const content: ContentBlock[] = [];
    for (const index of [...this.blocks.keys()].sort((a, b) => a - b)) {
      const block = toContentBlock(index, this.blocks.get(index)!);
      if (block !== undefined) {
        content.push(block);
      }
    }
    const { stopReason, additionalModelResponseFields } = this.stop;
    const { usage, metrics, trace, performanceConfig, serviceTier } = this.metadata ?? {};
    return {
      output: { message: { role: this.role ?? 'assistant', content } },
      stopReason,
      usage,
      metrics,
      ...(additionalModelResponseFields === undefined ? {} : { additionalModelResponseFields }),
      ...(trace === undefined ? {} : { trace }),
      ...(performanceConfig === undefined ? {} : { performanceConfig }),
      ...(serviceTier === undefined ? {} : { serviceTier }),
    };
  }

  private block(index: number): BlockState {
    let block = this.blocks.get(index);
    if (block === undefined) {
      block = { text: '', toolInput: '', toolResult: [], redacted: [], citations: [] };
      this.blocks.set(index, block);
    }
    return block;
  }

  private applyStart(index: number, block: BlockState, start: ContentBlockStart | undefined): void {
    if (start?.toolUse !== undefined) {
      setKind(index, block, 'toolUse');
      block.toolUseStart = start.toolUse;
    } else if (start?.toolResult !== undefined) {
      setKind(index, block, 'toolResult');
      block.toolResultStart = start.toolResult;
    } else if (start?.image !== undefined) {
      setKind(index, block, 'image');
      block.imageStart = start.image;
    } else if (start?.$unknown !== undefined) {
      setKind(index, block, 'unknown');
      const [name, value] = start.$unknown;
      block.unknown = { name, start: value, deltas: block.unknown?.deltas ?? [] };
    }
  }

  private applyDelta(index: number, block: BlockState, delta: ContentBlockDelta | undefined): void {
    if (delta?.text !== undefined) {
      setKind(index, block, block.kind === 'citations' ? 'citations' : 'text');
      block.text += delta.text;
    } else if (delta?.citation !== undefined) {
      setKind(index, block, 'citations');
      const { sourceContent, ...rest } = delta.citation;
      block.citations.push({ ...rest, ...(sourceContent === undefined ? {} : { sourceContent: sourceContent.map((piece) => ({ text: piece.text ?? '' })) }) });
    } else if (delta?.toolUse !== undefined) {
      setKind(index, block, 'toolUse');
      block.toolInput += delta.toolUse.input ?? '';
    } else if (delta?.reasoningContent !== undefined) {
      const reasoning = delta.reasoningContent;
      if (reasoning.$unknown !== undefined) {
        this.applyUnknown(index, block, [`reasoningContent.${reasoning.$unknown[0]}`, reasoning.$unknown[1]]);
        return;
      }
      setKind(index, block, 'reasoning');
      block.text += reasoning.text ?? '';
      if (reasoning.signature !== undefined) {
        block.signature = (block.signature ?? '') + reasoning.signature;
      }
      if (reasoning.redactedContent !== undefined) {
        block.redacted.push(reasoning.redactedContent);
      }
    } else if (delta?.toolResult !== undefined) {
      setKind(index, block, 'toolResult');
      appendToolResult(block.toolResult, delta.toolResult);
    } else if (delta?.image !== undefined) {
      setKind(index, block, 'image');
      block.image = { ...block.image, ...delta.image };
    } else if (delta?.$unknown !== undefined) {
      this.applyUnknown(index, block, delta.$unknown);
    }
  }

  private applyUnknown(index: number, block: BlockState, [name, value]: [string, unknown]): void {
    setKind(index, block, 'unknown');
    block.unknown ??= { name, deltas: [] };
    block.unknown.deltas.push(value);
  }
}

function blockIndex(index: number | undefined, eventName: string): number {
  if (index === undefined || !Number.isInteger(index) || index < 0) {
    throw new MalformedStreamError(`the region sent a ${eventName} event without a valid contentBlockIndex (${String(index)})`);
  }
  return index;
}

/** Records what kind a block is; text followed by citations makes a citations block. Any other mix is malformed. */
function setKind(index: number, block: BlockState, kind: BlockKind): void {
  if (block.kind === undefined || block.kind === kind || (block.kind === 'text' && kind === 'citations')) {
    block.kind = kind;
    return;
  }
  throw new MalformedStreamError(`content block ${index} mixes ${block.kind} and ${kind} events`);
}

function appendToolResult(content: ToolResultContentBlock[], pieces: readonly ToolResultBlockDelta[]): void {
  for (const piece of pieces) {
    const last = content.at(-1);
    if (piece.text !== undefined && last?.text !== undefined) {
      content[content.length - 1] = { text: last.text + piece.text };
    } else if (piece.text !== undefined) {
      content.push({ text: piece.text });
    } else if (piece.json !== undefined) {
      content.push({ json: piece.json });
    } else if (piece.$unknown !== undefined) {
      content.push({ $unknown: piece.$unknown });
    }
  }
}

function toContentBlock(index: number, block: BlockState): ContentBlock | undefined {
  switch (block.kind) {
    case undefined:
      return undefined;
    case 'text':
      return { text: block.text };
    case 'citations':
      return { citationsContent: { content: [{ text: block.text }], citations: block.citations } };
    case 'toolUse': {
      const start = block.toolUseStart;
      if (start === undefined) {
        throw new MalformedStreamError(`content block ${index} has tool input but no toolUse contentBlockStart (no toolUseId or name)`);
      }
      return {
        toolUse: {
          toolUseId: start.toolUseId,
          name: start.name,
          ...(start.type === undefined ? {} : { type: start.type }),
          input: parseToolInput(index, start, block.toolInput),
        },
      };
    }
    case 'reasoning':
      if (block.redacted.length > 0) {
        if (block.text !== '' || block.signature !== undefined) {
          throw new MalformedStreamError(`content block ${index} mixes redacted and readable reasoning`);
        }
        return { reasoningContent: { redactedContent: concatBytes(block.redacted) } };
      }
      return { reasoningContent: { reasoningText: { text: block.text, ...(block.signature === undefined ? {} : { signature: block.signature }) } } };
    case 'toolResult': {
      const start = block.toolResultStart;
      return {
        toolResult: {
          toolUseId: start?.toolUseId,
          content: block.toolResult,
          ...(start?.status === undefined ? {} : { status: start.status }),
          ...(start?.type === undefined ? {} : { type: start.type }),
        },
      };
    }
    case 'image': {
      const error = block.image?.error;
      return { image: { format: block.imageStart?.format, source: block.image?.source, ...(error === undefined ? {} : { error }) } };
    }
    case 'unknown': {
      const { name, start, deltas } = block.unknown!;
      return { $unknown: [name, { ...(start === undefined ? {} : { start }), deltas }] };
    }
  }
}

function concatBytes(pieces: readonly Uint8Array[]): Uint8Array {
  if (pieces.length === 1) {
    return pieces[0];
  }
  const joined = new Uint8Array(pieces.reduce((total, piece) => total + piece.byteLength, 0));
  let offset = 0;
  for (const piece of pieces) {
    joined.set(piece, offset);
    offset += piece.byteLength;
  }
  return joined;
}

function parseToolInput(index: number, start: ToolUseBlockStart, input: string): ToolUseBlock['input'] {
  if (input.trim() === '') {
    return {};
  }
  try {
    return JSON.parse(input) as ToolUseBlock['input'];
  } catch (error) {
    throw new MalformedStreamError(
      `the input of tool '${start.name}' (toolUseId ${start.toolUseId}, content block ${index}) is not valid JSON: ${(error as Error).message}`,
    );
  }
}

/**
 * An exception the region sent as an ordinary event (the SDK yields it as a union member instead of
 * throwing, as it does for an exception message): thrown, as the SDK's error or under its exception name.
 */
function throwIfException(event: ConverseStreamOutput): void {
  for (const [member, name] of Object.entries(EXCEPTION_MEMBERS)) {
    const exception = (event as unknown as Record<string, { message?: string } | undefined>)[member];
    if (exception instanceof Error) {
      throw exception;
    }
    if (exception !== undefined) {
      throw Object.assign(new Error(exception.message ?? name), { name });
    }
  }
}
