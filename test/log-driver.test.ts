import { Testing } from 'cdktf';
import { LogDriver, ReleaseCommand, WsgiContainer, WsgiImage, WsgiService } from '../src';
import { containers, newStack, writeSource } from './util';

const DEFAULT_OPTIONS = { 'max-file': '3', 'max-size': '10m' };

function containerWith(logging?: LogDriver) {
  const { stack } = newStack();
  const image = new WsgiImage(stack, 'Image', { source: writeSource(), entrypoint: 'manager:app' });
  new WsgiContainer(stack, 'Web', { image, logging, releaseCommand: ReleaseCommand.exec(['true']) });
  return containers(stack);
}

function serviceWith(logging?: LogDriver) {
  const { stack } = newStack();
  const image = new WsgiImage(stack, 'Image', { source: writeSource(), entrypoint: 'manager:app' });
  new WsgiService(stack, 'Web', { image, logging });
  return Object.values<any>(JSON.parse(Testing.synth(stack)).resource.docker_service)[0].task_spec.log_driver;
}

/** The driver and options `logging` renders for a container. */
function rendered(logging: LogDriver) {
  const app = containerWith(logging).Web;
  return { driver: app.log_driver, options: app.log_opts };
}

describe('logging', () => {
  test('by default every container, the helpers included, and every service task logs to json-file, 10 MiB per file, 3 files', () => {
    const all = containerWith();
    expect(Object.keys(all).sort()).toEqual(['Web', 'Web/DestroyGuard', 'Web/NetworkHolder', 'Web/Reconcile', 'Web/Release']);
    for (const c of Object.values(all)) {
      expect({ driver: c.log_driver, options: c.log_opts }).toEqual({ driver: 'json-file', options: DEFAULT_OPTIONS });
    }
    expect(serviceWith()).toEqual({ name: 'json-file', options: DEFAULT_OPTIONS });
    expect(rendered(LogDriver.jsonFile())).toEqual(rendered(LogDriver.jsonFile({ maxSizeMiB: 10, maxFiles: 3 })));
  });

  test('a change of driver replaces the app, release and reconcile containers, never the holder or the guard', () => {
    const all = containerWith(LogDriver.journald());
    for (const path of ['Web', 'Web/Release', 'Web/Reconcile']) {
      expect(all[path].lifecycle.ignore_changes).not.toContain('log_opts');
    }
    for (const path of ['Web/NetworkHolder', 'Web/DestroyGuard']) {
      expect(all[path].lifecycle.ignore_changes).toEqual(expect.arrayContaining(['log_driver', 'log_opts']));
    }
  });

  test('each driver renders what Docker takes', () => {
    expect(rendered(LogDriver.jsonFile({ maxSizeMiB: 1, maxFiles: 2 }))).toEqual({ driver: 'json-file', options: { 'max-file': '2', 'max-size': '1m' } });
    expect(rendered(LogDriver.local())).toEqual({ driver: 'local', options: DEFAULT_OPTIONS });
    expect(rendered(LogDriver.local({ maxSizeMiB: 50 }))).toEqual({ driver: 'local', options: { 'max-file': '3', 'max-size': '50m' } });
    expect(rendered(LogDriver.journald())).toEqual({ driver: 'journald', options: undefined });
    expect(rendered(LogDriver.journald({ tag: '{{.Name}}' }))).toEqual({ driver: 'journald', options: { tag: '{{.Name}}' } });
    expect(rendered(LogDriver.syslog({ address: 'udp://logs.internal:514', tag: 'web' })))
      .toEqual({ driver: 'syslog', options: { 'syslog-address': 'udp://logs.internal:514', 'tag': 'web' } });
    expect(rendered(LogDriver.syslog({ address: 'unix:///dev/log' }))).toEqual({ driver: 'syslog', options: { 'syslog-address': 'unix:///dev/log' } });
    expect(rendered(LogDriver.fluentd({ address: 'fluentd.internal:24224' }))).toEqual({ driver: 'fluentd', options: { 'fluentd-address': 'fluentd.internal:24224' } });
    expect(rendered(LogDriver.fluentd())).toEqual({ driver: 'fluentd', options: undefined });
    expect(rendered(LogDriver.gelf({ address: 'tcp://graylog:12201' }))).toEqual({ driver: 'gelf', options: { 'gelf-address': 'tcp://graylog:12201' } });
    expect(rendered(LogDriver.custom('grafana/loki-docker-driver:latest', { 'loki-url': 'http://loki:3100/loki/api/v1/push', 'loki-batch-size': '400' })))
      .toEqual({ driver: 'grafana/loki-docker-driver:latest', options: { 'loki-batch-size': '400', 'loki-url': 'http://loki:3100/loki/api/v1/push' } });
    expect(serviceWith(LogDriver.syslog({ tag: 'svc' }))).toEqual({ name: 'syslog', options: { tag: 'svc' } });
  });

  test.each([
    ['a size of 0', LogDriver.jsonFile({ maxSizeMiB: 0 }),
      '\'logging.maxSizeMiB\' 0 is out of range: must be a whole number from 1 to 1048576. Fix: use a size in MiB such as 10'],
    ['a fractional file count', LogDriver.local({ maxFiles: 2.5 }),
      '\'logging.maxFiles\' 2.5 is out of range: must be a whole number from 1 to 100. Fix: use a count such as 3'],
    ['a syslog address without a scheme', LogDriver.syslog({ address: 'logs.internal:514' }),
      '\'logging.address\' "logs.internal:514" is not a syslog address. Fix: use an address such as "udp://logs.internal:514" or "unix:///dev/log"'],
    ['a fluentd address without a port', LogDriver.fluentd({ address: 'fluentd.internal' }),
      '\'logging.address\' "fluentd.internal" is not a fluentd address. Fix: use an address such as "fluentd.internal:24224" or "unix:///var/run/fluent.sock"'],
    ['a gelf address over http', LogDriver.gelf({ address: 'http://graylog:12201' }),
      '\'logging.address\' "http://graylog:12201" is not a gelf address. Fix: use an address such as "udp://graylog.internal:12201"'],
    ['a tag on two lines', LogDriver.journald({ tag: 'a\nb' }),
      '\'logging.tag\' "a\\nb" contains a newline or NUL character, which would end the Dockerfile instruction it lands in. Fix: remove line breaks and NUL characters from the value'],
    ['an address on two lines', LogDriver.syslog({ address: 'udp://a:514\nb' }),
      '\'logging.address\' "udp://a:514\\nb" contains a newline or NUL character, which would end the Dockerfile instruction it lands in. Fix: remove line breaks and NUL characters from the value'],
    ['an option value on two lines', LogDriver.custom('awslogs', { 'awslogs-group': 'a\nb' }),
      '\'logging.options.awslogs-group\' "a\\nb" contains a newline or NUL character, which would end the Dockerfile instruction it lands in. Fix: remove line breaks and NUL characters from the value'],
    ['a driver name with a space', LogDriver.custom('aws logs'),
      '\'logging.driver\' "aws logs" is not a logging driver name. Fix: use a name such as "awslogs" or a plugin such as "grafana/loki-docker-driver:latest"'],
    ['an option name in capitals', LogDriver.custom('awslogs', { 'AWS-Region': 'eu-west-1' }),
      '\'logging.options key\' "AWS-Region" is not a logging option name (lower-case letters, digits, ".", "_", "-"). Fix: use the option as Docker names it, such as "max-size"'],
  ])('bad input, %s, fails at synth with the whole message, on a container and a service alike', (_name, logging, message) => {
    expect(() => containerWith(logging)).toThrow(`test/Web: ${message}`);
    expect(() => serviceWith(logging)).toThrow(`test/Web: ${message}`);
  });
});
