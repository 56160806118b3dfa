// Fails when a TypeScript file under src/ or test/ uses the `any` type: the house style
// is `unknown` plus type guards. tsc's strict mode only forbids *implicit* any.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import ts from 'typescript';

function* sources(dir) {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) {
      yield* sources(path);
    } else if (entry.name.endsWith('.ts')) {
      yield path;
    }
  }
}

const found = [];
for (const path of ['src', 'test'].flatMap(dir => [...sources(dir)])) {
  const file = ts.createSourceFile(path, readFileSync(path, 'utf8'), ts.ScriptTarget.Latest, true);
  const visit = node => {
    if (node.kind === ts.SyntaxKind.AnyKeyword) {
      const { line, character } = file.getLineAndCharacterOfPosition(node.getStart());
      found.push(
        `${path}:${line + 1}:${character + 1}: 'any' type; use 'unknown' and a type guard`
      );
    }
    ts.forEachChild(node, visit);
  };
  visit(file);
}
if (found.length > 0) {
  console.error(found.join('\n'));
  process.exit(1);
}
