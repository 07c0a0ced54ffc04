// Scenario and control files (docs/exercises.md): parsed from JSON or YAML, validated against
// schemas/exercise-scenario.schema.json and exercise-control.schema.json, then checked for what a
// schema cannot say (labels, references to earlier injects, time order). A bad file is one line
// naming the file, the line and column, the member and what is allowed.
import { readFileSync } from 'node:fs';
import { dirname, isAbsolute, join } from 'node:path';
import { isMap, isScalar, isSeq, parseDocument, type Document, type Node as YamlNode } from 'yaml';
import { JsonSyntaxError, lineColumn, parseJsonText } from '../domain/json-text.js';
import { enumSentence } from '../domain/suggest.js';
import { schemas, type SchemaError } from '../schema/registry.js';
import type { Control, Expectation, Inject, Scenario } from './types.js';

/** A file the exercise commands refuse, as one line. */
export class ExerciseFileError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ExerciseFileError';
  }
}

/** A parsed file with a way back from a JSON pointer to the line and column of the member. */
interface Located {
  value: unknown;
  /** file:line:column of the member at the pointer: its name when `atName` (an unknown member), else its value. */
  where: (pointer: string, atName?: boolean) => string;
}

const unescape = (t: string) => t.replace(/~1/g, '/').replace(/~0/g, '~');

function positionIn(
  doc: Document,
  text: string,
  pointer: string,
  atName: boolean,
): { line: number; column: number } | null {
  const tokens = pointer === '' ? [] : pointer.slice(1).split('/').map(unescape);
  let node: unknown = doc.contents;
  let range: [number, number, number] | undefined = (node as YamlNode | null)?.range ?? undefined;
  for (const t of tokens) {
    if (isMap(node)) {
      const pair = node.items.find((p) => isScalar(p.key) && String(p.key.value) === t);
      if (!pair) break;
      node = pair.value;
      range = (node as YamlNode | null)?.range ?? range;
    } else if (isSeq(node)) {
      const item = node.items[Number(t)];
      if (item === undefined) break;
      node = item;
      range = (node as YamlNode | null)?.range ?? range;
    } else break;
  }
  if (atName && tokens.length > 0 && isMap(doc.contents)) {
    // the name of the last member, when the pointer ends at one (additional members)
    const parentTokens = tokens.slice(0, -1);
    const parent = parentTokens.length ? doc.getIn(parentTokens.map(asKey), true) : doc.contents;
    if (isMap(parent)) {
      const pair = parent.items.find((p) => isScalar(p.key) && String(p.key.value) === tokens.at(-1));
      if (pair && isScalar(pair.key) && pair.key.range) range = pair.key.range;
    }
  }
  return range ? lineColumn(text, range[0]) : null;
}

const asKey = (t: string): string | number => (/^(0|[1-9][0-9]*)$/.test(t) ? Number(t) : t);

/** Reads JSON (`.json`) or YAML (anything else; JSON is YAML too) with line and column in every error. */
export function parseStructured(text: string, file: string): Located {
  let value: unknown;
  if (/\.json$/i.test(file)) {
    try {
      value = parseJsonText(text);
    } catch (e) {
      if (e instanceof JsonSyntaxError)
        throw new ExerciseFileError(`${file}:${e.line}:${e.column}: ${syntaxReason(e)}`);
      throw e;
    }
  }
  const doc = parseDocument(text, { uniqueKeys: true, prettyErrors: true });
  if (value === undefined) {
    const err = doc.errors[0];
    if (err) {
      const pos = err.linePos?.[0] ?? { line: 1, col: 1 };
      const reason = err.message.split('\n')[0]!.replace(/ at line \d+, column \d+:?$/, '');
      throw new ExerciseFileError(`${file}:${pos.line}:${pos.col}: not valid YAML: ${reason}`);
    }
    value = doc.toJS({ maxAliasCount: 100 }) as unknown;
  }
  return {
    value,
    where: (pointer, atName = false) => {
      const pos = doc.errors.length ? null : positionIn(doc, text, pointer, atName);
      return pos ? `${file}:${pos.line}:${pos.column}` : file;
    },
  };
}

function syntaxReason(e: JsonSyntaxError): string {
  return `not valid JSON: ${e.message.replace(/^line \d+, column \d+: /, '')}`;
}

/** The first schema error, as the operator reads it; the count of the rest. */
function schemaLine(errors: SchemaError[], at: Located, allowed: (e: SchemaError) => string | null): string {
  // a discriminator that matched nothing says so once: the allowed values are the useful part
  const first = errors[0]!;
  const more = errors.length > 1 ? ` (and ${errors.length - 1} more problem${errors.length > 2 ? 's' : ''})` : '';
  const message = allowed(first) ?? first.message;
  const atName = first.keyword === 'additionalProperties' || first.keyword === 'unevaluatedProperties';
  return `${at.where(first.pointer, atName)}: ${first.pointer || '/'} ${message}${more}`;
}

export const ACTIONS = ['publish', 'amend', 'revoke', 'consult', 'respond', 'acknowledge'] as const;
export const EXPECTATIONS = ['alert-received', 'alert-acknowledged', 'consultation-answered'] as const;

/** Scenario time in seconds from an offset (`PT1H30M`, `90m`, `45s`). */
export function offsetSeconds(offset: string): number {
  const m = /^(?:PT)?(?:([0-9]+)[Hh])?(?:([0-9]+)[Mm])?(?:([0-9]+)[Ss])?$/.exec(offset);
  if (!m || offset === 'PT' || offset === '') throw new Error(`not a duration: ${offset}`);
  return Number(m[1] ?? 0) * 3600 + Number(m[2] ?? 0) * 60 + Number(m[3] ?? 0);
}

/** T+mm:ss (or h:mm:ss) of scenario seconds. */
export function tPlus(seconds: number): string {
  const s = Math.max(0, Math.round(seconds));
  const h = Math.floor(s / 3600);
  const mm = String(Math.floor((s % 3600) / 60)).padStart(2, '0');
  const ss = String(s % 60).padStart(2, '0');
  return h > 0 ? `T+${h}:${mm}:${ss}` : `T+${mm}:${ss}`;
}

function discriminatorMessage(e: SchemaError, value: unknown, member: 'action' | 'expect'): string | null {
  if (e.keyword !== 'discriminator') return null;
  const allowed = member === 'action' ? ACTIONS : EXPECTATIONS;
  return `${member} ${enumSentence(value, allowed)}`;
}

/** Validates a parsed scenario: schema, then labels, names and order. */
export function checkScenario(at: Located): Scenario {
  const errors = schemas().validate('exercise-scenario', at.value);
  if (errors.length) {
    throw new ExerciseFileError(
      schemaLine(errors, at, (e) => {
        const obj = valueOf(at.value, e.pointer) as Record<string, unknown> | undefined;
        const member = e.pointer.startsWith('/expectations/') ? 'expect' : 'action';
        if (e.keyword === 'pattern' && /\/(at|within)$/.test(e.pointer))
          return `must be a duration such as PT5M, PT1H30M, 5m, 1h30m or 90s, not ${JSON.stringify(valueOf(at.value, e.pointer))}`;
        return discriminatorMessage(e, obj?.[member], member);
      }),
    );
  }
  const s = at.value as Scenario;
  const labels = Object.keys(s.nodes);
  const fail = (pointer: string, message: string): never => {
    throw new ExerciseFileError(`${at.where(pointer)}: ${pointer} ${message}`);
  };
  const label = (pointer: string, v: string) => {
    if (!labels.includes(v))
      fail(pointer, `names the node label "${v}", which the scenario's nodes do not list (${labels.join(', ')})`);
  };
  const ids = Object.values(s.nodes);
  const twice = ids.find((id, i) => ids.indexOf(id) !== i);
  if (twice) fail('/nodes', `lists node ${twice} under two labels`);
  const byName = new Map<string, { inject: Inject; index: number }>();
  const ref = (pointer: string, name: string, kinds: Inject['action'][], what: string): Inject => {
    const found = byName.get(name);
    if (!found) {
      const known = [...byName.keys()];
      fail(
        pointer,
        `refers to inject "${name}", which no earlier inject is named (${known.length ? `earlier: ${known.join(', ')}` : 'none is named before it'})`,
      );
    }
    if (!kinds.includes(found!.inject.action))
      fail(pointer, `refers to inject "${name}", a ${found!.inject.action}; it must be ${what}`);
    return found!.inject;
  };
  let previous = 0;
  s.injects.forEach((inj, i) => {
    const p = `/injects/${i}`;
    label(`${p}/node`, inj.node);
    const t = offsetSeconds(inj.at);
    if (t < previous) fail(`${p}/at`, `is ${inj.at}, earlier than the inject before it: list injects in time order`);
    previous = t;
    switch (inj.action) {
      case 'publish':
        break;
      case 'amend':
      case 'revoke': {
        const target = ref(`${p}/target`, inj.target, ['publish'], 'a publish');
        if (target.node !== inj.node)
          fail(`${p}/node`, `is ${inj.node}, but only ${target.node} can change its record`);
        break;
      }
      case 'consult':
        label(`${p}/partner`, inj.partner);
        if (inj.partner === inj.node) fail(`${p}/partner`, 'is the node itself');
        inj.denials.forEach((d, k) => {
          const target = ref(`${p}/denials/${k}`, d, ['publish'], 'a publish of a denial');
          if (target.action === 'publish' && target.type !== 'denial')
            fail(`${p}/denials/${k}`, `refers to inject "${d}", a finding; a consultation is about denials`);
          if (target.node !== inj.partner)
            fail(`${p}/denials/${k}`, `refers to a denial of ${target.node}, not of the partner ${inj.partner}`);
        });
        break;
      case 'respond': {
        const c = ref(`${p}/consultation`, inj.consultation, ['consult'], 'a consult');
        if (c.action === 'consult' && c.partner !== inj.node)
          fail(`${p}/node`, `is ${inj.node}, but the consultation asks ${c.partner}`);
        break;
      }
      case 'acknowledge': {
        const a = ref(`${p}/alert`, inj.alert, ['publish', 'amend'], 'a publish or amend with an alert');
        if (!('alert' in a) || !a.alert) fail(`${p}/alert`, `refers to inject "${inj.alert}", which carries no alert`);
        if (a.node === inj.node) fail(`${p}/node`, 'is the alert originator; partners acknowledge alerts');
        break;
      }
    }
    if ('name' in inj && inj.name !== undefined) {
      if (byName.has(inj.name)) fail(`${p}/name`, `"${inj.name}" names an earlier inject too`);
      byName.set(inj.name, { inject: inj, index: i });
    }
  });
  (s.expectations ?? []).forEach((x: Expectation, i) => {
    const p = `/expectations/${i}`;
    if (x.expect === 'consultation-answered') ref(`${p}/consultation`, x.consultation, ['consult'], 'a consult');
    else {
      const a = ref(`${p}/alert`, x.alert, ['publish', 'amend'], 'a publish or amend with an alert');
      if (!('alert' in a) || !a.alert) fail(`${p}/alert`, `refers to inject "${x.alert}", which carries no alert`);
      if (Array.isArray(x.by)) x.by.forEach((b, k) => label(`${p}/by/${k}`, b));
    }
  });
  return s;
}

function valueOf(root: unknown, pointer: string): unknown {
  let cur = root;
  for (const t of pointer === '' ? [] : pointer.slice(1).split('/').map(unescape)) {
    if (cur === null || typeof cur !== 'object') return undefined;
    cur = (cur as Record<string, unknown>)[t];
  }
  return cur;
}

function readText(file: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new ExerciseFileError(`${file}: ${code === 'ENOENT' ? 'no such file' : 'cannot be read'}`);
  }
}

export function loadScenario(file: string): Scenario {
  return checkScenario(parseStructured(readText(file), file));
}

/** A node of the control file with its token read. */
export interface ControlNode {
  label: string;
  url: string;
  token: string;
}

export function checkControl(at: Located, file: string): ControlNode[] {
  const errors = schemas().validate('exercise-control', at.value);
  if (errors.length) throw new ExerciseFileError(schemaLine(errors, at, () => null));
  const c = at.value as Control;
  return Object.entries(c.nodes).map(([label, n]) => {
    const p = `/nodes/${label}`;
    if ((n.token === undefined) === (n.tokenFile === undefined))
      throw new ExerciseFileError(`${at.where(p)}: ${p} needs exactly one of token and tokenFile`);
    let token = n.token;
    if (n.tokenFile !== undefined) {
      const path = isAbsolute(n.tokenFile) ? n.tokenFile : join(dirname(file), n.tokenFile);
      token = readText(path).trim();
    }
    return { label, url: n.url.replace(/\/+$/, ''), token: token! };
  });
}

export function loadControl(file: string): ControlNode[] {
  return checkControl(parseStructured(readText(file), file), file);
}

/** `{{start}}`, `{{start-268d}}`, `{{start+1d}}`: a date relative to the day the run starts (UTC). */
const RELATIVE_DATE = /\{\{\s*start\s*(?:([+-])\s*([0-9]{1,5})\s*d)?\s*\}\}/g;

/**
 * An inject with every relative date in its strings replaced by the date it names, counted from the
 * run's start (docs/exercises.md): a scenario written once stays valid in any year, and a record's
 * dates keep the spacing the planners gave them (decided 9 months before the exercise, and so on).
 */
export function withRunDates<T>(value: T, startMs: number): T {
  const day = (sign: string | undefined, n: string | undefined): string => {
    const days = n === undefined ? 0 : (sign === '-' ? -1 : 1) * Number(n);
    return new Date(startMs + days * 86_400_000).toISOString().slice(0, 10);
  };
  const walk = (v: unknown): unknown => {
    if (typeof v === 'string') return v.replace(RELATIVE_DATE, (_m, sign?: string, n?: string) => day(sign, n));
    if (Array.isArray(v)) return v.map(walk);
    if (v !== null && typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, walk(x)]));
    return v;
  };
  return walk(value) as T;
}
