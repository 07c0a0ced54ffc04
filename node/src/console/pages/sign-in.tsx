// Sign-in: paste an operator token once; the node starts a server-side session.
import type { VNode } from 'preact';

export function SignInPage(props: {
  csrf: string;
  next: string;
  error?: string | undefined;
  signedOut: boolean;
}): VNode {
  return (
    <div class="panel narrow">
      {props.signedOut ? (
        <div class="banner ok" role="status">
          You signed out; the session has ended.
        </div>
      ) : null}
      {props.error ? (
        <div class="error-summary" role="alert">
          <p>{props.error}</p>
        </div>
      ) : null}
      <p>
        Paste the operator token you were given (an admin's is in <code>D/admin.token</code>). The node keeps a session
        for you: it ends after 30 minutes without use, after 12 hours, when you sign out, or when the token is revoked.
      </p>
      <form method="post" action="/sign-in">
        <input type="hidden" name="_csrf" value={props.csrf} />
        <input type="hidden" name="next" value={props.next} />
        <div class="field">
          <label for="token">Operator token</label>
          <input type="password" id="token" name="token" autocomplete="off" required spellcheck={false} />
        </div>
        <button type="submit">Sign in</button>
      </form>
    </div>
  );
}
