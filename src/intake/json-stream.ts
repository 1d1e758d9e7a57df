// JSON read as a stream of tokens (stream-json's tokenizer and assembler), never parsed whole: a 600 MB
// request becomes one property at a time. Two readings of one text: `scanJsonEnvelope` takes a request's
// fields and counts its `properties` without building them, so that the fields (the invalidRows mode
// among them) are known before the first property is read wherever they stand in the body;
// `jsonArrayItems` then hands over the items of `properties` (or of a top-level array) one by one.
// The tokenizer is called directly, a text chunk at a time, and its tokens are walked in a plain loop:
// through Node streams a token at a time, the walk cost three times JSON.parse.
import { getManyValues, isMany, none } from 'stream-chain/defs.js';
import { Assembler } from 'stream-json/assembler.js';
import { jsonParser, type Token } from 'stream-json/core/parser.js';

/** Text in chunks, as the decoders give it (decode.ts); called once per reading. */
export type TextChunks = () => AsyncIterable<string> | Iterable<string>;

/** A JSON text that does not parse: the tokenizer's message. */
export class JsonSyntaxError extends Error {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'JsonSyntaxError';
  }
}

/** What `properties` holds: an array of `count` items, or another value (given whole, for its error). */
export type PropertiesMember = { kind: 'array'; count: number } | { kind: 'other'; value: unknown };

/** A JSON body's top level: its members other than `properties`, and what `properties` holds. */
export interface JsonEnvelope {
  /** When the top-level value is not an object: a stand-in of its type (`[]`, `""`, `0`, `null`...). */
  notAnObject?: unknown;
  fields: Record<string, unknown>;
  properties?: PropertiesMember | undefined;
  /** `properties` was given more than once (JSON.parse would keep the last; the items are read from all). */
  propertiesRepeated?: boolean;
}

/** The text's tokens, a chunk's worth at a time, packed values only. Throws JsonSyntaxError. */
async function* tokenBatches(text: TextChunks): AsyncGenerator<readonly Token[]> {
  const tokenize = jsonParser({ streamValues: false });
  const batch = (output: unknown): readonly Token[] =>
    isMany(output) ? (getManyValues(output) as Token[]) : output === none ? [] : [output as Token];
  try {
    for await (const chunk of text()) yield batch(tokenize(chunk));
    yield batch(tokenize(none as unknown as string));
  } catch (error) {
    if (error instanceof Error && error.message.startsWith('Parser '))
      throw new JsonSyntaxError(error.message, { cause: error });
    throw error;
  }
}

const VALUE_STARTS: ReadonlySet<Token['name']> = new Set([
  'startObject',
  'startArray',
  'stringValue',
  'numberValue',
  'nullValue',
  'trueValue',
  'falseValue',
]);

const STAND_INS: Partial<Record<Token['name'], unknown>> = {
  startArray: [],
  stringValue: '',
  numberValue: 0,
  nullValue: null,
  trueValue: true,
  falseValue: false,
};

const opens = (token: Token) => token.name === 'startObject' || token.name === 'startArray';
const closes = (token: Token) => token.name === 'endObject' || token.name === 'endArray';

/**
 * The envelope of a JSON request: its top-level members assembled, except `properties`, whose items are
 * only counted. A repeated member keeps its last value, as JSON.parse does. Throws JsonSyntaxError.
 */
export async function scanJsonEnvelope(text: TextChunks): Promise<JsonEnvelope> {
  const envelope: JsonEnvelope = { fields: {} };
  let depth = 0;
  let key: string | undefined;
  /** A member being assembled (`properties` too, when it is not an array). */
  let member: { key: string; assembler: Assembler } | undefined;
  /** The items of `properties` met so far, while inside it. */
  let items: number | undefined;
  const store = (name: string, value: unknown) => {
    if (name === 'properties') envelope.properties = { kind: 'other', value };
    else envelope.fields[name] = value;
  };
  for await (const batch of tokenBatches(text))
    for (const token of batch) {
      if (depth === 0 && token.name !== 'startObject') {
        // Not an object: the request is refused for its type, and the rest is not read.
        envelope.notAnObject = STAND_INS[token.name] ?? null;
        return envelope;
      }
      if (member !== undefined) {
        member.assembler.consume(token);
        if (member.assembler.done) {
          store(member.key, member.assembler.current);
          member = undefined;
        }
        continue;
      }
      if (items !== undefined && depth === 2 && VALUE_STARTS.has(token.name)) items++;
      if (depth === 1 && token.name === 'keyValue') {
        key = token.value;
        continue;
      }
      if (depth === 1 && key !== undefined && VALUE_STARTS.has(token.name)) {
        const name = key;
        key = undefined;
        if (name === 'properties' && (envelope.properties !== undefined || items !== undefined))
          envelope.propertiesRepeated = true;
        if (name === 'properties' && token.name === 'startArray') {
          items = 0;
          depth++;
          continue;
        }
        const assembler = new Assembler();
        assembler.consume(token);
        if (assembler.done) store(name, assembler.current);
        else member = { key: name, assembler };
        continue;
      }
      if (opens(token)) depth++;
      else if (closes(token)) depth--;
      if (items !== undefined && depth === 1) {
        envelope.properties = { kind: 'array', count: items };
        items = undefined;
      }
    }
  return envelope;
}

/**
 * The items of the body's `properties` array (`member: 'properties'`), or of a top-level array (no
 * `member`), one at a time; nothing when there is no such array (scanJsonEnvelope tells why). Throws
 * JsonSyntaxError, and NotAnArrayError when a top-level value is not an array.
 */
export async function* jsonArrayItems(text: TextChunks, member?: 'properties'): AsyncGenerator<unknown> {
  /** The depth of the array's items: inside the top-level object's member, or inside the top level. */
  const itemDepth = member === undefined ? 1 : 2;
  let depth = 0;
  let inArray = false;
  let key: string | undefined;
  let item: Assembler | undefined;
  for await (const batch of tokenBatches(text)) {
    const ready: unknown[] = [];
    for (const token of batch) {
      if (item !== undefined) {
        item.consume(token);
        if (item.done) {
          ready.push(item.current);
          item = undefined;
        }
        continue;
      }
      if (inArray && depth === itemDepth && VALUE_STARTS.has(token.name)) {
        item = new Assembler();
        item.consume(token);
        if (item.done) {
          ready.push(item.current);
          item = undefined;
        }
        continue;
      }
      if (depth === 0 && member === undefined && token.name !== 'startArray')
        throw new NotAnArrayError('the JSON is not an array: expected [ {property}, ... ]');
      if (depth === 1 && token.name === 'keyValue') key = token.value;
      else if (opens(token)) {
        depth++;
        inArray = depth === itemDepth && token.name === 'startArray' && (member === undefined || key === member);
      } else if (closes(token)) {
        depth--;
        inArray = false;
      }
    }
    yield* ready;
  }
}

/** A JSON text whose top level is not the array expected. */
export class NotAnArrayError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'NotAnArrayError';
  }
}
