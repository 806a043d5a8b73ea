import { test } from "node:test";
import assert from "node:assert/strict";
import * as path from "node:path";
import ts from "typescript";

/**
 * DESIGN.md §4.11: docs sit on the public surface. Every export of battery-mi/simulate and every public member of its
 * exported classes and interfaces carries a TSDoc comment (the review of issue 4 found CellModel and 52 members bare).
 */
test("every export of battery-mi/simulate and every public member of its classes and interfaces has a TSDoc comment", () => {
  const entry = path.join(__dirname, "../../lib/src/simulate/index.ts");
  const program = ts.createProgram([entry], { target: ts.ScriptTarget.ES2022, module: ts.ModuleKind.Node16, moduleResolution: ts.ModuleResolutionKind.Node16, strict: true, noEmit: true });
  const checker = program.getTypeChecker();
  const moduleSymbol = checker.getSymbolAtLocation(program.getSourceFile(entry)!)!;
  const bare: string[] = [];
  const doc = (s: ts.Symbol): string => ts.displayPartsToString(s.getDocumentationComment(checker)).trim();
  for (let s of checker.getExportsOfModule(moduleSymbol)) {
    const name = s.getName();
    if (s.flags & ts.SymbolFlags.Alias) s = checker.getAliasedSymbol(s);
    if (!doc(s)) bare.push(name);
    const decl = s.declarations?.[0];
    if (!decl || !(ts.isClassDeclaration(decl) || ts.isInterfaceDeclaration(decl))) continue;
    for (const m of decl.members) {
      if (!m.name || ts.isConstructorDeclaration(m) || m.name.kind === ts.SyntaxKind.PrivateIdentifier) continue;
      if (ts.getCombinedModifierFlags(m as ts.Declaration) & (ts.ModifierFlags.Private | ts.ModifierFlags.Protected)) continue;
      const ms = checker.getSymbolAtLocation(m.name);
      if (!ms || !doc(ms)) bare.push(`${name}.${m.name.getText()}`);
    }
  }
  assert.deepEqual(bare, [], `without a doc comment: ${bare.join(", ")}`);
});
