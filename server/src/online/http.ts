// HTTP for the online resolver: undici with a timeout on every request, no redirects to other hosts, bounded bodies.

export interface HttpResponse {
  status: number;
  headers: Record<string, string | undefined>;
  text: string;
}

const MAX_BODY = 8 * 1024 * 1024;

export async function httpRequest(
  url: string,
  init: { method?: 'GET' | 'HEAD'; headers?: Record<string, string>; timeoutMs: number },
): Promise<HttpResponse> {
  // Loaded on first use: offline runs (most CLI scans, an untrusted editor) never load the HTTP client.
  const { request } = await import('undici');
  const res = await request(url, {
    method: init.method ?? 'GET',
    headers: init.headers,
    headersTimeout: init.timeoutMs,
    bodyTimeout: init.timeoutMs,
    signal: AbortSignal.timeout(init.timeoutMs * 2),
  });
  const headers: Record<string, string | undefined> = {};
  for (const [k, v] of Object.entries(res.headers)) headers[k.toLowerCase()] = Array.isArray(v) ? v.join(', ') : v;
  let text = '';
  if (init.method === 'HEAD') await res.body.dump();
  else {
    for await (const chunk of res.body) {
      text += chunk.toString();
      if (text.length > MAX_BODY) {
        res.body.destroy();
        throw new Error(`response from ${new URL(url).host} is larger than ${MAX_BODY} bytes`);
      }
    }
  }
  return { status: res.statusCode, headers, text };
}

/** https only, except plain http to this machine (test servers, a local proxy). */
export function checkApiUrl(raw: string, what: string): URL {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new Error(`${what} is not a URL: ${raw}`);
  }
  const loopback = /^(127\.\d+\.\d+\.\d+|localhost|\[::1\])$/.test(url.hostname);
  if (url.protocol !== 'https:' && !(url.protocol === 'http:' && loopback))
    throw new Error(`${what} must be https:// (plain http only to this machine): ${raw}`);
  return url;
}
