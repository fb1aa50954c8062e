import { test } from 'node:test';
import assert from 'node:assert/strict';
import { CliError } from './errors.js';
import { prometheusUrl } from './usage-flags.js';

const usage = (message: string): CliError => new CliError('usage', message);

test('--prometheus-url must be an http(s) URL: a host and port alone is refused before any poll', () => {
  assert.equal(prometheusUrl({ 'prometheus-url': 'http://prom:9090' }, usage), 'http://prom:9090');
  assert.equal(
    prometheusUrl({ 'prometheus-url': 'https://prom/prometheus/' }, usage),
    'https://prom/prometheus/',
  );
  assert.equal(prometheusUrl({}, usage), undefined);
  for (const bad of ['prometheus.monitoring.svc:9090', 'ftp://prom:21', 'not a url'])
    assert.throws(
      () => prometheusUrl({ 'prometheus-url': bad }, usage),
      /expected an http:\/\/ or https:\/\/ URL such as http:\/\/prometheus\.monitoring\.svc:9090/,
    );
});
