// The independent STIX checker: the official OASIS STIX 2.1 JSON Schemas (../shared/vendor,
// cti-stix2-json-schemas, used as they are) compiled with Ajv's draft 2020-12 build, plus this
// project's extension schemas (schemas/stix/) for the custom objects and the party extension.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { Ajv2020, type ErrorObject, type ValidateFunction } from 'ajv/dist/2020.js';
import addFormatsModule from 'ajv-formats';
import { isPartialDate } from '../../node/src/domain/dates.js';

const root = join(import.meta.dirname, '../..');
/** Where the vendored OASIS tools are: `<repo root>/../shared/vendor` (vendor/README.md). */
export const VENDOR = join(root, '../shared/vendor');
const OASIS = join(VENDOR, 'cti-stix2-json-schemas/schemas');
const OASIS_BASE = 'http://raw.githubusercontent.com/oasis-open/cti-stix2-json-schemas/stix2.1/schemas/';
const OWN_BASE = 'https://entente.example/schemas/stix/';

type AddFormats = (ajv: Ajv2020) => Ajv2020;
const addFormats = ((addFormatsModule as unknown as { default?: AddFormats }).default ??
  addFormatsModule) as AddFormats;

function jsonFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((f) => {
    const p = join(dir, f);
    return statSync(p).isDirectory() ? jsonFiles(p) : p.endsWith('.json') ? [p] : [];
  });
}

let ajv: Ajv2020 | undefined;
function compiler(): Ajv2020 {
  if (ajv) return ajv;
  // strict off: the official schemas use `definitions` and other keywords strict mode refuses; and
  // their patterns are ECMAScript regular expressions without the u flag (`\-` is no escape with it)
  ajv = new Ajv2020({ strict: false, allErrors: true, unicodeRegExp: false });
  addFormats(ajv);
  ajv.addFormat('entente-partial-date', isPartialDate);
  // used only by domain-name.json (never exported); ajv-formats has no idn-hostname
  ajv.addFormat('idn-hostname', true);
  for (const f of jsonFiles(OASIS)) ajv.addSchema(JSON.parse(readFileSync(f, 'utf8')) as object);
  ajv.addSchema(JSON.parse(readFileSync(join(root, 'schemas/common.schema.json'), 'utf8')) as object);
  for (const f of jsonFiles(join(root, 'schemas/stix'))) ajv.addSchema(JSON.parse(readFileSync(f, 'utf8')) as object);
  return ajv;
}

function validator(id: string): ValidateFunction {
  const fn = compiler().getSchema(id);
  if (!fn) throw new Error(`schema ${id} did not compile`);
  return fn;
}

const OASIS_SCHEMA: Record<string, string> = {
  identity: 'sdos/identity.json',
  location: 'sdos/location.json',
  report: 'sdos/report.json',
  relationship: 'sros/relationship.json',
  'marking-definition': 'common/marking-definition.json',
  'extension-definition': 'common/extension-definition.json',
};

function describe(errors: ErrorObject[] | null | undefined): string[] {
  return (errors ?? []).map((e) => `${e.instancePath || '/'} ${e.message ?? e.keyword} (${e.schemaPath})`);
}

const PARTY_EXTENSION_KEY = /^extension-definition--bed3095d-4ace-5212-96d2-1d929eb4af5e$/;

/**
 * The object types bundle.json lists by schema (its first oneOf): it has no entry for location,
 * grouping, note, opinion or extension-definition.
 */
function bundleListedTypes(): Set<string> {
  const bundle = JSON.parse(readFileSync(join(OASIS, 'common/bundle.json'), 'utf8')) as {
    properties: { objects: { items: { anyOf: [{ oneOf: { $ref: string }[] }] } } };
  };
  const files = bundle.properties.objects.items.anyOf[0].oneOf.map((r) => r.$ref.replace(/^.*\//, ''));
  return new Set(files.map((f) => f.replace(/\.json$/, '')));
}

/** The type names bundle.json reserves (a custom object may not use them). */
function reservedTypes(): Set<string> {
  const bundle = JSON.parse(readFileSync(join(OASIS, 'common/bundle.json'), 'utf8')) as {
    properties: {
      objects: {
        items: { anyOf: [unknown, { allOf: [unknown, { properties: { type: { not: { enum: string[] } } } }] }] };
      };
    };
  };
  return new Set(bundle.properties.objects.items.anyOf[1].allOf[1].properties.type.not.enum);
}

/**
 * Errors of one object against its official schema: its own file for a defined type
 * (sdos/location.json …), and for a new object type common/core.json with bundle.json's rule that
 * it may not take a defined type's name. Then, for Entente's objects and party extension, against
 * this project's extension schemas. [] when valid.
 *
 * Why not bundle.json alone: its branch for objects it does not list asks for exactly one of
 * core.json and cyber-observable-core.json, and every SDO matches both, so it refuses any new SDO
 * and any location (the STIX 2.1 specification's own examples included; test/unit/stix-mapping).
 */
export function stixErrors(o: Record<string, unknown>): string[] {
  const type = String(o.type);
  const known = OASIS_SCHEMA[type];
  const errors: string[] = [];
  const official = validator(OASIS_BASE + (known ?? 'common/core.json'));
  if (!official(o)) errors.push(...describe(official.errors));
  if (!known && reservedTypes().has(type)) errors.push(`/type ${type} is a STIX-defined type without its schema here`);
  if (type === 'entente-denial' || type === 'entente-finding') {
    const own = validator(`${OWN_BASE}${type}.schema.json`);
    if (!own(o)) errors.push(...describe(own.errors).map((e) => `[${type} extension schema] ${e}`));
  }
  const extensions = (o.extensions ?? {}) as Record<string, unknown>;
  for (const [k, v] of Object.entries(extensions)) {
    if (!PARTY_EXTENSION_KEY.test(k)) continue;
    const own = validator(`${OWN_BASE}entente-party.schema.json`);
    if (!own(v)) errors.push(...describe(own.errors).map((e) => `[entente-party extension schema] ${e}`));
  }
  return errors;
}

/**
 * Errors of a bundle against the official bundle.json, given the objects bundle.json lists by
 * type (the others are checked one by one with stixErrors()).
 */
export function bundleErrors(bundle: { type: string; id: string; objects: Record<string, unknown>[] }): string[] {
  const listed = bundleListedTypes();
  const objects = bundle.objects.filter((o) => listed.has(String(o.type)));
  const fn = validator(OASIS_BASE + 'common/bundle.json');
  return fn({ ...bundle, objects }) ? [] : describe(fn.errors);
}

/** Raw bundle.json verdict (for the test that shows its defect). */
export function rawBundleErrors(bundle: unknown): string[] {
  const fn = validator(OASIS_BASE + 'common/bundle.json');
  return fn(bundle) ? [] : describe(fn.errors);
}

/** A records-v1 value without its empty lists (STIX allows none, so the mapping leaves them out). */
export function withoutEmptyLists(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(withoutEmptyLists);
  if (v === null || typeof v !== 'object') return v;
  return Object.fromEntries(
    Object.entries(v)
      .filter(([, x]) => !(Array.isArray(x) && x.length === 0))
      .map(([k, x]) => [k, withoutEmptyLists(x)]),
  );
}
