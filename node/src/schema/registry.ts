// One registry that compiles every schema in `schemas/` once, at start.
// Schemas never come from a peer: only these files are ever compiled.
import { readFileSync, readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Ajv2020, type ErrorObject, type ValidateFunction } from 'ajv/dist/2020.js';
import { isRealDate, isRealTimestamp, isPartialDate } from '../domain/dates.js';
import { enumSentence } from '../domain/suggest.js';

export const SCHEMA_BASE = 'https://entente.example/schemas/v1/';

export type SchemaName =
  | 'common'
  | 'denial-notice'
  | 'enforcement-finding'
  | 'agreement'
  | 'agreement-statement'
  | 'consultation-message'
  | 'jwks'
  | 'partner-bundle'
  | 'release-payload'
  | 'receipt-payload'
  | 'checkpoint-payload'
  | 'record-signature-payload'
  | 'problem'
  | 'node-config'
  | 'exercise-scenario'
  | 'exercise-control'
  | 'api';

/** Where the schema files live, found from this module (works from src/ and dist/). */
export function schemasDir(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 6; i++) {
    const candidate = join(dir, 'schemas');
    try {
      readdirSync(candidate);
      return candidate;
    } catch {
      dir = dirname(dir);
    }
  }
  throw new Error('schemas/ directory not found');
}

export interface SchemaError {
  /** RFC 6901 pointer into the validated instance. */
  pointer: string;
  /** docs/records.md rule id (M1, M2, M4 …) where one applies. */
  rule: string;
  message: string;
  keyword: string;
}

function escapeToken(t: string): string {
  return t.replace(/~/g, '~0').replace(/\//g, '~1');
}

/** Turns ajv's errors into pointers that name the member, as docs/records.md §1 asks. */
export function toSchemaErrors(errors: ErrorObject[] | null | undefined, instance: unknown): SchemaError[] {
  const out: SchemaError[] = [];
  for (const e of errors ?? []) {
    let pointer = e.instancePath;
    let rule = 'M4';
    const p = e.params as Record<string, unknown>;
    // a failed `if` only says that its `then` failed, which is reported itself (gatePatternsByLength)
    if (e.keyword === 'if') continue;
    switch (e.keyword) {
      case 'additionalProperties':
        pointer += '/' + escapeToken(String(p.additionalProperty));
        rule = 'M2';
        break;
      case 'unevaluatedProperties':
        pointer += '/' + escapeToken(String(p.unevaluatedProperty));
        rule = 'M2';
        break;
      case 'required':
        pointer += '/' + escapeToken(String(p.missingProperty));
        break;
      case 'uniqueItems': {
        const i = Number(p.i);
        const j = Number(p.j);
        pointer += '/' + String(Math.max(i, j));
        break;
      }
      case 'false schema':
        rule = 'M2';
        break;
      case 'type': {
        const v = valueAt(instance, pointer);
        if (v === null) rule = 'M2';
        else if (typeof v === 'number') rule = 'M1';
        break;
      }
      case 'pattern': {
        const v = valueAt(instance, pointer);
        if (typeof v === 'string' && !v.isWellFormed()) rule = 'M3';
        break;
      }
      default:
        break;
    }
    out.push({ pointer, rule, message: humanMessage(e, instance), keyword: e.keyword });
  }
  return dedupe(out);
}

const TYPE_NAMES: Record<string, string> = {
  object: 'a JSON object',
  array: 'a JSON array',
  string: 'a string',
  integer: 'an integer',
  number: 'a number',
  boolean: 'true or false',
  null: 'null',
};

/** The shapes the schemas use most, as an operator would say them (other patterns are quoted). */
const PATTERN_SENTENCES: Record<string, string> = {
  '^[a-z0-9][a-z0-9-]{1,62}$': 'must be 2 to 63 lowercase letters, digits or hyphens, not starting with a hyphen',
  '^[0-9]{4}-[0-9]{2}-[0-9]{2}$': 'must be a date YYYY-MM-DD',
  '^[0-9]{4}(-[0-9]{2}(-[0-9]{2})?)?$': 'must be a date YYYY, YYYY-MM or YYYY-MM-DD',
  '^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}Z$': 'must be a UTC time YYYY-MM-DDThh:mm:ssZ',
  '^-?[0-9]+(\\.[0-9]+)?$': 'must be a decimal number written as text, e.g. "12.5"',
  '^[^\\u0000-\\u001F\\u007F\\uD800-\\uDFFF]*$': 'must not contain control characters',
  '^[^\\u0000-\\u0009\\u000B-\\u001F\\u007F\\uD800-\\uDFFF]*$':
    'must not contain control characters other than line breaks',
  '^[A-Za-z0-9_-]{43}$': 'must be 43 base64url characters (a SHA-256 digest)',
};

const FORMAT_SENTENCES: Record<string, string> = {
  date: 'is not a real calendar date',
  'date-time': 'is not a real UTC time',
  'entente-partial-date': 'is not a real date',
};

/** A sentence an operator can act on: what is wrong, and what is allowed. */
function humanMessage(e: ErrorObject, instance: unknown): string {
  const p = e.params as Record<string, unknown>;
  switch (e.keyword) {
    case 'enum':
      return enumSentence(valueAt(instance, e.instancePath), p.allowedValues as unknown[]);
    case 'const':
      return `must be ${JSON.stringify(p.allowedValue)}`;
    case 'required':
      return 'is required';
    case 'pattern':
      return PATTERN_SENTENCES[String(p.pattern)] ?? e.message ?? 'does not have the required form';
    case 'format':
      return FORMAT_SENTENCES[String(p.format)] ?? e.message ?? 'does not have the required format';
    case 'minLength':
      return Number(p.limit) === 1 ? 'must not be empty' : `must be at least ${String(p.limit)} characters`;
    case 'maxLength':
      return `must be at most ${String(p.limit)} characters`;
    case 'additionalProperties':
    case 'unevaluatedProperties':
      return 'is not a member this object has (misspelt, or misplaced?)';
    case 'type': {
      const types = (Array.isArray(p.type) ? p.type : String(p.type).split(',')) as string[];
      return `must be ${types.map((t) => TYPE_NAMES[t] ?? t).join(' or ')}`;
    }
    default:
      return e.message ?? e.keyword;
  }
}

function dedupe(errors: SchemaError[]): SchemaError[] {
  const seen = new Set<string>();
  return errors.filter((e) => {
    const k = e.pointer + '\u0000' + e.keyword + '\u0000' + e.message;
    if (seen.has(k)) return false;
    seen.add(k);
    return true;
  });
}

export function valueAt(root: unknown, pointer: string): unknown {
  if (pointer === '') return root;
  let cur: unknown = root;
  for (const raw of pointer.slice(1).split('/')) {
    const token = raw.replace(/~1/g, '/').replace(/~0/g, '~');
    if (cur === null || typeof cur !== 'object') return undefined;
    if (Array.isArray(cur)) {
      if (!/^(0|[1-9][0-9]*)$/.test(token)) return undefined;
      cur = cur[Number(token)];
    } else {
      if (!Object.hasOwn(cur, token)) return undefined;
      cur = (cur as Record<string, unknown>)[token];
    }
  }
  return cur;
}

/** Keywords whose value is a subschema, a list of subschemas, or a map of them (JSON Schema 2020-12). */
const ONE_SCHEMA = [
  'additionalProperties',
  'unevaluatedProperties',
  'items',
  'unevaluatedItems',
  'contains',
  'propertyNames',
  'not',
  'if',
  'then',
  'else',
];
const SCHEMA_LISTS = ['allOf', 'anyOf', 'oneOf', 'prefixItems'];
const SCHEMA_MAPS = ['properties', 'patternProperties', '$defs', 'dependentSchemas'];

/**
 * Rewrites, in place, every subschema that has both `pattern` and `maxLength` so that the pattern runs
 * only on a string within the length: `{maxLength: n, allOf: [{if: {maxLength: n}, then: {pattern}}]}`.
 * With `allErrors` Ajv evaluates every keyword, so a pattern that is cheap on a string of the allowed
 * length would otherwise also run on a 250,000-character string that has already failed `maxLength`
 * (docs/reliability.md, "Hostile input"). A pattern without a `maxLength` of its own must be linear;
 * test/unit/schema-patterns.test.ts checks both over every pattern of every schema.
 */
export function gatePatternsByLength(schema: unknown): void {
  if (schema === null || typeof schema !== 'object' || Array.isArray(schema)) return;
  const s = schema as Record<string, unknown>;
  for (const k of ONE_SCHEMA) gatePatternsByLength(s[k]);
  for (const k of SCHEMA_LISTS) if (Array.isArray(s[k])) (s[k] as unknown[]).forEach(gatePatternsByLength);
  for (const k of SCHEMA_MAPS) if (s[k] && typeof s[k] === 'object') Object.values(s[k]).forEach(gatePatternsByLength);
  if (typeof s.pattern === 'string' && typeof s.maxLength === 'number') {
    const gate = { if: { maxLength: s.maxLength }, then: { pattern: s.pattern } };
    delete s.pattern;
    s.allOf = [...(Array.isArray(s.allOf) ? (s.allOf as unknown[]) : []), gate];
  }
}

export class SchemaRegistry {
  private readonly ajv: Ajv2020;
  private readonly validators = new Map<string, ValidateFunction>();

  constructor(dir: string = schemasDir()) {
    this.ajv = new Ajv2020({
      allErrors: true,
      strict: true,
      strictRequired: false,
      discriminator: true,
      unicodeRegExp: true,
      useDefaults: false,
      validateFormats: true,
    });
    this.ajv.addFormat('date', isRealDate);
    this.ajv.addFormat('date-time', isRealTimestamp);
    this.ajv.addFormat('entente-partial-date', isPartialDate);
    const files = readdirSync(dir).filter((f) => f.endsWith('.schema.json'));
    for (const f of files) {
      const schema = JSON.parse(readFileSync(join(dir, f), 'utf8')) as object;
      gatePatternsByLength(schema);
      this.ajv.addSchema(schema);
    }
    for (const f of files) {
      const name = f.replace(/\.schema\.json$/, '');
      const fn = this.ajv.getSchema(SCHEMA_BASE + f);
      if (!fn) throw new Error(`schema ${f} did not compile`);
      this.validators.set(name, fn);
    }
  }

  /** Compiles the subschema at a JSON pointer of a schema file once, e.g. ('release-payload', '/$defs/Any'). */
  private at(name: SchemaName, pointer: string): ValidateFunction {
    const key = `${name}#${pointer}`;
    let fn = this.validators.get(key);
    if (!fn) {
      fn = this.ajv.getSchema(`${SCHEMA_BASE}${name}.schema.json#${pointer}`);
      if (!fn) throw new Error(`no ${pointer} in ${name}`);
      this.validators.set(key, fn);
    }
    return fn;
  }

  validate(name: SchemaName, instance: unknown, def?: string): SchemaError[] {
    const fn = def ? this.at(name, `/$defs/${def}`) : this.validators.get(name);
    if (!fn) throw new Error(`unknown schema ${name}`);
    if (fn(instance)) return [];
    return toSchemaErrors(fn.errors, instance);
  }

  /** Validates against the subschema at a JSON pointer of a schema file (the pattern fuzz property). */
  validateAt(name: SchemaName, pointer: string, instance: unknown): SchemaError[] {
    const fn = this.at(name, pointer);
    if (fn(instance)) return [];
    return toSchemaErrors(fn.errors, instance);
  }
}

let shared: SchemaRegistry | undefined;
/** The process-wide registry (compiled on first use). */
export function schemas(): SchemaRegistry {
  shared ??= new SchemaRegistry();
  return shared;
}
