// GET a JSON document from a Tally server (the audit's published digests, a precinct's current
// versions, an act's draft): any answer but 2xx is an error naming the URL and the status, and,
// for a problem+json answer, what the server said was wrong.
export async function fetchJson(url: string, token?: string): Promise<unknown> {
  const response = await fetch(url, { headers: token ? { authorization: `Bearer ${token}` } : {} });
  if (!response.ok) {
    let why = '';
    if ((response.headers.get('content-type') ?? '').startsWith('application/problem+json')) {
      const body = (await response.json().catch(() => undefined)) as { detail?: unknown } | undefined;
      if (typeof body?.detail === 'string') why = `: ${body.detail}`;
    }
    throw new Error(`${url} answered ${response.status} ${response.statusText}${why}`);
  }
  return response.json();
}
