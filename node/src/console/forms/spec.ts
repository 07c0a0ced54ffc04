// A form described once as a tree of fields whose names are the JSON members they fill, so a field's
// path (`items.0.controlRefs.1.code`) is the RFC 6901 pointer the node's rules name
// (`/items/0/controlRefs/1/code`). The same description renders the form, reads a posted form back
// (flat `path → value` state, so "add another" works without JavaScript) and builds the JSON body.
import type { Json } from '../../domain/validation.js';
import { asText } from '../ui.js';

interface Base {
  name: string;
  label: string;
  hint?: string;
  required?: boolean;
  /** Shown but not editable when amending (the node refuses a change to it). */
  fixedOnAmend?: boolean;
  /** Rarely needed: folded under "More" (opened when it holds a value or an error). */
  more?: boolean;
}

export type FieldSpec =
  | (Base & { kind: 'text' | 'textarea' | 'date' | 'int'; dirAuto?: boolean; rows?: number })
  | (Base & { kind: 'select'; options: readonly string[] })
  | (Base & { kind: 'checks'; options: readonly string[] })
  | (Base & { kind: 'bool' })
  /** Codes separated by commas or spaces (countries, ids) → string[]. */
  | (Base & { kind: 'list' })
  /** One value per line → string[]. */
  | (Base & { kind: 'lines' })
  | (Base & { kind: 'group'; fields: FieldSpec[]; toggle?: string; finish?: (o: Record<string, Json>) => void })
  | (Base & {
      kind: 'repeat';
      item: FieldSpec[];
      itemLabel: string;
      min?: number;
      finish?: (o: Record<string, Json>) => void;
    });

/** The posted form, flat: `path → value` (a check list posts several values). */
export type FormState = Record<string, string | string[]>;

export const ROWS = '_rows.';
export const ON = '._on';

export function join(prefix: string, name: string): string {
  return prefix ? `${prefix}.${name}` : name;
}

export function str(state: FormState, path: string): string {
  const v = state[path];
  return Array.isArray(v) ? (v[0] ?? '') : (v ?? '');
}

export function strs(state: FormState, path: string): string[] {
  const v = state[path];
  return v === undefined ? [] : Array.isArray(v) ? v : [v];
}

/** Rows shown for a repeat: the count the form carried, at least every index present, at least min. */
export function rowCount(state: FormState, path: string, min = 0): number {
  let n = Number(str(state, ROWS + path)) || 0;
  const prefix = path + '.';
  for (const k of Object.keys(state)) {
    if (!k.startsWith(prefix)) continue;
    const i = Number(k.slice(prefix.length).split('.')[0]);
    if (Number.isInteger(i) && i >= n) n = i + 1;
  }
  return Math.max(n, min);
}

// ---------- JSON → state (prefill from a record, an agreement, or an example)

export function toState(
  fields: FieldSpec[],
  value: Record<string, unknown>,
  prefix = '',
  out: FormState = {},
): FormState {
  for (const f of fields) {
    const path = join(prefix, f.name);
    const v = value[f.name];
    if (v === undefined || v === null) continue;
    switch (f.kind) {
      case 'group':
        if (f.toggle) out[path + ON] = 'on';
        if (typeof v === 'object') toState(f.fields, v as Record<string, unknown>, path, out);
        break;
      case 'repeat':
        if (!Array.isArray(v)) break;
        out[ROWS + path] = String(v.length);
        v.forEach((item, i) => toState(f.item, (item ?? {}) as Record<string, unknown>, `${path}.${i}`, out));
        break;
      case 'checks':
        if (Array.isArray(v)) out[path] = v.map(String);
        break;
      case 'list':
        if (Array.isArray(v)) out[path] = v.map(String).join(', ');
        break;
      case 'lines':
        if (Array.isArray(v)) out[path] = v.map(String).join('\n');
        break;
      case 'bool':
        if (v === true) out[path] = 'on';
        break;
      default:
        out[path] = asText(v);
    }
  }
  return out;
}

// ---------- state → JSON (what the node validates; empty fields are omitted, never sent as "")

function scalar(f: FieldSpec, raw: string): Json {
  const s = f.kind === 'textarea' ? raw.replace(/\r\n?/g, '\n').trim() : raw.trim();
  if (s === '') return undefined;
  // a non-integer stays a string, so the node's rule names the field ("must be integer")
  if (f.kind === 'int') return /^-?[0-9]{1,15}$/.test(s) ? Number(s) : s;
  return s;
}

export function fromState(fields: FieldSpec[], state: FormState, prefix = ''): Record<string, Json> {
  const out: Record<string, Json> = {};
  for (const f of fields) {
    const path = join(prefix, f.name);
    let v: Json;
    switch (f.kind) {
      case 'group': {
        if (f.toggle && str(state, path + ON) !== 'on') break;
        const o = fromState(f.fields, state, path);
        f.finish?.(o);
        if (Object.keys(o).length > 0 || f.toggle) v = o;
        break;
      }
      case 'repeat': {
        const items: Json[] = [];
        for (let i = 0; i < rowCount(state, path); i++) {
          const o = fromState(f.item, state, `${path}.${i}`);
          if (Object.keys(o).length === 0) continue;
          f.finish?.(o);
          items.push(o);
        }
        if (items.length > 0) v = items;
        break;
      }
      case 'checks': {
        const vals = strs(state, path).filter((x) => f.options.includes(x));
        if (vals.length > 0) v = vals;
        break;
      }
      case 'bool':
        v = str(state, path) === 'on';
        break;
      case 'list': {
        const vals = str(state, path)
          .split(/[\s,;]+/)
          .filter(Boolean);
        if (vals.length > 0) v = vals;
        break;
      }
      case 'lines': {
        const vals = str(state, path)
          .split(/\r?\n/)
          .map((x) => x.trim())
          .filter(Boolean);
        if (vals.length > 0) v = vals;
        break;
      }
      default:
        v = scalar(f, str(state, path));
    }
    if (v !== undefined) out[f.name] = v;
  }
  return out;
}

// ---------- add / remove rows without JavaScript

/** Applies an "add another" (`path`) or "remove" (`path.N`) button to the state. */
export function applyRowAction(state: FormState, action: { add?: string; remove?: string }): FormState {
  const next: FormState = { ...state };
  if (action.add) {
    next[ROWS + action.add] = String(rowCount(state, action.add) + 1);
  }
  if (action.remove) {
    const m = /^(.*)\.([0-9]+)$/.exec(action.remove);
    if (!m) return next;
    const [, base, idxText] = m as unknown as [string, string, string];
    const idx = Number(idxText);
    const count = rowCount(state, base);
    const prefix = base + '.';
    for (const k of Object.keys(next)) {
      if (!k.startsWith(prefix) && !k.startsWith(ROWS + prefix)) continue;
      delete next[k];
    }
    for (const [k, v] of Object.entries(state)) {
      const rows = k.startsWith(ROWS + prefix);
      const key = rows ? k.slice(ROWS.length) : k;
      if (!key.startsWith(prefix)) continue;
      const [first, ...rest] = key.slice(prefix.length).split('.');
      const i = Number(first);
      if (!Number.isInteger(i) || i === idx) continue;
      const moved = `${prefix}${i > idx ? i - 1 : i}${rest.length ? '.' + rest.join('.') : ''}`;
      next[(rows ? ROWS : '') + moved] = v;
    }
    next[ROWS + base] = String(Math.max(count - 1, 0));
  }
  return next;
}

/** RFC 6901 pointer (as the node's errors give it) → form path; `strip` drops a body prefix such as `/record`. */
export function pointerToPath(pointer: string, strip = ''): string {
  const p = strip && pointer.startsWith(strip) ? pointer.slice(strip.length) : pointer;
  return p
    .split('/')
    .slice(1)
    .map((t) => t.replace(/~1/g, '/').replace(/~0/g, '~'))
    .join('.');
}

/** Every path the form renders for this state (to place an error at its nearest rendered field). */
export function renderedPaths(
  fields: FieldSpec[],
  state: FormState,
  prefix = '',
  out = new Set<string>(),
): Set<string> {
  for (const f of fields) {
    const path = join(prefix, f.name);
    out.add(path);
    if (f.kind === 'group') renderedPaths(f.fields, state, path, out);
    if (f.kind === 'repeat') {
      for (let i = 0; i < rowCount(state, path, f.min); i++) {
        out.add(`${path}.${i}`);
        renderedPaths(f.item, state, `${path}.${i}`, out);
      }
    }
  }
  return out;
}

export interface FieldError {
  path: string;
  /** The rendered field the error is shown at (the path itself or its nearest rendered ancestor). */
  at: string;
  rule: string;
  message: string;
}

export function placeErrors(
  errors: { pointer: string; rule: string; message: string }[],
  rendered: Set<string>,
  strip = '',
): FieldError[] {
  return errors.map((e) => {
    const path = pointerToPath(e.pointer, strip);
    let at = path;
    while (at && !rendered.has(at)) at = at.includes('.') ? at.slice(0, at.lastIndexOf('.')) : '';
    return { path, at, rule: e.rule, message: e.message };
  });
}
