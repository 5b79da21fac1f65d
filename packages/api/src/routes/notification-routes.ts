import {
  createNotifier,
  deleteNotifier,
  getNotifier,
  listDeliveries,
  listNotifiers,
  testNotifier,
  updateNotifier,
} from '../handlers/notifications.js';
import { defineRoute } from '../http/api-route.js';
import type { ApiRoute } from '../http/api-route.js';
import {
  createNotifierBody,
  deleteNotifierResponse,
  deliveriesQuery,
  deliveriesResponse,
  listNotifiersResponse,
  notifierParams,
  notifierSchema,
  testNotifierResponse,
  updateNotifierBody,
} from '../schemas/notifications.js';

const common = {
  kind: 'api',
  operation: 'http',
  tag: 'alerts',
  action: 'alerts.manage',
} as const;

/**
 * Alert notifiers under `/admin/notifiers` (webhook, Alertmanager, Slack): their settings
 * with secrets masked, a test notification, and the delivery log. Admin only; changes are
 * audited.
 */
export const notificationRoutes: readonly ApiRoute[] = [
  defineRoute({
    ...common,
    id: 'listNotifiers',
    method: 'GET',
    path: '/admin/notifiers',
    summary: 'Alert notifiers with their settings; secrets read "set"',
    status: 200,
    response: listNotifiersResponse,
    handle: (rt) => listNotifiers(rt),
  }),
  defineRoute({
    ...common,
    id: 'createNotifier',
    method: 'POST',
    path: '/admin/notifiers',
    summary: 'Add a webhook, Alertmanager or Slack notifier (audited)',
    body: createNotifierBody,
    status: 201,
    response: notifierSchema,
    errors: ['NOTIFIER_EXISTS'],
    handle: (rt, input) => createNotifier(rt, input.body, input),
  }),
  defineRoute({
    ...common,
    id: 'notifierDeliveries',
    method: 'GET',
    path: '/admin/notifications/deliveries',
    summary:
      'The delivery log, newest first: notifier, event, outcome, attempts, HTTP status, error, duration',
    query: deliveriesQuery,
    status: 200,
    response: deliveriesResponse,
    handle: (rt, input) => listDeliveries(rt, input.query),
  }),
  defineRoute({
    ...common,
    id: 'getNotifier',
    method: 'GET',
    path: '/admin/notifiers/:name',
    summary: 'One notifier; secrets read "set"',
    params: notifierParams,
    status: 200,
    response: notifierSchema,
    errors: ['NOTIFIER_NOT_FOUND'],
    handle: (rt, input) => getNotifier(rt, input.params.name),
  }),
  defineRoute({
    ...common,
    id: 'updateNotifier',
    method: 'POST',
    path: '/admin/notifiers/:name',
    summary: 'Change the fields given of a notifier; secrets left out stay, null clears (audited)',
    params: notifierParams,
    body: updateNotifierBody,
    status: 200,
    response: notifierSchema,
    errors: ['NOTIFIER_NOT_FOUND'],
    handle: (rt, input) => updateNotifier(rt, input.params.name, input.body, input),
  }),
  defineRoute({
    ...common,
    id: 'deleteNotifier',
    method: 'DELETE',
    path: '/admin/notifiers/:name',
    summary: 'Remove a notifier (audited)',
    params: notifierParams,
    status: 200,
    response: deleteNotifierResponse,
    errors: ['NOTIFIER_NOT_FOUND'],
    handle: (rt, input) => deleteNotifier(rt, input.params.name, input),
  }),
  defineRoute({
    ...common,
    id: 'testNotifier',
    method: 'POST',
    path: '/admin/notifiers/:name/test',
    summary:
      'Send a test notification once and answer with what the receiver did (logged, audited)',
    params: notifierParams,
    status: 200,
    response: testNotifierResponse,
    errors: ['NOTIFIER_NOT_FOUND'],
    handle: (rt, input) => testNotifier(rt, input.params.name, input),
  }),
];
