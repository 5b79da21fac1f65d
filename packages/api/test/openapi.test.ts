import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { allRoutes, openApiDocument } from '../src/index.js';
import { startServer } from './helpers/start-server.js';
import type { TestServer } from './helpers/start-server.js';

let s: TestServer;
let doc: any;
beforeAll(async () => {
  s = await startServer();
  const res = await s.call('GET', '/openapi.json');
  expect(res.status).toBe(200);
  doc = res.body;
});
afterAll(async () => {
  await s.close();
});

const METHODS = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'];
const JSON_TYPES = ['string', 'number', 'integer', 'boolean', 'object', 'array', 'null'];

/** Every `$ref` in the document, with where it was found. */
function refs(node: unknown, at = '#'): [string, string][] {
  if (Array.isArray(node)) return node.flatMap((n, i) => refs(n, `${at}/${i}`));
  if (typeof node !== 'object' || node === null) return [];
  return Object.entries(node).flatMap(([k, v]) =>
    k === '$ref' && typeof v === 'string' ? [[v, at] as [string, string]] : refs(v, `${at}/${k}`),
  );
}
function resolve(pointer: string): unknown {
  return pointer
    .slice(2)
    .split('/')
    .map((p) => p.replaceAll('~1', '/').replaceAll('~0', '~'))
    .reduce<any>((node, key) => (node === undefined ? undefined : node[key]), doc);
}
/** Checks the JSON Schema keywords we emit are well-formed (types, required, properties). */
function checkSchema(schema: any, where: string): void {
  expect(typeof schema, where).toBe('object');
  if (schema.$ref) return;
  if (schema.type !== undefined) {
    for (const t of [schema.type].flat()) expect(JSON_TYPES, `${where} type`).toContain(t);
  }
  if (schema.required !== undefined) {
    expect(Array.isArray(schema.required), where).toBe(true);
    for (const r of schema.required)
      expect(Object.keys(schema.properties ?? {}), where).toContain(r);
  }
  for (const [name, sub] of Object.entries(schema.properties ?? {}))
    checkSchema(sub, `${where}.${name}`);
  if (schema.items) checkSchema(schema.items, `${where}[]`);
  for (const key of ['anyOf', 'oneOf', 'allOf'])
    for (const sub of schema[key] ?? []) checkSchema(sub, `${where}.${key}`);
  expect(schema.$schema, `${where} has no $schema of its own`).toBeUndefined();
}

describe('GET /openapi.json', () => {
  it('is an OpenAPI 3.1 document with both security schemes', () => {
    expect(doc.openapi).toBe('3.1.0');
    expect(doc.info).toMatchObject({ title: 'Needle', version: '9.9.9-test' });
    expect(doc.jsonSchemaDialect).toBe('https://json-schema.org/draft/2020-12/schema');
    expect(doc.components.securitySchemes).toEqual({
      ApiKey: { type: 'apiKey', in: 'header', name: 'X-API-Key' },
      Bearer: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' },
    });
    expect(doc.security).toEqual([{ ApiKey: [] }, { Bearer: [] }]);
    expect(doc).toEqual(openApiDocument(allRoutes, '9.9.9-test'));
  });

  it('describes every route, under /v1 for API routes, with unique operation ids', () => {
    const ids = new Set<string>();
    for (const route of allRoutes) {
      const path =
        (route.kind === 'api' ? '/v1' : '') + route.path.replace(/:([A-Za-z0-9_]+)/g, '{$1}');
      const op = doc.paths[path]?.[route.method.toLowerCase()];
      expect(op, `${route.method} ${path}`).toBeDefined();
      expect(op.operationId).toBe(route.id);
      expect(ids.has(op.operationId)).toBe(false);
      ids.add(op.operationId);
      expect(op.responses[String(route.status)].content['application/json'].schema).toBeDefined();
      if (!route.secured) expect(op.security).toEqual([]);
      else expect(op.security).toBeUndefined();
    }
    const documented = Object.values(doc.paths).flatMap((item: any) =>
      Object.keys(item).filter((k) => METHODS.includes(k)),
    );
    expect(documented).toHaveLength(allRoutes.length);
    for (const path of [
      '/health',
      '/health/live',
      '/health/ready',
      '/ready',
      '/',
      '/info',
      '/openapi.json',
    ])
      expect(doc.paths[path], path).toBeDefined();
    for (const path of [
      '/v1/collections/{name}/search',
      '/v1/collections/{name}/search/batch',
      '/v1/collections/{name}/search/radius',
      '/v1/collections/{name}/query',
      '/v1/collections/{name}/count',
      '/v1/collections/{name}/compact',
      '/v1/collections/{name}/export',
      '/v1/collections/{name}/snapshots',
      '/v1/collections/{name}/snapshots/{snapshot}/restore',
      '/v1/collections/{name}/vectors/{id}/metadata',
    ])
      expect(doc.paths[path], path).toBeDefined();
  });

  it('is well formed: path parameters declared, responses keyed by status, refs resolve, schemas sound', () => {
    for (const [path, item] of Object.entries<any>(doc.paths)) {
      expect(path.startsWith('/')).toBe(true);
      const templated = [...path.matchAll(/\{([^}]+)\}/g)].map((m) => m[1]).sort();
      for (const [method, op] of Object.entries<any>(item)) {
        expect(METHODS).toContain(method);
        const pathParams = (op.parameters ?? []).filter((p: any) => p.in === 'path');
        expect(pathParams.map((p: any) => p.name).sort(), `${method} ${path}`).toEqual(templated);
        for (const p of pathParams) expect(p.required).toBe(true);
        for (const p of op.parameters ?? []) {
          expect(['path', 'query', 'header', 'cookie']).toContain(p.in);
          checkSchema(p.schema, `${method} ${path} ${p.name}`);
        }
        if (op.requestBody)
          checkSchema(op.requestBody.content['application/json'].schema, `${method} ${path} body`);
        const statuses = Object.keys(op.responses);
        expect(statuses.length).toBeGreaterThan(0);
        for (const status of statuses) {
          expect(status, `${method} ${path}`).toMatch(/^[1-5]\d\d$/);
          const response = op.responses[status];
          expect(typeof response.description).toBe('string');
          checkSchema(response.content['application/json'].schema, `${method} ${path} ${status}`);
        }
        expect(
          statuses.some((st) => st.startsWith('2')),
          `${method} ${path}`,
        ).toBe(true);
      }
    }
    for (const [ref, at] of refs(doc)) {
      expect(ref.startsWith('#/'), at).toBe(true);
      expect(resolve(ref), `${ref} at ${at}`).toBeDefined();
    }
    checkSchema(doc.components.schemas.Error, 'Error');
  });

  it('documents request bodies and error codes from the same schemas that validate', () => {
    const search = doc.paths['/v1/collections/{name}/search'].post;
    const body = search.requestBody.content['application/json'].schema;
    expect(body.required).toEqual(['vector']);
    expect(body.properties.k).toMatchObject({
      type: 'integer',
      minimum: 1,
      maximum: 10_000,
      default: 10,
    });
    expect(body.properties.vector).toMatchObject({ type: 'array', items: { type: 'number' } });
    expect(search.responses['400'].description).toContain('INVALID_K');
    expect(search.responses['504'].description).toContain('QUERY_TIMEOUT');
    expect(search.responses['400'].content['application/json'].schema).toEqual({
      $ref: '#/components/schemas/Error',
    });
    const create = doc.paths['/v1/collections'].post;
    expect(create.requestBody.required).toBe(true);
    expect(create.responses['409'].description).toContain('COLLECTION_EXISTS');
    const list = doc.paths['/v1/collections'].get;
    expect(list.parameters.map((p: any) => [p.name, p.in, p.required])).toEqual([
      ['offset', 'query', false],
      ['limit', 'query', false],
    ]);
    const count = doc.paths['/v1/collections/{name}/count'].post;
    expect(count.requestBody.required).toBe(false);
    const ready = doc.paths['/ready'].get;
    expect(
      ready.responses['503'].content['application/json'].schema.properties.status,
    ).toBeDefined();
  });
});
