// GET a JSON document from a Tally server (the audit's published digests, a precinct's current
// versions): any answer but 2xx is an error naming the URL and the status.
export async function fetchJson(url: string, token?: string): Promise<unknown> {
  const response = await fetch(url, { headers: token ? { authorization: `Bearer ${token}` } : {} });
  if (!response.ok) throw new Error(`${url} answered ${response.status} ${response.statusText}`);
  return response.json();
}
