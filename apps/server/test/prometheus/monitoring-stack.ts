import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

import { RunningProcess, freePort, requireBinary } from './child-process.js';

/** What {@link MonitoringStack.start} runs Prometheus and Alertmanager with. */
export interface MonitoringStackOptions {
  /** A directory of the test's own (configs and storage go under it; the caller removes it). */
  dir: string;
  /** `host:port` of the Needle server whose `/metrics` Prometheus scrapes. */
  scrapeTarget: string;
  /** The Prometheus rule file to load (the generated `needle-rules.yml`). */
  rules: string;
  /** The Alertmanager config (the generated example, pointed at the test's receiver). */
  alertmanagerConfig: string;
  /** How long each process may take to answer `/-/ready`. */
  readyTimeoutMs?: number;
}

/** Attempts at starting a process when the free port picked was taken before it bound it. */
const PORT_ATTEMPTS = 3;

/**
 * Debian's `prometheus` and `prometheus-alertmanager` as an operator would run them beside
 * Needle, on free loopback ports with their storage in a temporary directory: Prometheus
 * scrapes the server and evaluates the rules every second and sends alerts to the
 * Alertmanager, which runs alone (no cluster).
 */
export class MonitoringStack {
  readonly prometheusUrl: string;
  readonly alertmanagerUrl: string;
  readonly #processes: RunningProcess[];

  private constructor(prometheus: Started, alertmanager: Started) {
    this.prometheusUrl = prometheus.url;
    this.alertmanagerUrl = alertmanager.url;
    this.#processes = [prometheus.process, alertmanager.process];
  }

  /** Starts Alertmanager, then Prometheus; each is ready (`/-/ready` is 200) when this resolves. */
  static async start(options: MonitoringStackOptions): Promise<MonitoringStack> {
    const prometheusBinary = requireBinary('prometheus');
    const alertmanagerBinary = requireBinary('prometheus-alertmanager');
    const timeout = options.readyTimeoutMs ?? 30_000;
    const { dir } = options;

    const alertmanagerConfig = join(dir, 'alertmanager.yml');
    writeFileSync(alertmanagerConfig, options.alertmanagerConfig);
    mkdirSync(join(dir, 'alertmanager-data'));
    const alertmanager = await startOnFreePort(
      'prometheus-alertmanager',
      alertmanagerBinary,
      (port) => [
        `--config.file=${alertmanagerConfig}`,
        `--storage.path=${join(dir, 'alertmanager-data')}`,
        `--web.listen-address=127.0.0.1:${String(port)}`,
        // Alone: no gossip port, no peers.
        '--cluster.listen-address=',
      ],
      timeout,
    );

    try {
      const rulesFile = join(dir, 'needle-rules.yml');
      writeFileSync(rulesFile, options.rules);
      const prometheusConfig = join(dir, 'prometheus.yml');
      // JSON is YAML: the config is written as plain data.
      writeFileSync(
        prometheusConfig,
        JSON.stringify(
          {
            global: { scrape_interval: '1s', scrape_timeout: '1s', evaluation_interval: '1s' },
            rule_files: [rulesFile],
            alerting: {
              alertmanagers: [{ static_configs: [{ targets: [new URL(alertmanager.url).host] }] }],
            },
            scrape_configs: [
              {
                job_name: 'needle',
                metrics_path: '/metrics',
                static_configs: [{ targets: [options.scrapeTarget] }],
              },
            ],
          },
          null,
          2,
        ),
      );
      const prometheus = await startOnFreePort(
        'prometheus',
        prometheusBinary,
        (port) => [
          `--config.file=${prometheusConfig}`,
          `--storage.tsdb.path=${join(dir, `prometheus-data-${String(port)}`)}`,
          `--web.listen-address=127.0.0.1:${String(port)}`,
        ],
        timeout,
      );
      return new MonitoringStack(prometheus, alertmanager);
    } catch (error) {
      await alertmanager.process.stop();
      throw error;
    }
  }

  /** The output of both processes, for a failure message. */
  output(): string {
    return this.#processes.map((p) => `--- ${p.name}:\n${p.output()}`).join('\n');
  }

  /** Stops both processes (killing them if they linger) and waits for their end. */
  async stop(): Promise<void> {
    await Promise.all(this.#processes.map((p) => p.stop()));
  }
}

interface Started {
  process: RunningProcess;
  url: string;
}

/**
 * Starts a process on a free port and waits until it is ready; when another process took the
 * port between the pick and the bind, tries again on another one.
 */
async function startOnFreePort(
  name: string,
  binary: string,
  argsFor: (port: number) => string[],
  timeoutMs: number,
): Promise<Started> {
  for (let attempt = 1; ; attempt += 1) {
    const port = await freePort();
    const url = `http://127.0.0.1:${String(port)}`;
    const process = RunningProcess.start(name, binary, argsFor(port));
    try {
      await process.waitReady(`${url}/-/ready`, timeoutMs);
      return { process, url };
    } catch (error) {
      await process.stop();
      const taken = /address already in use/i.test(process.output());
      if (!taken || attempt >= PORT_ATTEMPTS) throw error;
    }
  }
}
