// An operator API caller for the scripts (demo, exercise, benchmarks): JSON in, the status and the
// parsed JSON answer out, with the node's bearer token.
export type OperatorCall = (method: string, path: string, body?: unknown) => Promise<{ status: number; body: any }>;

export function operatorApi(url: string, token: string): OperatorCall {
  return async (method, path, body) => {
    const res = await fetch(url + path, {
      method,
      headers: {
        authorization: `Bearer ${token}`,
        ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
      },
      body: body === undefined ? null : JSON.stringify(body),
    });
    const text = await res.text();
    return { status: res.status, body: text ? JSON.parse(text) : undefined };
  };
}
