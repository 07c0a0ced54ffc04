// Renders a form description (spec.ts) with its current state and the node's errors placed at the
// fields its rules name. Labels on every control; errors tied with aria-describedby; no script needed.
import type { ComponentChildren, VNode } from 'preact';
import { join, ON, ROWS, rowCount, str, strs, type FieldError, type FieldSpec, type FormState } from './spec.js';

export interface FormContext {
  state: FormState;
  errors: Map<string, FieldError[]>;
  amend: boolean;
}

export function indexErrors(errors: FieldError[]): Map<string, FieldError[]> {
  const m = new Map<string, FieldError[]>();
  for (const e of errors) m.set(e.at, [...(m.get(e.at) ?? []), e]);
  return m;
}

export function fieldId(path: string): string {
  return `f-${path}`;
}

/** DIVERSION_RISK → "Diversion risk"; the code itself is kept as the value. */
export function human(code: string): string {
  const s = code
    .split('_')
    .map((w) => (w.length <= 3 ? w : w.toLowerCase()))
    .join(' ');
  return s.charAt(0).toUpperCase() + s.slice(1);
}

function Errors(props: { path: string; ctx: FormContext }): VNode | null {
  const errs = props.ctx.errors.get(props.path);
  if (!errs?.length) return null;
  return (
    <div class="field-errors" id={`err-${props.path}`}>
      {errs.map((e) => (
        <p class="error">
          <span class="visually-hidden">Error: </span>
          {e.message} <span class="rule">rule {e.rule}</span>
          {e.path !== e.at ? <span class="rule"> at {e.path}</span> : null}
        </p>
      ))}
    </div>
  );
}

function Label(props: { f: FieldSpec; path: string; children?: ComponentChildren }): VNode {
  return (
    <label for={fieldId(props.path)}>
      {props.f.label}
      {props.f.required ? <span class="req"> (required)</span> : null}
      {props.children}
    </label>
  );
}

function described(path: string, f: FieldSpec, ctx: FormContext): Record<string, string | boolean> {
  const ids = [f.hint ? `hint-${path}` : '', ctx.errors.has(path) ? `err-${path}` : ''].filter(Boolean);
  return {
    ...(ids.length ? { 'aria-describedby': ids.join(' ') } : {}),
    ...(ctx.errors.has(path) ? { 'aria-invalid': 'true' } : {}),
  };
}

function Hint(props: { f: FieldSpec; path: string }): VNode | null {
  return props.f.hint ? (
    <p class="hint" id={`hint-${props.path}`}>
      {props.f.hint}
    </p>
  ) : null;
}

function Field(props: { f: FieldSpec; prefix: string; ctx: FormContext }): VNode {
  const { f, ctx } = props;
  const path = join(props.prefix, f.name);
  const fixed = ctx.amend && !!f.fixedOnAmend;
  const cls = `field field-${f.kind}${ctx.errors.has(path) ? ' invalid' : ''}`;
  switch (f.kind) {
    case 'group': {
      const on = !f.toggle || str(ctx.state, path + ON) === 'on';
      return (
        <fieldset class={`group${ctx.errors.has(path) ? ' invalid' : ''}`} id={fieldId(path)}>
          <legend>{f.label}</legend>
          <Hint f={f} path={path} />
          <Errors path={path} ctx={ctx} />
          {f.toggle ? (
            <div class="field field-bool">
              <input type="checkbox" id={fieldId(path + ON)} name={path + ON} checked={on} />
              <label for={fieldId(path + ON)}>{f.toggle}</label>
            </div>
          ) : null}
          <Fields fields={f.fields} prefix={path} ctx={ctx} />
        </fieldset>
      );
    }
    case 'repeat': {
      const n = rowCount(ctx.state, path, f.min);
      const rows = Array.from({ length: n }, (_, i) => i);
      return (
        <fieldset class={`repeat${ctx.errors.has(path) ? ' invalid' : ''}`} id={fieldId(path)}>
          <legend>{f.label}</legend>
          <Hint f={f} path={path} />
          <Errors path={path} ctx={ctx} />
          <input type="hidden" name={ROWS + path} value={String(n)} />
          {rows.map((i) => (
            <fieldset class="row" id={fieldId(`${path}.${i}`)}>
              <legend>
                {f.itemLabel} {i + 1}
              </legend>
              <Errors path={`${path}.${i}`} ctx={ctx} />
              <Fields fields={f.item} prefix={`${path}.${i}`} ctx={ctx} />
              {fixed ? null : (
                <button type="submit" class="secondary small" name="_remove" value={`${path}.${i}`} formnovalidate>
                  Remove {f.itemLabel.toLowerCase()} {i + 1}
                </button>
              )}
            </fieldset>
          ))}
          {fixed ? null : (
            <button type="submit" class="secondary small" name="_add" value={path} formnovalidate>
              Add {f.itemLabel.toLowerCase()}
            </button>
          )}
        </fieldset>
      );
    }
    case 'checks': {
      const chosen = new Set(strs(ctx.state, path));
      return (
        <fieldset
          class={`checks${ctx.errors.has(path) ? ' invalid' : ''}`}
          id={fieldId(path)}
          {...described(path, f, ctx)}
        >
          <legend>
            {f.label}
            {f.required ? <span class="req"> (required)</span> : null}
          </legend>
          <Hint f={f} path={path} />
          <Errors path={path} ctx={ctx} />
          <div class="check-grid">
            {f.options.map((o) => (
              <div class="check">
                <input
                  type="checkbox"
                  id={fieldId(`${path}=${o}`)}
                  name={path}
                  value={o}
                  checked={chosen.has(o)}
                  disabled={fixed}
                />
                <label for={fieldId(`${path}=${o}`)}>
                  {human(o)} {human(o) === o ? null : <code>{o}</code>}
                </label>
              </div>
            ))}
          </div>
        </fieldset>
      );
    }
    case 'bool':
      return (
        <div class={cls}>
          <input
            type="checkbox"
            id={fieldId(path)}
            name={path}
            checked={str(ctx.state, path) === 'on'}
            disabled={fixed}
            {...described(path, f, ctx)}
          />
          <Label f={f} path={path} />
          <Hint f={f} path={path} />
          <Errors path={path} ctx={ctx} />
        </div>
      );
    case 'select':
      return (
        <div class={cls}>
          <Label f={f} path={path} />
          <Hint f={f} path={path} />
          <Errors path={path} ctx={ctx} />
          <select id={fieldId(path)} name={path} disabled={fixed} {...described(path, f, ctx)}>
            {f.required && str(ctx.state, path) !== '' ? null : <option value="">(none)</option>}
            {f.options.map((o) => (
              <option value={o} selected={str(ctx.state, path) === o}>
                {o}
              </option>
            ))}
          </select>
          {fixed ? <input type="hidden" name={path} value={str(ctx.state, path)} /> : null}
        </div>
      );
    case 'textarea':
    case 'lines':
      return (
        <div class={cls}>
          <Label f={f} path={path} />
          <Hint f={f} path={path} />
          <Errors path={path} ctx={ctx} />
          <textarea
            id={fieldId(path)}
            name={path}
            rows={f.kind === 'textarea' ? (f.rows ?? 3) : 3}
            dir="auto"
            readOnly={fixed}
            {...described(path, f, ctx)}
          >
            {str(ctx.state, path)}
          </textarea>
        </div>
      );
    default:
      return (
        <div class={cls}>
          <Label f={f} path={path} />
          <Hint f={f} path={path} />
          <Errors path={path} ctx={ctx} />
          {f.kind === 'date' ? (
            <input
              type="date"
              id={fieldId(path)}
              name={path}
              value={str(ctx.state, path)}
              readOnly={fixed}
              {...described(path, f, ctx)}
            />
          ) : (
            <input
              type="text"
              inputMode={f.kind === 'int' ? 'numeric' : undefined}
              id={fieldId(path)}
              name={path}
              value={str(ctx.state, path)}
              dir={f.kind === 'text' && f.dirAuto ? 'auto' : undefined}
              readOnly={fixed}
              {...described(path, f, ctx)}
            />
          )}
        </div>
      );
  }
}

/** Whether any of these fields holds a value or an error (a folded "More" opens then). */
function touched(fields: FieldSpec[], prefix: string, ctx: FormContext): boolean {
  const paths = fields.map((f) => join(prefix, f.name));
  const hit = (k: string) => paths.some((p) => k === p || k.startsWith(p + '.') || k.startsWith(p + '='));
  const filled = Object.entries(ctx.state).some(
    ([k, v]) => hit(k) && (Array.isArray(v) ? v.length > 0 : v !== '' && v !== '0'),
  );
  return filled || [...ctx.errors.keys()].some(hit);
}

export function Fields(props: { fields: FieldSpec[]; prefix: string; ctx: FormContext }): VNode {
  const main = props.fields.filter((f) => !f.more);
  const more = props.fields.filter((f) => f.more);
  return (
    <>
      {main.map((f) => (
        <Field f={f} prefix={props.prefix} ctx={props.ctx} />
      ))}
      {more.length ? (
        <details class="more" open={touched(more, props.prefix, props.ctx)}>
          <summary>More: {more.map((f) => f.label.toLowerCase()).join(', ')}</summary>
          {more.map((f) => (
            <Field f={f} prefix={props.prefix} ctx={props.ctx} />
          ))}
        </details>
      ) : null}
    </>
  );
}

/** The list of every error at the top of a form, each a link to its field (keyboard users land on it). */
export function ErrorSummary(props: { errors: FieldError[]; message?: string }): VNode | null {
  if (!props.errors.length && !props.message) return null;
  return (
    <div class="error-summary" role="alert" aria-labelledby="error-summary-title" tabindex={-1} id="error-summary">
      <h2 id="error-summary-title">The node did not accept this</h2>
      {props.message ? <p>{props.message}</p> : null}
      <ul>
        {props.errors.map((e) => (
          <li>
            <a href={`#${fieldId(e.at)}`}>
              <code>/{e.path.replace(/\./g, '/')}</code>: {e.message} (rule {e.rule})
            </a>
          </li>
        ))}
      </ul>
    </div>
  );
}
