// Signs in to the web console as a browser does, over plain HTTP: the sign-in page's CSRF token and
// cookie, the token posted with the page's Origin, and the session cookie and the CSRF token of the
// pages that follow. For tests and benchmarks that drive the console without a browser.
export interface ConsoleSession {
  cookie: string;
  csrf: string;
}

const csrfOf = (html: string) => /name="_csrf" value="([^"]+)"/.exec(html)![1]!;

export async function consoleSignIn(url: string, token: string): Promise<ConsoleSession> {
  const page = await fetch(url + '/sign-in');
  const csrf = csrfOf(await page.text());
  const signin = page.headers.getSetCookie()[0]!.split(';')[0]!;
  const r = await fetch(url + '/sign-in', {
    method: 'POST',
    redirect: 'manual',
    headers: { cookie: signin, 'content-type': 'application/x-www-form-urlencoded', origin: url },
    body: new URLSearchParams({ _csrf: csrf, token, next: '/' }),
  });
  const cookie = r.headers
    .getSetCookie()
    .find((c) => c.startsWith('entente_session='))!
    .split(';')[0]!;
  const home = await (await fetch(url + '/', { headers: { cookie } })).text();
  return { cookie, csrf: csrfOf(home) };
}
