// Screening: one party, a pasted list, or a whole application. Hits show their score, the matched
// name variant and the per-feature explanation; an analyst marks a false positive or links two hits
// as the same party; an application's essentially-identical candidates lead to a consultation.
import type { VNode } from 'preact';
import { AppError } from '../../domain/errors.js';
import { one, type Ctx, type PageRouter, type View } from '../core.js';
import { DEFAULT_THRESHOLD, type ScreenParty } from '../deps.js';
import { applyRowAction, fromState, toState, type FormState } from '../forms/spec.js';
import { TRANSACTION_FIELDS, TRANSACTION_STARTER } from '../forms/transaction.js';
import { Fields, indexErrors } from '../forms/view.js';
import { Csrf } from '../ui.js';
import { Candidates, Hits } from './screening-results.js';

const PT = 'proposedTransaction';
type Mode = 'party' | 'list' | 'application';

function modeOf(v: unknown): Mode {
  const s = one(v);
  return s === 'list' || s === 'application' ? s : 'party';
}

/** One party per line: `name`, optionally `; CC` for its country. */
export function parseList(text: string): ScreenParty[] {
  return text
    .split(/\r?\n/)
    .map((l) => l.trim())
    .filter(Boolean)
    .slice(0, 200)
    .map((l) => {
      const m = /^(.*?)\s*[;\t]\s*([A-Za-z]{2})$/.exec(l);
      return m ? { name: m[1]!, country: m[2]!.toUpperCase() } : { name: l };
    });
}

function partyOf(f: FormState): ScreenParty {
  const p: ScreenParty = { name: one(f.name).trim() };
  const country = one(f.country).trim().toUpperCase();
  if (/^[A-Z]{2}$/.test(country)) p.country = country;
  const ident = one(f.identifier).trim();
  const m = /^([A-Z_0-9]+):(.+)$/.exec(ident);
  if (m) p.identifiers = [{ scheme: m[1]!, value: m[2]!.trim() }];
  return p;
}

function screenForm(c: Ctx, mode: Mode, state: FormState, results?: VNode, error?: string): View {
  const tab = (m: Mode, label: string) => (
    <li>
      <a href={`/screen?mode=${m}`} aria-current={m === mode ? 'page' : undefined}>
        {label}
      </a>
    </li>
  );
  return {
    title: 'Screening',
    status: error ? 400 : 200,
    body: (
      <>
        <ul class="tabs">
          {tab('party', 'One party')}
          {tab('list', 'A pasted list')}
          {tab('application', 'A whole application')}
        </ul>
        {error ? (
          <div class="error-summary" role="alert">
            <p>{error}</p>
          </div>
        ) : null}
        <form method="post" action="/screen" class="screen-form" novalidate>
          <Csrf token={c.csrf} />
          <input type="hidden" name="mode" value={mode} />
          {mode === 'party' ? (
            <div class="row-fields">
              <div class="field">
                <label for="s-name">Name (any script)</label>
                <input type="text" id="s-name" name="name" dir="auto" value={one(state.name)} required />
              </div>
              <div class="field">
                <label for="s-country">Country</label>
                <input type="text" id="s-country" name="country" value={one(state.country)} placeholder="AE" />
              </div>
              <div class="field">
                <label for="s-ident">Identifier</label>
                <input
                  type="text"
                  id="s-ident"
                  name="identifier"
                  value={one(state.identifier)}
                  placeholder="IMO:9074729"
                />
              </div>
            </div>
          ) : mode === 'list' ? (
            <div class="field">
              <label for="s-list">Parties, one per line; add "; CC" for a country</label>
              <textarea id="s-list" name="list" rows={8} dir="auto">
                {one(state.list)}
              </textarea>
            </div>
          ) : (
            <Fields fields={TRANSACTION_FIELDS} prefix={PT} ctx={{ state, errors: indexErrors([]), amend: false }} />
          )}
          <div class="row-fields">
            <div class="field">
              <label for="s-thr">Threshold</label>
              <input
                type="text"
                inputMode="decimal"
                id="s-thr"
                name="threshold"
                value={one(state.threshold) || String(DEFAULT_THRESHOLD)}
              />
            </div>
            <div class="field field-bool">
              <input
                type="checkbox"
                id="s-inact"
                name="includeInactive"
                checked={one(state.includeInactive) === 'on'}
              />
              <label for="s-inact">Include revoked, withdrawn, expired and recalled records</label>
            </div>
          </div>
          <button type="submit" name="_go" value="screen">
            Screen
          </button>
        </form>
        {results}
      </>
    ),
  };
}

export function screeningPages(p: PageRouter): void {
  p.get('/screen', 'analyst', (c) => {
    const mode = modeOf(c.req.query.mode);
    return screenForm(c, mode, mode === 'application' ? toState(TRANSACTION_FIELDS, TRANSACTION_STARTER, PT) : {});
  });
  p.post('/screen', 'analyst', (c) => {
    const mode = modeOf(c.form.mode);
    const add = one(c.form._add);
    const remove = one(c.form._remove);
    if (add || remove) return screenForm(c, mode, applyRowAction(c.form, { add, remove }));
    const threshold = one(c.form.threshold) === '' ? DEFAULT_THRESHOLD : Number(one(c.form.threshold));
    if (!(threshold >= 0 && threshold <= 1))
      return screenForm(c, mode, c.form, undefined, 'The threshold is a number from 0 to 1.');
    // dismissals are personal: the viewer's own hide a hit, others' only label it
    const o = { threshold, limit: 10, includeInactive: one(c.form.includeInactive) === 'on', viewer: c.actor };
    try {
      if (mode === 'application') {
        const app = fromState(TRANSACTION_FIELDS, c.form, PT);
        if (!Array.isArray(app.parties) || !app.parties.length)
          return screenForm(c, mode, c.form, undefined, 'Name at least one party.');
        const r = c.deps.screening.screenApplication(app, o);
        c.deps.audit.record({
          action: 'screening.query',
          actor: c.actor,
          subject: 'application',
          details: { parties: r.parties.length, candidates: r.candidates.length },
        });
        const results = (
          <>
            <h2>Essentially identical transactions</h2>
            <Candidates c={c} list={r.candidates} state={c.form} />
            {r.parties.map((x, i) => (
              <Hits c={c} input={{ name: x.name }} hits={x.hits} n={i} />
            ))}
          </>
        );
        return screenForm(c, mode, c.form, results);
      }
      const inputs = mode === 'list' ? parseList(one(c.form.list)) : [partyOf(c.form)].filter((x) => x.name);
      if (!inputs.length) return screenForm(c, mode, c.form, undefined, 'Give at least one name.');
      const r = c.deps.screening.screen(inputs, o);
      c.deps.audit.record({
        action: 'screening.query',
        actor: c.actor,
        subject: 'screen',
        details: { parties: inputs.length, hits: r.reduce((n, x) => n + x.hits.length, 0) },
      });
      return screenForm(
        c,
        mode,
        c.form,
        <>
          {r.map((x, i) => (
            <Hits c={c} input={x.input} hits={x.hits} n={i} />
          ))}
        </>,
      );
    } catch (e) {
      if (!(e instanceof AppError) || e.status >= 500) throw e;
      return screenForm(c, mode, c.form, undefined, e.message);
    }
  });
  const rescreen = (c: Ctx, flash: string): View => {
    const input = partyOf(c.form);
    const r = c.deps.screening.screen([input], {
      threshold: DEFAULT_THRESHOLD,
      limit: 10,
      includeDismissed: true,
      viewer: c.actor,
    });
    const v = screenForm(
      c,
      'party',
      { name: input.name, country: input.country ?? '' },
      <>
        {r.map((x, i) => (
          <Hits c={c} input={x.input} hits={x.hits} n={i} />
        ))}
      </>,
    );
    return {
      ...v,
      body: (
        <>
          <div class="banner ok" role="status">
            {flash}
          </div>
          {v.body}
        </>
      ),
    };
  };
  p.post('/screen/dismiss', 'analyst', (c) => {
    const target = one(c.form.target);
    if (!/^(record|list)\|[^|]{1,200}\|[^|]{1,200}$/.test(target)) throw new AppError('validation', 'not a hit');
    c.deps.screening.dismiss(partyOf(c.form), target, c.actor, null);
    return rescreen(
      c,
      'Marked as a false positive for this name; later screenings of it flag the hit instead of listing it.',
    );
  });
  p.post('/screen/link', 'analyst', (c) => {
    const targets = (Array.isArray(c.form.link) ? c.form.link : [c.form.link]).filter(
      (t): t is string => typeof t === 'string',
    );
    if (targets.length !== 2 || targets[0] === targets[1])
      throw new AppError('validation', 'Select exactly two hits to link as the same party.');
    c.deps.screening.link(targets[0]!, targets[1]!, c.actor, null);
    return rescreen(c, 'Linked as the same party; later screening uses the link (nothing is merged).');
  });
}
