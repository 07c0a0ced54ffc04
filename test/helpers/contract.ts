// The contract test: every response a test node sends (operator API to op() and the CLI, federation
// API to peer clients, pushers and pullers) is validated against the OpenAPI document the node
// serves (schemas/generated/openapi.json, made from schemas/openapi.yaml by `npm run gen`).
// A mismatch fails the test during which the response was sent.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Ajv2020, type ValidateFunction } from 'ajv/dist/2020.js';
import type { ObservedResponse } from '../../node/src/http/middleware.js';

const DOC_ID = 'https://entente.example/openapi.json';
const root = join(import.meta.dirname, '../..');

interface Response {
  $ref?: string;
  content?: Record<string, { schema: unknown }>;
}

interface Operation {
  responses: Record<string, Response>;
}

interface Route {
  template: string;
  pattern: RegExp;
  params: number;
  operations: Record<string, Operation>;
}

let routes: Route[] | undefined;
let shared: Record<string, Response> = {};
let ajv: Ajv2020 | undefined;
const validators = new Map<string, ValidateFunction>();

function load(): Route[] {
  if (routes) return routes;
  const doc = JSON.parse(readFileSync(join(root, 'schemas/generated/openapi.json'), 'utf8')) as {
    paths: Record<string, Record<string, Operation>>;
    components: { responses?: Record<string, Response> };
  };
  shared = doc.components.responses ?? {};
  ajv = new Ajv2020({ strict: false, allErrors: true, validateFormats: false, discriminator: true });
  ajv.addSchema(doc, DOC_ID);
  routes = Object.entries(doc.paths)
    .map(([template, ops]) => ({
      template,
      params: (template.match(/\{/g) ?? []).length,
      pattern: new RegExp(`^${template.replace(/\{[^}]+\}/g, '[^/]+')}$`),
      operations: Object.fromEntries(Object.entries(ops).filter(([m]) => m !== 'parameters')),
    }))
    .sort((a, b) => a.params - b.params);
  return routes;
}

const pointer = (...tokens: string[]) => tokens.map((t) => t.replace(/~/g, '~0').replace(/\//g, '~1')).join('/');

function validator(base: string, media: string): ValidateFunction {
  const ref = `${DOC_ID}#${base}/${pointer('content', media, 'schema')}`;
  let fn = validators.get(ref);
  if (!fn) {
    fn = ajv!.compile({ $ref: ref });
    validators.set(ref, fn);
  }
  return fn;
}

/** The operator listener's API paths; the rest of it is the web console. */
const API_PREFIXES = ['/admin', '/healthz', '/metrics', '/openapi.json', '/openapi.yaml', '/docs', '/taxii2'];

/** What is wrong with a response, by the document; null when it conforms. */
export function contractProblem(r: ObservedResponse): string | null {
  const where = `${r.listener} ${r.method} ${r.path} → ${r.status}`;
  if (r.path.startsWith('/docs/')) return null; // the reference page's own assets, not operations
  // the web console's pages and assets (HTML for people, not API operations): every operator path
  // outside the API's own prefixes belongs to it
  if (r.listener === 'operator' && !API_PREFIXES.some((p) => r.path === p || r.path.startsWith(`${p}/`))) return null;
  const route = load().find((x) => x.pattern.test(r.path));
  if (!route) return `${where}: the path is not in the OpenAPI document`;
  const op = route.operations[r.method.toLowerCase()];
  // a method the document does not list must be refused with 405 (TAXII 2.1 §1.6.1, HTTP)
  if (!op && r.status === 405) return null;
  if (!op) return `${where}: ${r.method} ${route.template} is not in the OpenAPI document`;
  const status = String(r.status);
  const key = op.responses[status] ? status : 'default';
  let response = op.responses[key];
  if (!response) return `${where}: status ${status} is not documented for ${r.method} ${route.template}`;
  let base = `/paths/${pointer(route.template, r.method.toLowerCase(), 'responses', key)}`;
  if (response.$ref) {
    const name = response.$ref.replace('#/components/responses/', '');
    response = shared[name]!;
    base = `/components/responses/${pointer(name)}`;
  }
  const baseType = (t: string) => t.split(';')[0]!.trim();
  const sent = r.contentType ?? '';
  if (!response.content) {
    return r.body === undefined || r.body === '' ? null : `${where}: a body where the document has none`;
  }
  // the documented media type, matched with its parameters (application/taxii+json;version=2.1) or without
  const media =
    Object.keys(response.content).find((m) => m.replace(/\s/g, '') === sent.replace(/\s/g, '')) ??
    Object.keys(response.content).find((m) => baseType(m) === baseType(sent));
  if (!media) {
    return `${where}: ${sent || 'no content type'} is not documented (${Object.keys(response.content).join(', ')})`;
  }
  if (!/json$/.test(baseType(media))) return null;
  const text = Buffer.isBuffer(r.body) ? r.body.toString('utf8') : typeof r.body === 'string' ? r.body : '';
  const fn = validator(base, media);
  if (fn(JSON.parse(text))) return null;
  const errors = (fn.errors ?? []).slice(0, 3).map((e) => `${e.instancePath || '/'} ${e.message ?? e.keyword}`);
  return `${where}: ${errors.join('; ')}`;
}

const mismatches: string[] = [];

/** For createNode's observeResponses. */
export function observeContract(r: ObservedResponse): void {
  let problem: string | null;
  try {
    problem = contractProblem(r);
  } catch (e) {
    problem = `${r.listener} ${r.method} ${r.path} → ${r.status}: ${(e as Error).message}`;
  }
  if (problem && !mismatches.includes(problem)) mismatches.push(problem);
}

/** The mismatches seen since the last call. */
export function takeMismatches(): string[] {
  return mismatches.splice(0);
}
