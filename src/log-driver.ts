import { RenderedLogDriver } from './private/core/rendered-log-driver';
import { fail, Locatable, requireInteger, requireLiteral, requireSingleLine } from './private/core/validation';

/** How much a rotating driver keeps on the Docker host. */
export interface RotatedLogOptions {
  /**
   * The size at which the current log file is rotated, in MiB.
   *
   * @default 10
   */
  readonly maxSizeMiB?: number;

  /**
   * How many files are kept, the current one included: at most `maxSizeMiB * maxFiles` MiB per container.
   *
   * @default 3
   */
  readonly maxFiles?: number;
}

/** Options every driver that ships logs elsewhere takes. */
export interface ShippedLogOptions {
  /**
   * The tag each message carries, in Docker's template syntax (such as `{{.Name}}`).
   *
   * @default - the driver's own default (the container's short ID for most)
   */
  readonly tag?: string;
}

/** Where the syslog driver sends to. */
export interface SyslogLogOptions extends ShippedLogOptions {
  /**
   * The syslog server: `udp://host:514`, `tcp://host:514`, `tcp+tls://host:6514`, `unix:///dev/log`
   * or `unixgram:///dev/log`.
   *
   * @default - the host's local syslog socket
   */
  readonly address?: string;
}

/** Where the fluentd driver sends to. */
export interface FluentdLogOptions extends ShippedLogOptions {
  /**
   * The fluentd server: `host:port`, `tcp://host:port` or `unix:///path/to/socket`.
   *
   * @default "localhost:24224"
   */
  readonly address?: string;
}

/** Where the gelf driver sends to. */
export interface GelfLogOptions extends ShippedLogOptions {
  /** The GELF server: `udp://host:12201` or `tcp://host:12201`. */
  readonly address: string;
}

const SYSLOG_ADDRESS = /^(udp|tcp|tcp\+tls):\/\/[^\s/]+(:\d+)?$|^(unix|unixgram):\/\/\/\S+$/;
const FLUENTD_ADDRESS = /^(tcp:\/\/)?[^\s/:]+:\d+$|^unix:\/\/\/\S+$/;
const GELF_ADDRESS = /^(udp|tcp):\/\/[^\s/]+:\d+$/;
/** A driver's name, as Docker takes it: built-in names and plugins (`grafana/loki-docker-driver:latest`). */
const DRIVER_NAME = /^[a-z0-9][a-z0-9_.\/:-]*$/;
const OPTION_NAME = /^[a-z0-9][a-z0-9_.-]*$/;

/**
 * Where the app's output goes, and how much of it the Docker host keeps. Every container a
 * runner creates (the app, its release command, the network holder and the helpers) and every
 * service task logs through it.
 */
export class LogDriver {
  /**
   * Docker's `json-file` driver, rotated: `docker logs` reads it, and the host keeps at most
   * `maxSizeMiB * maxFiles` MiB per container.
   */
  public static jsonFile(options: RotatedLogOptions = {}): LogDriver {
    return new LogDriver('json-file', site => LogDriver.rotation(site, options));
  }

  /** Docker's `local` driver: compressed, rotated files, `maxSizeMiB * maxFiles` MiB per container at most. */
  public static local(options: RotatedLogOptions = {}): LogDriver {
    return new LogDriver('local', site => LogDriver.rotation(site, options));
  }

  /** The host's systemd journal, which rotates by its own settings. */
  public static journald(options: ShippedLogOptions = {}): LogDriver {
    return new LogDriver('journald', site => LogDriver.tagged(site, options));
  }

  /** A syslog server. */
  public static syslog(options: SyslogLogOptions = {}): LogDriver {
    return new LogDriver('syslog', site => ({
      ...LogDriver.tagged(site, options),
      ...LogDriver.address(site, 'syslog-address', options.address, SYSLOG_ADDRESS, 'use an address such as "udp://logs.internal:514" or "unix:///dev/log"'),
    }));
  }

  /** A fluentd (or Fluent Bit) server. */
  public static fluentd(options: FluentdLogOptions = {}): LogDriver {
    return new LogDriver('fluentd', site => ({
      ...LogDriver.tagged(site, options),
      ...LogDriver.address(site, 'fluentd-address', options.address, FLUENTD_ADDRESS, 'use an address such as "fluentd.internal:24224" or "unix:///var/run/fluent.sock"'),
    }));
  }

  /** A GELF server (Graylog, Logstash). */
  public static gelf(options: GelfLogOptions): LogDriver {
    return new LogDriver('gelf', site => ({
      ...LogDriver.tagged(site, options),
      ...LogDriver.address(site, 'gelf-address', options.address, GELF_ADDRESS, 'use an address such as "udp://graylog.internal:12201"'),
    }));
  }

  /**
   * Any driver the Docker host has, by name (a plugin too), with its options as Docker takes them.
   * Nothing beyond their form is checked: the engine refuses what it does not know at deploy.
   */
  public static custom(driver: string, options: { [name: string]: string } = {}): LogDriver {
    return new LogDriver(driver, site => LogDriver.customOptions(site, options), true);
  }

  /** The default: `json-file`, 10 MiB per file, 3 files. @internal */
  public static _default(): LogDriver {
    return LogDriver.jsonFile();
  }

  private static rotation(site: Locatable, options: RotatedLogOptions): { [name: string]: string } {
    const maxSizeMiB = options.maxSizeMiB ?? 10;
    const maxFiles = options.maxFiles ?? 3;
    requireInteger(site, 'logging.maxSizeMiB', maxSizeMiB, 1, 1024 * 1024, 'use a size in MiB such as 10');
    requireInteger(site, 'logging.maxFiles', maxFiles, 1, 100, 'use a count such as 3');
    return { 'max-file': String(maxFiles), 'max-size': `${maxSizeMiB}m` };
  }

  private static tagged(site: Locatable, options: ShippedLogOptions): { [name: string]: string } {
    if (options.tag === undefined) return {};
    requireSingleLine(site, 'logging.tag', options.tag);
    return { tag: options.tag };
  }

  private static address(site: Locatable, option: string, address: string | undefined, form: RegExp, fix: string): { [name: string]: string } {
    if (address === undefined) return {};
    requireSingleLine(site, 'logging.address', address);
    if (!form.test(address)) {
      fail(site, 'logging.address', address, `is not a ${option.replace(/-address$/, '')} address`, fix);
    }
    return { [option]: address };
  }

  private static customOptions(site: Locatable, options: { [name: string]: string }): { [name: string]: string } {
    requireLiteral(site, 'logging.options', options);
    const result: { [name: string]: string } = {};
    for (const name of Object.keys(options).sort()) {
      if (!OPTION_NAME.test(name)) {
        fail(site, 'logging.options key', name, 'is not a logging option name (lower-case letters, digits, ".", "_", "-")', 'use the option as Docker names it, such as "max-size"');
      }
      requireSingleLine(site, `logging.options.${name}`, options[name]);
      result[name] = options[name];
    }
    return result;
  }

  private constructor(
    private readonly driver: string,
    private readonly render: (site: Locatable) => { [name: string]: string },
    private readonly named = false,
  ) {}

  /**
   * The driver and its options, checked, for the container or service at `site`.
   *
   * @internal
   */
  public _bind(site: Locatable): RenderedLogDriver {
    if (this.named) {
      requireSingleLine(site, 'logging.driver', this.driver);
      if (!DRIVER_NAME.test(this.driver)) {
        fail(site, 'logging.driver', this.driver, 'is not a logging driver name', 'use a name such as "awslogs" or a plugin such as "grafana/loki-docker-driver:latest"');
      }
    }
    const options = this.render(site);
    return { driver: this.driver, options: Object.fromEntries(Object.keys(options).sort().map(name => [name, options[name]])) };
  }
}
