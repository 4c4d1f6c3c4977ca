/**
 * The shapes values must have, in one place: every construct and reader checks against these, so
 * a rule is written once.
 */

/** A dotted Python module name (`mysite.settings`). */
export const PYTHON_MODULE = /^[A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z_][A-Za-z0-9_]*)*$/;

/** A Python identifier (ASCII, as module and package names here must be). */
export const PYTHON_IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** `module:callable` or `module:factory()`; groups: module, callable, factory parentheses. */
export const WSGI_ENTRYPOINT = /^([A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z_][A-Za-z0-9_]*)*):([A-Za-z_][A-Za-z0-9_]*)(\(\))?$/;

/** A Python 3 version as users write it exactly: `3.12` or `3.11.9`. */
export const PYTHON_VERSION = /^3\.\d{1,2}(\.\d{1,3})?$/;

// Docker's reference grammar: [registry[:port]/]path[:tag][@digest].
const REGISTRY = '(?:[a-zA-Z0-9](?:[a-zA-Z0-9.-]*[a-zA-Z0-9])?(?::[0-9]+)?\\/)?';
const PATH = '[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*(?:\\/[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*)*';
const TAG_PART = '[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}';

/** Any image reference, optionally with a tag and a digest. */
export const IMAGE_REFERENCE = new RegExp(`^${REGISTRY}${PATH}(?::${TAG_PART})?(?:@sha256:[a-f0-9]{64})?$`);

/** An image repository: a reference without tag or digest. */
export const IMAGE_REPOSITORY = new RegExp(`^${REGISTRY}${PATH}$`);

/** An image tag. */
export const IMAGE_TAG = new RegExp(`^${TAG_PART}$`);

/** A Debian package name, optionally `=version`, as `apt-get install` takes it. */
export const APT_PACKAGE = /^[a-z0-9][a-z0-9+.-]+(?:=[A-Za-z0-9.+:~-]+)?$/;

/** An absolute directory path of plain characters (no quoting needed in a Dockerfile). */
export const ABSOLUTE_DIRECTORY = /^\/[A-Za-z0-9._-]+(?:\/[A-Za-z0-9._-]+)*$/;

/** An OS/architecture[/variant] platform. */
export const PLATFORM = /^[a-z0-9_]+\/[a-z0-9_]+(?:\/[a-z0-9_]+)?$/;

/** What gunicorn's forwarded_allow_ips takes: an address, a CIDR or `*`. */
export const FORWARDED_IP = /^(?:\*|[0-9A-Fa-f:.]+(?:\/\d{1,3})?)$/;

/** A gunicorn worker class: a short name or a dotted path. */
export const WORKER_CLASS = /^[A-Za-z_][A-Za-z0-9_]*(?:[.:][A-Za-z_][A-Za-z0-9_]*)*$/;

/** A Docker object name (containers, networks, volumes). */
export const DOCKER_NAME = /^[a-zA-Z0-9][a-zA-Z0-9_.-]{0,127}$/;

/** A dotted IPv4 address. */
export const IPV4 = /^(?:(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)\.){3}(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)$/;

/** Something shaped like an IPv6 address (Docker checks the rest). */
export const IPV6 = /^[0-9A-Fa-f:.]*:[0-9A-Fa-f:.]*$/;

/** An environment variable or build argument name. */
export const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** A gunicorn requirement line. */
export const GUNICORN_REQUIREMENT = /^gunicorn(\[[A-Za-z0-9_,-]+\])?\s*([<>=!~][^#]*)?$/i;

/** A Docker label key: lowercase reverse-DNS style (`com.example.team`), or a plain word. */
export const LABEL_KEY = /^[A-Za-z0-9][A-Za-z0-9._/-]{0,127}$/;
