/**
 * The defaults that more than one module applies, each written once. The props' `@default` docs
 * state the same values, and the unit tests assert them.
 *
 * @internal
 */

/** The port gunicorn binds in the image when neither the props nor the Procfile name one. */
export const DEFAULT_PORT = 8000;

/** The CPython minor an app that states no Python version gets (3.x). */
export const DEFAULT_PYTHON_MINOR = 11;

/** The same, as a version. */
export const DEFAULT_PYTHON_VERSION = `3.${DEFAULT_PYTHON_MINOR}`;
