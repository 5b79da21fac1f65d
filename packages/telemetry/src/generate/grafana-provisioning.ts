import { GENERATED_HEADER } from './prometheus-rules.js';
import { toYaml } from './yaml.js';

/** Where the provisioned dashboards are mounted in the Grafana container. */
export const GRAFANA_DASHBOARDS_PATH = '/var/lib/grafana/dashboards/needle';

/** `grafana/provisioning/datasources/prometheus.yml`: the Prometheus datasource, uid `prometheus`. */
export function datasourceProvisioning(): string {
  return toYaml(
    {
      apiVersion: 1,
      datasources: [
        {
          name: 'Prometheus',
          uid: 'prometheus',
          type: 'prometheus',
          access: 'proxy',
          url: 'http://prometheus:9090',
          isDefault: true,
          editable: false,
          jsonData: { timeInterval: '15s' },
        },
      ],
    },
    GENERATED_HEADER,
  );
}

/** `grafana/provisioning/dashboards/needle.yml`: the dashboards, from files, in a Needle folder. */
export function dashboardProvisioning(): string {
  return toYaml(
    {
      apiVersion: 1,
      providers: [
        {
          name: 'needle',
          folder: 'Needle',
          type: 'file',
          disableDeletion: true,
          allowUiUpdates: false,
          updateIntervalSeconds: 30,
          options: { path: GRAFANA_DASHBOARDS_PATH },
        },
      ],
    },
    GENERATED_HEADER,
  );
}

/** Options of {@link alertmanagerExample}; the defaults give the committed example. */
export interface AlertmanagerExampleOptions {
  /**
   * Base URL of the webhook receivers: warnings go to `<url>/warning`, critical alerts to
   * `<url>/critical`. Default `http://alert-receiver.example:9099`.
   */
  readonly receiverUrl?: string;
  /** How long a new group waits for more alerts before its first notification. Default `30s`. */
  readonly groupWait?: string;
  /** How long before a group that changed is notified again. Default `5m`. */
  readonly groupInterval?: string;
}

/**
 * `grafana/alertmanager/alertmanager.example.yml`: alerts grouped by name (and collection),
 * critical ones repeated more often, and a warning silenced while the same alert is critical.
 * The options point it at real receivers and shorten its waits (an end-to-end test).
 */
export function alertmanagerExample(options: AlertmanagerExampleOptions = {}): string {
  const {
    receiverUrl = 'http://alert-receiver.example:9099',
    groupWait = '30s',
    groupInterval = '5m',
  } = options;
  const webhook = (path: string) => ({
    url: `${receiverUrl}/${path}`,
    send_resolved: true,
  });
  return toYaml(
    {
      route: {
        receiver: 'needle-warning',
        group_by: ['alertname', 'collection'],
        group_wait: groupWait,
        group_interval: groupInterval,
        repeat_interval: '4h',
        routes: [
          { receiver: 'needle-critical', matchers: ['severity="critical"'], repeat_interval: '1h' },
        ],
      },
      receivers: [
        { name: 'needle-warning', webhook_configs: [webhook('warning')] },
        { name: 'needle-critical', webhook_configs: [webhook('critical')] },
      ],
      inhibit_rules: [
        {
          source_matchers: ['severity="critical"'],
          target_matchers: ['severity="warning"'],
          equal: ['alertname', 'collection'],
        },
      ],
    },
    `${GENERATED_HEADER}\nAn example: replace the webhook URLs with your receivers.`,
  );
}
