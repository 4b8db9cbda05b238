// The directory's HTTP API, as every other client calls it (DESIGN §6): same-origin GETs, JSON
// answers, and a bearer token when the user pasted one (DESIGN §10), kept in this tab only.

const TOKEN_KEY = 'multipartner.console.token';

export function savedToken() {
  try {
    return sessionStorage.getItem(TOKEN_KEY) ?? '';
  } catch {
    return ''; // storage disabled: the console still works without a token
  }
}

export function saveToken(token) {
  try {
    if (token) sessionStorage.setItem(TOKEN_KEY, token);
    else sessionStorage.removeItem(TOKEN_KEY);
    return true;
  } catch {
    return false;
  }
}

/** A call that did not give a 2xx answer: `status` is 0 when the directory did not answer at all. */
export class ApiError extends Error {
  constructor(status, message, retryAfter) {
    super(message);
    this.status = status;
    this.retryAfter = retryAfter;
  }
}

/** Path segments are encoded, so an id is always one segment, whatever it contains. */
export function path(strings, ...values) {
  return strings.reduce((out, s, i) => out + s + (i < values.length ? encodeURIComponent(values[i]) : ''), '');
}

/** GET `url` (a path of this origin) and its JSON body, or an ApiError. */
export async function get(url) {
  const headers = { Accept: 'application/json' };
  const token = savedToken();
  if (token) headers.Authorization = `Bearer ${token}`;
  let response;
  try {
    response = await fetch(url, { headers, cache: 'no-store', credentials: 'same-origin' });
  } catch {
    throw new ApiError(0, 'The directory did not answer (is it running, and is this page served by it?).');
  }
  let body;
  try {
    body = await response.json();
  } catch {
    body = undefined;
  }
  if (response.ok && body !== undefined) return body;
  const message = typeof body?.message === 'string' ? body.message : Array.isArray(body?.message) ? body.message.join('; ') : response.statusText || 'no explanation given';
  if (response.ok) throw new ApiError(response.status, 'The directory answered something that is not JSON.');
  throw new ApiError(response.status, message, response.headers.get('Retry-After') ?? undefined);
}

/** One sentence for a person about a failed call. */
export function explain(error) {
  if (!(error instanceof ApiError)) return `Something went wrong in the console: ${error?.message ?? error}`;
  switch (error.status) {
    case 0:
      return error.message;
    case 400:
      return `The directory refused the query: ${error.message}`;
    case 401:
      return `Not authorised: paste a valid token under “Access token” (${error.message}).`;
    case 403:
      return `This token may not see that (${error.message}).`;
    case 404:
      return error.message;
    case 503:
      return `The directory is not ready (${error.message})${error.retryAfter ? `; try again in ${error.retryAfter} s` : ''}.`;
    default:
      return `The directory answered ${error.status}: ${error.message}`;
  }
}
