/**
 * Every method and path pattern the server answers, so that a request for a known path with
 * the wrong method gets 405 `METHOD_NOT_ALLOWED` (with `Allow`) instead of 404.
 */
export class RouteTable {
  readonly #routes: { method: string; pattern: RegExp }[] = [];

  /** Records a fastify route (`/collections/:name`, `/files/*`). */
  add(method: string, url: string): void {
    this.#routes.push({ method: method.toUpperCase(), pattern: compile(url) });
  }

  /** The methods some route answers for this concrete path (no query string). */
  methodsFor(path: string): string[] {
    const methods = new Set<string>();
    for (const route of this.#routes) if (route.pattern.test(path)) methods.add(route.method);
    return [...methods].sort();
  }
}

function compile(url: string): RegExp {
  let source = '';
  for (const segment of url.split('/').slice(1)) {
    source += '/';
    if (segment === '*') {
      source += '.*';
      continue;
    }
    // `:name` and `:name(regex)` match one segment; anything else matches itself.
    source += segment
      .split(/(:[A-Za-z0-9_]+(?:\([^)]*\))?)/)
      .map((part) => (part.startsWith(':') ? '[^/]+' : part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')))
      .join('');
  }
  return new RegExp(`^${source || '/'}$`);
}
