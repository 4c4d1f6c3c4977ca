/**
 * A file of the app's source that the build context holds: what the image is built from, and what
 * the Python readers read.
 *
 * @internal
 */
export interface ContextFile {
  /** Path relative to the source directory, with `/` separators. */
  readonly relativePath: string;
  /** Absolute path to read (a symlink inside the source resolves to its target). */
  readonly absolutePath: string;
  /** Whether any execute bit is set; COPY keeps modes, so this is part of the image. */
  readonly executable: boolean;
}
