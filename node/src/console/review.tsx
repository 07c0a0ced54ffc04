// The cross-version review of a received record (issue 13) in the console: the label in the records
// list, the findings on the record's page, and "mark reviewed", which calls the same service as
// POST /admin/v1/records/{id}/review (audited `record.review` with the person's token name).
import type { VNode } from 'preact';
import type { RecordDetail } from './deps.js';
import { Csrf, T, When } from './ui.js';

export const REVIEW_LABEL = 'cross-version-violation';

/** The list's label: what it means in words, linked to the findings on the record's page. */
export function ReviewBadge(props: { id: string }): VNode {
  return (
    <a class="badge warn review-label" href={`/records/${encodeURIComponent(props.id)}#sec-review`}>
      to review: a new version changed what the originator may not change
    </a>
  );
}

/** The note's rules are the API's (ReviewBody.note: Text¶, at most 2000 characters). */
export function reviewNote(raw: string): { note: string | null; problem?: string } {
  const note = raw.replace(/\r\n?/g, '\n').trim();
  if (!note) return { note: null };
  if (note.length > 2000) return { note, problem: 'at most 2000 characters' };
  // eslint-disable-next-line no-control-regex -- refusing control characters is the point
  if (!note.isWellFormed() || /[\u0000-\u0009\u000B-\u001F\u007F]/.test(note))
    return { note, problem: 'no control characters' };
  return { note };
}

/** The findings awaiting review and, for anyone who may review, the form that marks them reviewed. */
export function ReviewPanel(props: {
  d: RecordDetail;
  csrf: string;
  note?: string;
  problem?: string | undefined;
}): VNode | null {
  const { d } = props;
  if (!d.review?.length) return null;
  const err = props.problem;
  return (
    <section aria-labelledby="sec-review" class="review panel">
      <h2 id="sec-review">To review: a version changed what the originator may not change</h2>
      <p>
        {d.origin} sent {d.review.length === 1 ? 'a version' : `${d.review.length} versions`} that break the rules
        between versions (docs/records.md §2.1). The node applied {d.review.length === 1 ? 'it' : 'them'} and raised an
        alarm; the record carries the label <span class="badge warn">{REVIEW_LABEL}</span> in search and screening until
        someone marks it reviewed.
      </p>
      {d.review.map((r) => (
        <table class="data">
          <caption>
            Version {r.version} against version {r.heldVersion} held, received <When at={r.at} />
          </caption>
          <thead>
            <tr>
              <th scope="col">Rule</th>
              <th scope="col">Member</th>
              <th scope="col">What changed</th>
            </tr>
          </thead>
          <tbody>
            {r.violations.map((v) => (
              <tr>
                <td>
                  <code>{v.rule}</code>
                </td>
                <td>
                  <code>{v.pointer}</code>
                </td>
                <td>
                  <T>{v.message}</T>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      ))}
      <form method="post" action={`/records/${encodeURIComponent(d.id)}/review`} class="card">
        <Csrf token={props.csrf} />
        <div class={`field${err ? ' invalid' : ''}`}>
          <label for="review-note">Note (optional; kept in the audit log)</label>
          {err ? (
            <p class="error" id="review-note-err">
              {err}
            </p>
          ) : null}
          <textarea
            id="review-note"
            name="note"
            rows={2}
            maxLength={2000}
            dir="auto"
            aria-invalid={err ? 'true' : undefined}
            aria-describedby={err ? 'review-note-err' : undefined}
          >
            {props.note ?? ''}
          </textarea>
        </div>
        <button type="submit">Mark reviewed</button>
      </form>
    </section>
  );
}
