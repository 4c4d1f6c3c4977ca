/**
 * The shape of `src/`, read from its TypeScript syntax tree: how long each function is, which way
 * the imports point, and where private code lives.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as ts from 'typescript';

const SRC = path.join(__dirname, '..', 'src');
/** The longest a function, method or constructor may be, in lines from its first to its last. */
const MAX_FUNCTION_LINES = 60;

function sourceFiles(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap(entry => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(full);
    return entry.name.endsWith('.ts') ? [full] : [];
  }).sort();
}

function parse(file: string): ts.SourceFile {
  return ts.createSourceFile(file, fs.readFileSync(file, 'utf-8'), ts.ScriptTarget.Latest, true);
}

type FunctionNode = ts.FunctionLikeDeclaration & { body: ts.Node };

/** What a function is called in a report: `file:line name`. */
function describe_(source: ts.SourceFile, node: FunctionNode): string {
  const line = source.getLineAndCharacterOfPosition(node.getStart(source)).line + 1;
  const named = node.name && ts.isIdentifier(node.name) ? node.name.text : undefined;
  const owner = ts.isVariableDeclaration(node.parent) && ts.isIdentifier(node.parent.name) ? node.parent.name.text : undefined;
  const name = ts.isConstructorDeclaration(node) ? 'constructor' : named ?? owner ?? '(anonymous)';
  return `${path.relative(SRC, source.fileName)}:${line} ${name}`;
}

/** Every function-like node with a body in `file`, with its length in lines. */
export function functionLengths(file: string): Array<{ where: string; lines: number }> {
  const source = parse(file);
  const found: Array<{ where: string; lines: number }> = [];
  const visit = (node: ts.Node): void => {
    if (ts.isFunctionLike(node) && (node as ts.FunctionLikeDeclaration).body !== undefined) {
      const fn = node as FunctionNode;
      const first = source.getLineAndCharacterOfPosition(fn.getStart(source)).line;
      const last = source.getLineAndCharacterOfPosition(fn.getEnd()).line;
      found.push({ where: describe_(source, fn), lines: last - first + 1 });
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return found;
}

function tooLong(files: string[]): string[] {
  return files.flatMap(functionLengths).filter(f => f.lines > MAX_FUNCTION_LINES).map(f => `${f.where} (${f.lines} lines)`);
}

describe('function length', () => {
  test(`no function, method or constructor in src/ is longer than ${MAX_FUNCTION_LINES} lines`, () => {
    expect(tooLong(sourceFiles(SRC))).toEqual([]);
  });

  test('the check counts every kind of function, from its first line to its last', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'structure-'));
    const file = path.join(dir, 'sample.ts');
    const body = (n: number) => Array.from({ length: n }, (_, i) => `  const v${i} = ${i};`).join('\n');
    fs.writeFileSync(file, [
      `export function declared() {\n${body(59)}\n}`,
      `export const arrow = () => {\n${body(58)}\n};`,
      `export class C {\n  constructor() {\n${body(61)}\n  }\n  method() {\n${body(3)}\n  }\n}`,
    ].join('\n'));
    try {
      expect(functionLengths(file)).toEqual([
        { where: expect.stringMatching(/sample\.ts:1 declared$/), lines: 61 },
        { where: expect.stringMatching(/sample\.ts:62 arrow$/), lines: 60 },
        { where: expect.stringMatching(/sample\.ts:123 constructor$/), lines: 63 },
        { where: expect.stringMatching(/sample\.ts:186 method$/), lines: 5 },
      ]);
      expect(tooLong([file])).toEqual([expect.stringMatching(/sample\.ts:1 declared \(61 lines\)$/), expect.stringMatching(/sample\.ts:123 constructor \(63 lines\)$/)]);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});

/**
 * The layers of `src/`, lowest first. A file imports from its own folder, or from a lower layer.
 * `private/core` is below everything; the value objects and the image's props (which name only
 * value objects) sit under the code that reads them; the constructs, and the props of the
 * container and the service (which name the image construct), are on top.
 */
const LAYERS: Array<{ layer: number; match: RegExp }> = [
  { layer: 0, match: /^private\/core\// },
  { layer: 1, match: /^(app-interface|build-secret|dependencies|django-options|duration|gunicorn|health-check|log-driver|release-command|wsgi-image-props)\.ts$/ },
  { layer: 2, match: /^private\/python\// },
  { layer: 3, match: /^private\/docker\// },
  { layer: 4, match: /^private\/(runner|image)\// },
  { layer: 5, match: /^(wsgi-[a-z-]+|index)\.ts$/ },
];

function layerOf(relative: string): number {
  const found = LAYERS.find(l => l.match.test(relative));
  if (!found) throw new Error(`${relative}: in no layer of test/structure.test.ts`);
  return found.layer;
}

/** The folder a file's layer is counted by: its concept folder under private/, or src/ itself. */
const folderOf = (relative: string) => /^private\/[^/]+/.exec(relative)?.[0] ?? '.';

/** Every import in `src/` that points up, or sideways into another folder of the same layer. */
function upwardImports(): string[] {
  return sourceFiles(SRC).flatMap(file => {
    const from = path.relative(SRC, file);
    const points = (to: string) => layerOf(to) > layerOf(from)
      || (layerOf(to) === layerOf(from) && folderOf(to) !== folderOf(from) && ![1, 5].includes(layerOf(from)));
    return parse(file).statements
      .flatMap(st => ((ts.isImportDeclaration(st) || ts.isExportDeclaration(st)) && st.moduleSpecifier ? [st.moduleSpecifier] : []))
      .map(specifier => (specifier as ts.StringLiteral).text)
      .filter(spec => spec.startsWith('.'))
      .map(spec => path.relative(SRC, path.resolve(path.dirname(file), spec)) + '.ts')
      .filter(points)
      .map(to => `${from} -> ${to}`);
  });
}


describe('layers', () => {
  test('no import in src/ points up a layer, or across into another folder of its layer', () => {
    expect(upwardImports().sort()).toEqual([]);
  });

  test('private/ has no loose files: each lives in the folder of its concept', () => {
    const loose = fs.readdirSync(path.join(SRC, 'private'), { withFileTypes: true }).filter(e => !e.isDirectory()).map(e => e.name);
    expect(loose).toEqual([]);
    expect(fs.readdirSync(path.join(SRC, 'private')).sort()).toEqual(['core', 'docker', 'image', 'python', 'runner']);
  });
});
