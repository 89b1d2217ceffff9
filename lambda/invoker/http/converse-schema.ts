/* eslint-disable import/no-extraneous-dependencies -- bundled into the handler by esbuild */
import { ConverseRequest$, ConverseStreamRequest$ } from '@aws-sdk/client-bedrock-runtime';
import { NormalizedSchema } from '@smithy/core/schema';
import { truncate, typeName } from './client-text';

/**
 * The Converse request model, taken from the AWS SDK's own schemas, and a check of a parsed JSON body
 * against it. Whatever passes is a value the SDK can serialise: nothing a client sends can make the SDK
 * throw while it builds the request (which would look like a failure of every region), and a wrong type
 * deep inside a field is a 400 from the invoker rather than a round trip to Bedrock.
 */

/** The operations whose input is checked: POST /converse and POST /converse-stream. */
export type ConverseOperation = 'converse' | 'converse-stream';

/** Why a body does not fit the model: a 400 with this code and message. */
export interface SchemaViolation {
  readonly code: 'UnknownField' | 'InvalidRequest';
  readonly message: string;
}

/** A structure: a JSON object whose keys are members; the `required` ones must be present. */
interface StructureShape {
  readonly kind: 'structure';
  /** The shape name without namespace, e.g. `ToolSpecification`. */
  readonly name: string;
  readonly members: ReadonlyMap<string, Shape>;
  readonly required: readonly string[];
}

/** A union: a JSON object that sets exactly one member. */
interface UnionShape {
  readonly kind: 'union';
  readonly name: string;
  readonly members: ReadonlyMap<string, Shape>;
}

interface ListShape {
  readonly kind: 'list';
  readonly item: Shape;
}

/** A map: a JSON object with any keys (JSON keys are always strings) and values of one shape. */
interface MapShape {
  readonly kind: 'map';
  readonly value: Shape;
}

/** `blob` arrives as a base64 string and is converted to bytes; `document` is any JSON value. */
interface ScalarShape {
  readonly kind: 'string' | 'number' | 'boolean' | 'blob' | 'document';
}

/** A shape of the model compiled into plain data, so the per-request walk allocates nothing. */
type Shape = StructureShape | UnionShape | ListShape | MapShape | ScalarShape;

const SCALARS: Readonly<Record<ScalarShape['kind'], ScalarShape>> = {
  string: { kind: 'string' },
  number: { kind: 'number' },
  boolean: { kind: 'boolean' },
  blob: { kind: 'blob' },
  document: { kind: 'document' },
};

const ROOT_SCHEMAS: Readonly<Record<ConverseOperation, Parameters<typeof NormalizedSchema.of>[0]>> = {
  'converse': ConverseRequest$,
  'converse-stream': ConverseStreamRequest$,
};

/** The member the invoker sets itself (from the body, the query string or its default). */
const MODEL_ID = 'modelId';

interface CompiledRoot {
  /** Every member of the request, `modelId` included. */
  readonly fields: readonly string[];
  /** The request without `modelId`: what {@link conformConverseInput} checks. */
  readonly input: StructureShape;
}

/** Structures and unions by qualified name: compiled once, shared by both roots, and allowing recursion. */
const compiledShapes = new Map<string, StructureShape | UnionShape>();
const compiledRoots = new Map<ConverseOperation, CompiledRoot>();

const IDENTIFIER = /^[A-Za-z_$][\w$]*$/;

/** The top-level fields of a Converse (or ConverseStream) request, `modelId` included, in model order. */
export function converseRequestFields(operation: ConverseOperation): readonly string[] {
  return root(operation).fields;
}

/**
 * Checks a parsed Converse request body (without `modelId`, which the invoker resolves itself) against
 * the SDK's model, and converts every blob member from its base64 text to bytes, in place.
 *
 * Structures take only their own members and need their required ones; unions set exactly one known
 * member (`$unknown` is not one); lists are arrays, maps objects; strings, finite numbers and booleans
 * are what they say; documents take any JSON value; `null` is never a value. The walk recurses once per
 * level of nesting: only call it on bodies whose depth has been bounded.
 *
 * @returns the first violation, naming its JSON path, what was expected and what was received
 */
export function conformConverseInput(input: Record<string, unknown>, operation: ConverseOperation): SchemaViolation | undefined {
  return checkStructure(input, root(operation).input, []);
}

function root(operation: ConverseOperation): CompiledRoot {
  let compiled = compiledRoots.get(operation);
  if (compiled === undefined) {
    const request = compile(NormalizedSchema.of(ROOT_SCHEMAS[operation]));
    if (request.kind !== 'structure') {
      throw new Error(`the SDK's ${operation} request schema is not a structure`);
    }
    const members = new Map(request.members);
    members.delete(MODEL_ID);
    compiled = {
      fields: [...request.members.keys()],
      input: { ...request, members, required: request.required.filter((name) => name !== MODEL_ID) },
    };
    compiledRoots.set(operation, compiled);
  }
  return compiled;
}

function compile(schema: NormalizedSchema): Shape {
  if (schema.isStructSchema()) {
    return compileAggregate(schema);
  }
  if (schema.isListSchema()) {
    return { kind: 'list', item: compile(schema.getValueSchema()) };
  }
  if (schema.isMapSchema()) {
    if (!schema.getKeySchema().isStringSchema()) {
      throw new Error(`map ${schema.getName(true)} has non-string keys, which JSON cannot carry`);
    }
    return { kind: 'map', value: compile(schema.getValueSchema()) };
  }
  if (schema.isStringSchema()) {
    return SCALARS.string;
  }
  if (schema.isNumericSchema()) {
    return SCALARS.number;
  }
  if (schema.isBooleanSchema()) {
    return SCALARS.boolean;
  }
  if (schema.isBlobSchema() && !schema.isStreaming()) {
    return SCALARS.blob;
  }
  if (schema.isDocumentSchema()) {
    return SCALARS.document;
  }
  // Timestamps, big numbers, streams: not in the Converse input today. A new SDK that adds one fails the
  // tests (which compile both roots) instead of letting an unchecked value reach the serialiser.
  throw new Error(`the Converse schema has a member ${schema.getName(true) ?? ''} of a kind the invoker does not check`);
}

/** Structures and unions, memoised by qualified name before their members compile (they may recurse). */
function compileAggregate(schema: NormalizedSchema): StructureShape | UnionShape {
  const qualified = schema.getName(true) ?? '';
  const known = compiledShapes.get(qualified);
  if (known !== undefined) {
    return known;
  }
  const members = new Map<string, Shape>();
  const name = schema.getName() ?? qualified;
  const shape: StructureShape | UnionShape = schema.isUnionSchema()
    ? { kind: 'union', name, members }
    : { kind: 'structure', name, members, required: requiredMembers(schema) };
  compiledShapes.set(qualified, shape);
  for (const [memberName, memberSchema] of schema.structIterator()) {
    members.set(memberName, compile(memberSchema));
  }
  return shape;
}

/**
 * A static structure schema (`[3, namespace, name, traits, memberNames, memberSchemas, requiredCount]`,
 * see `StaticStructureSchema` in @smithy/types) lists its required members first and says how many.
 */
function requiredMembers(schema: NormalizedSchema): readonly string[] {
  const raw: unknown = schema.getSchema();
  if (!Array.isArray(raw) || !Array.isArray(raw[4]) || typeof raw[6] !== 'number') {
    return [];
  }
  return (raw[4] as string[]).slice(0, raw[6]);
}

/** A JSON path under construction: member names and map keys, list indices. */
type Path = Array<string | number>;

function checkValue(value: unknown, shape: Shape, path: Path): SchemaViolation | undefined {
  switch (shape.kind) {
    case 'structure':
      return isObject(value) ? checkStructure(value, shape, path) : wrongType(path, shape, value);
    case 'union':
      return isObject(value) ? checkUnion(value, shape, path) : wrongType(path, shape, value);
    case 'list':
      if (!Array.isArray(value)) {
        return wrongType(path, shape, value);
      }
      for (let index = 0; index < value.length; index++) {
        path.push(index);
        const violation = checkSlot(value as unknown as Record<number, unknown>, index, shape.item, path);
        if (violation !== undefined) {
          return violation;
        }
        path.pop();
      }
      return undefined;
    case 'map':
      if (!isObject(value)) {
        return wrongType(path, shape, value);
      }
      for (const key in value) {
        path.push(key);
        const violation = checkSlot(value, key, shape.value, path);
        if (violation !== undefined) {
          return violation;
        }
        path.pop();
      }
      return undefined;
    case 'string':
      return typeof value === 'string' ? undefined : wrongType(path, shape, value);
    case 'number':
      return typeof value === 'number' && Number.isFinite(value) ? undefined : wrongType(path, shape, value);
    case 'boolean':
      return typeof value === 'boolean' ? undefined : wrongType(path, shape, value);
    case 'document':
      return value === null ? wrongType(path, shape, value) : undefined;
    case 'blob':
      // Blobs are converted where they sit (checkSlot); a blob is never a container's own shape.
      return wrongType(path, shape, value);
  }
}

/** Checks `container[key]`; a blob is replaced by its bytes. */
function checkSlot(container: Record<string | number, unknown>, key: string | number, shape: Shape, path: Path): SchemaViolation | undefined {
  const value = container[key];
  if (shape.kind !== 'blob') {
    return checkValue(value, shape, path);
  }
  if (typeof value !== 'string') {
    return wrongType(path, shape, value);
  }
  const bytes = decodeBase64(value);
  if (bytes === undefined) {
    return invalid(path, 'must be base64-encoded bytes, got a string that is not base64');
  }
  // defineProperty, not assignment: a map key such as "__proto__" must stay an ordinary key.
  Object.defineProperty(container, key, { value: bytes, writable: true, enumerable: true, configurable: true });
  return undefined;
}

/**
 * Decodes standard padded base64 (RFC 4648 section 4), or undefined if `text` is not that. Node's decoder
 * skips what is not in the alphabet and stops at padding, so a decoded length short of what the text's
 * length promises means a bad character; the URL-safe alphabet (`-`, `_`), which it also takes, is
 * refused explicitly. Several times faster than a regular expression on megabyte images.
 */
function decodeBase64(text: string): Buffer | undefined {
  if (text.length % 4 !== 0 || text.includes('-') || text.includes('_')) {
    return undefined;
  }
  const bytes = Buffer.from(text, 'base64');
  const padding = text.endsWith('==') ? 2 : text.endsWith('=') ? 1 : 0;
  return bytes.length === (text.length / 4) * 3 - padding ? bytes : undefined;
}

function checkStructure(value: Record<string, unknown>, shape: StructureShape, path: Path): SchemaViolation | undefined {
  for (const key in value) {
    const member = shape.members.get(key);
    if (member === undefined) {
      return {
        code: 'UnknownField',
        message: `${where(path)} has no member ${truncate(JSON.stringify(key))}; ${shape.name} allows ${memberList(shape)}`,
      };
    }
    path.push(key);
    const violation = checkSlot(value, key, member, path);
    if (violation !== undefined) {
      return violation;
    }
    path.pop();
  }
  for (const name of shape.required) {
    if (!Object.prototype.hasOwnProperty.call(value, name)) {
      return invalid(path, `is missing the required member "${name}" (${shape.name} requires ${shape.required.join(', ')})`);
    }
  }
  return undefined;
}

function checkUnion(value: Record<string, unknown>, shape: UnionShape, path: Path): SchemaViolation | undefined {
  let chosen: string | undefined;
  for (const key in value) {
    if (chosen !== undefined) {
      return invalid(path, `must set exactly one of ${memberList(shape)}; got ${truncate(Object.keys(value).map((name) => JSON.stringify(name)).join(', '))}`);
    }
    chosen = key;
  }
  const member = chosen === undefined ? undefined : shape.members.get(chosen);
  if (chosen === undefined || member === undefined) {
    return invalid(path, `must set exactly one of ${memberList(shape)}; got ${chosen === undefined ? 'none' : JSON.stringify(chosen)}`);
  }
  path.push(chosen);
  const violation = checkSlot(value, chosen, member, path);
  if (violation !== undefined) {
    return violation;
  }
  path.pop();
  return undefined;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function wrongType(path: Path, shape: Shape, value: unknown): SchemaViolation {
  return invalid(path, `must be ${expected(shape)}, got ${typeName(value)}`);
}

function invalid(path: Path, problem: string): SchemaViolation {
  return { code: 'InvalidRequest', message: `${where(path)} ${problem}` };
}

function expected(shape: Shape): string {
  switch (shape.kind) {
    case 'structure':
      return shape.members.size === 0 ? 'an empty JSON object {}' : `a JSON object (${shape.name}) with members ${memberList(shape)}`;
    case 'union':
      return `a JSON object (${shape.name}) setting exactly one of ${memberList(shape)}`;
    case 'list':
      return 'an array';
    case 'map':
      return 'a JSON object';
    case 'string':
      return 'a string';
    case 'number':
      return 'a number';
    case 'boolean':
      return 'true or false';
    case 'blob':
      return 'base64-encoded bytes (a string)';
    case 'document':
      return 'a JSON value';
  }
}

function memberList(shape: StructureShape | UnionShape): string {
  return [...shape.members.keys()].join(', ');
}

/** `messages[0].content[1].image`; a map key that is not an identifier is quoted (and capped). */
function where(path: Path): string {
  if (path.length === 0) {
    return 'the request body';
  }
  let text = '';
  for (const segment of path) {
    if (typeof segment === 'number') {
      text += `[${segment}]`;
    } else if (IDENTIFIER.test(segment)) {
      text += text === '' ? segment : `.${segment}`;
    } else {
      text += `[${truncate(JSON.stringify(segment))}]`;
    }
  }
  return text;
}
