/* eslint-disable @typescript-eslint/no-unsafe-member-access, @typescript-eslint/no-unsafe-call, @typescript-eslint/no-explicit-any -- walking parsed YAML documents, whose shape is what the test checks */
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

import { load, loadAll } from 'js-yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { serverConfigSchema } from '../src/config.js';
import { createServer } from '../src/server/create-server.js';
import type { NeedleServer } from '../src/server/create-server.js';
import { LogCapture, tempDir } from './helpers.js';

/**
 * The deployment files in docker/ cannot run here (no container engine); they are checked
 * statically instead: they parse, name the server's real port and probe paths, mount files
 * that exist, and run as a non-root user.
 */
const ROOT = resolve(import.meta.dirname, '../../..');
const DOCKER = join(ROOT, 'docker');
const read = (path: string) => readFileSync(join(DOCKER, path), 'utf8');
const defaults = serverConfigSchema.parse({});

type Yaml = Record<string, any>;

let server: NeedleServer;
let url: string;
let dir: ReturnType<typeof tempDir>;
beforeAll(async () => {
  dir = tempDir('needle-deploy-');
  server = await createServer(
    serverConfigSchema.parse({
      port: 0,
      dataDir: join(dir.path, 'data'),
      auth: { adminApiKey: 'deployment-check-key-0123' },
    }),
    { logStream: new LogCapture() },
  );
  url = await server.start();
  await server.opened();
});
afterAll(async () => {
  await server.close();
  dir.remove();
});

/** A probe path answers 200 without credentials on a real server. */
async function expectProbe(path: string): Promise<void> {
  const res = await fetch(`${url}${path}`);
  expect(res.status, path).toBe(200);
}

describe('docker/server.Dockerfile', () => {
  const text = read('server.Dockerfile');
  const lines = text.split('\n');

  it('builds in stages and runs as a non-root user on the default port', async () => {
    expect(lines.filter((l) => l.startsWith('FROM ')).length).toBeGreaterThanOrEqual(2);
    const finalStage = text.slice(text.lastIndexOf('\nFROM '));
    const user = /^USER (\S+)/m.exec(finalStage)?.[1];
    expect(user).toBeDefined();
    expect(['root', '0']).not.toContain(user);
    expect(finalStage).toMatch(new RegExp(`^EXPOSE ${defaults.port}$`, 'm'));
    expect(finalStage).toMatch(/NEEDLE_HOST=0\.0\.0\.0/);
    expect(finalStage).toMatch(/CMD \["node", "apps\/server\/bin\/needle\.js", "serve"\]/);
    expect(existsSync(join(ROOT, 'apps/server/bin/needle.js'))).toBe(true);
    const health = /HEALTHCHECK[\s\S]*?127\.0\.0\.1:(\d+)(\/\w+)/.exec(finalStage);
    expect(Number(health?.[1])).toBe(defaults.port);
    await expectProbe(health![2]!);
  });
});

describe('docker/console.Dockerfile and docker/console/nginx.conf', () => {
  const text = read('console.Dockerfile');
  const nginx = read('console/nginx.conf');
  const finalStage = text.slice(text.lastIndexOf('\nFROM '));
  const nextConfig = readFileSync(join(ROOT, 'apps/console/next.config.ts'), 'utf8');
  const compose = load(read('compose.yml')) as Yaml;

  it('builds the console in a stage of its own and serves it as a non-root user, checked by a health check', () => {
    expect(text.split('\n').filter((l) => l.startsWith('FROM ')).length).toBeGreaterThanOrEqual(2);
    expect(text).toMatch(/turbo run build --filter=@needle\/console/);
    const user = /^USER (\S+)/m.exec(finalStage)?.[1];
    expect(user).toBeDefined();
    expect(['root', '0']).not.toContain(user);
    const exposed = Number(/^EXPOSE (\d+)$/m.exec(finalStage)?.[1]);
    expect(Number(/listen (\d+);/.exec(nginx)?.[1])).toBe(exposed);
    const health = /HEALTHCHECK[\s\S]*?127\.0\.0\.1:(\d+)(\/\w+\/)/.exec(finalStage);
    expect(Number(health?.[1])).toBe(exposed);
    expect(health?.[2]).toBe('/console/');
    const service = (compose.services as Yaml).console as Yaml;
    expect(service.ports).toContain(`${exposed}:${exposed}`);
    expect(existsSync(join(ROOT, (service.build as Yaml).dockerfile as string))).toBe(true);
  });

  it("copies the console's export where nginx serves it, under the console's base path", () => {
    const basePath = /basePath: '([^']+)'/.exec(nextConfig)?.[1];
    expect(basePath).toBe('/console');
    expect(nextConfig).toMatch(/output: 'export'/);
    const copy = /^COPY --from=build \/app\/apps\/console\/out (\S+)$/m.exec(finalStage);
    expect(copy).not.toBeNull();
    const root = /location \/console\/ \{\s*root (\S+);/.exec(nginx)?.[1];
    expect(`${root}${basePath}`).toBe(copy![1]);
    expect(finalStage).toContain('COPY docker/console/nginx.conf /etc/nginx/conf.d/default.conf');
  });

  it("proxies every other path to the needle service on the server's port", async () => {
    const target = /proxy_pass http:\/\/([\w-]+):(\d+);/.exec(nginx);
    expect(target?.[1]).toBe('needle');
    expect(Number(target?.[2])).toBe(defaults.port);
    expect(Object.keys(compose.services as Yaml)).toContain(target![1]);
    // What the console calls through the proxy answers on a real server.
    const res = await fetch(`${url}/trpc/system.info`, {
      headers: { 'x-api-key': 'deployment-check-key-0123' },
    });
    expect(res.status).toBe(200);
  });
});

describe('docker/compose.yml', () => {
  const compose = load(read('compose.yml')) as Yaml;

  it('runs Needle, Prometheus, Alertmanager and Grafana, mounting files that exist', () => {
    expect(Object.keys(compose.services as Yaml).sort()).toEqual([
      'alertmanager',
      'console',
      'grafana',
      'needle',
      'prometheus',
    ]);
    for (const [name, service] of Object.entries(compose.services as Record<string, Yaml>)) {
      for (const volume of (service.volumes ?? []) as string[]) {
        const [source] = volume.split(':');
        if (!source!.startsWith('.')) continue;
        expect(existsSync(join(DOCKER, source!)), `${name}: ${source}`).toBe(true);
      }
    }
    const needle = (compose.services as Yaml).needle as Yaml;
    expect(needle.ports).toContain(`${defaults.port}:${defaults.port}`);
    expect(existsSync(join(ROOT, (needle.build as Yaml).dockerfile as string))).toBe(true);
    expect(needle.environment.NEEDLE_ADMIN_API_KEY).toMatch(/NEEDLE_ADMIN_API_KEY/);
  });

  it("points Prometheus at Needle's metrics and the generated rules, and Grafana at the generated provisioning", async () => {
    const prometheus = load(read('prometheus/prometheus.yml')) as Yaml;
    const job = (prometheus.scrape_configs as Yaml[]).find((j) => j.job_name === 'needle')!;
    expect(job.static_configs[0].targets).toEqual([`needle:${defaults.port}`]);
    await expectProbe(job.metrics_path as string);
    const mounts = ((compose.services as Yaml).prometheus.volumes as string[]).map((v) =>
      v.split(':'),
    );
    for (const rule of prometheus.rule_files as string[]) {
      expect(
        mounts.some(([, target]) => target === rule),
        rule,
      ).toBe(true);
    }
    expect(prometheus.alerting.alertmanagers[0].static_configs[0].targets).toEqual([
      'alertmanager:9093',
    ]);
    const provider = (
      load(readFileSync(join(ROOT, 'grafana/provisioning/dashboards/needle.yml'), 'utf8')) as Yaml
    ).providers[0];
    const grafanaMounts = ((compose.services as Yaml).grafana.volumes as string[]).map((v) =>
      v.split(':'),
    );
    expect(grafanaMounts.some(([, target]) => target === provider.options.path)).toBe(true);
  });
});

describe('docker/k8s/needle.yaml', () => {
  const docs = loadAll(read('k8s/needle.yaml')) as Yaml[];
  const workload = docs.find((d) => d.kind === 'StatefulSet' || d.kind === 'Deployment')!;
  const container = workload.spec.template.spec.containers[0] as Yaml;

  it('sets resource requests and limits, a volume for the data, and the admin key from a secret', () => {
    for (const kind of ['requests', 'limits']) {
      expect(container.resources[kind].cpu, kind).toBeDefined();
      expect(container.resources[kind].memory, kind).toBeDefined();
    }
    const env = Object.fromEntries((container.env as Yaml[]).map((e) => [e.name, e]));
    const mount = (container.volumeMounts as Yaml[])[0]!;
    expect(env.NEEDLE_DATA_DIR.value).toBe(mount.mountPath);
    const claim = workload.spec.template.spec.volumes.find((v: Yaml) => v.name === mount.name)
      .persistentVolumeClaim.claimName;
    expect(docs.some((d) => d.kind === 'PersistentVolumeClaim' && d.metadata.name === claim)).toBe(
      true,
    );
    expect(env.NEEDLE_ADMIN_API_KEY.valueFrom.secretKeyRef).toBeDefined();
    expect(workload.spec.template.spec.securityContext.runAsNonRoot).toBe(true);
    expect(
      serverConfigSchema.safeParse({ memoryLimitBytes: env.NEEDLE_MEMORY_LIMIT.value }).success,
    ).toBe(true);
  });

  it('probes liveness on /health and readiness on /ready, on the port the server listens on', async () => {
    const port = (container.ports as Yaml[]).find((p) => p.name === 'http')!;
    expect(port.containerPort).toBe(defaults.port);
    expect(Number((container.env as Yaml[]).find((e) => e.name === 'NEEDLE_PORT')!.value)).toBe(
      port.containerPort,
    );
    expect(container.livenessProbe.httpGet.path).toBe('/health');
    expect(container.readinessProbe.httpGet.path).toBe('/ready');
    for (const probe of ['livenessProbe', 'readinessProbe', 'startupProbe']) {
      expect(container[probe].httpGet.port).toBe('http');
      await expectProbe(container[probe].httpGet.path as string);
    }
    const service = docs.find((d) => d.kind === 'Service')!;
    expect(service.spec.ports[0].targetPort).toBe('http');
  });
});
