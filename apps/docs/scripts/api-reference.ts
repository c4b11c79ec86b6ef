// Writes the API reference (api/*.md) from the packages' sources: every export of each
// package's src/index.ts, with its signature, TSDoc summary, options table (name, type,
// default, meaning) and examples, read with the TypeScript compiler API. `pnpm build`
// and `pnpm dev` run it first, so the reference always matches the code.
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';

/** A package the reference documents, in reading order. */
export interface PackageInfo {
  /** Folder name under packages/, e.g. `threads`. */
  dir: string;
  /** One line on what the package is. */
  blurb: string;
}

export const PACKAGES: PackageInfo[] = [
  {
    dir: 'async',
    blurb: 'asyncio for JavaScript: gather, TaskGroup, timeouts, locks, limits, retries.',
  },
  {
    dir: 'queue',
    blurb: 'queue and asyncio.Queue: FIFO, LIFO and priority queues with backpressure.',
  },
  {
    dir: 'threads',
    blurb: 'threading, ThreadPoolExecutor and multiprocessing.Pool on worker threads.',
  },
  { dir: 'processes', blurb: 'multiprocessing: process pools, Process and Pipe.' },
  {
    dir: 'joblib-style',
    blurb: "joblib's Parallel, delayed and Memory on threads, processes or async calls.",
  },
  { dir: 'cluster', blurb: 'the pools across machines: ClusterPool and par-worker on Redis.' },
  { dir: 'core', blurb: 'the pool engine behind @par/threads and @par/processes.' },
];

/** One exported name and what the reference says about it. */
export interface ApiEntry {
  name: string;
  kind: 'function' | 'class' | 'interface' | 'type' | 'variable' | 'enum' | 're-export';
  /** For a re-export from another @par package: that package's folder name. */
  from?: string;
}

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, '..', '..', '..');

/** Text with HTML and Vue's `{{` escaped, except inside `code spans`. */
function prose(text: string): string {
  return text
    .split(/(`[^`]*`)/)
    .map((part, i) =>
      i % 2 === 1
        ? part
        : part
            .replace(/&/g, '&amp;')
            .replace(/</g, '&lt;')
            .replace(/>/g, '&gt;')
            .replace(/{{/g, '&#123;&#123;'),
    )
    .join('');
}

/** Inline code that survives a Markdown table cell. */
function cellCode(text: string): string {
  const flat = text.replace(/\s+/g, ' ').trim().replace(/\|/g, '\\|');
  return `\`${flat.replace(/`/g, "'")}\``;
}

function cell(text: string): string {
  return prose(text.replace(/\s+/g, ' ').trim()).replace(/\|/g, '\\|');
}

function docText(parts: ts.SymbolDisplayPart[] | undefined): string {
  return ts.displayPartsToString(parts ?? []).trim();
}

/** `{@link X}` and `{@link X | text}` become code spans. */
function links(text: string): string {
  return text.replace(
    /\{@link\s+([^}|\s]+)(?:\s*\|\s*([^}]+))?\s*\}/g,
    (_, target: string, label?: string) => (label ? label.trim() : `\`${target}\``),
  );
}

function tagText(tag: ts.JSDocTagInfo): string {
  return links(docText(tag.text));
}

/** The declaration's source up to its body: the signature as the author wrote it. */
function signatureOf(node: ts.Node, source: ts.SourceFile): string {
  let end = node.getEnd();
  if (
    (ts.isFunctionDeclaration(node) ||
      ts.isMethodDeclaration(node) ||
      ts.isConstructorDeclaration(node) ||
      ts.isGetAccessorDeclaration(node) ||
      ts.isSetAccessorDeclaration(node)) &&
    node.body
  ) {
    end = node.body.getStart(source);
  }
  if (ts.isClassDeclaration(node) || ts.isInterfaceDeclaration(node)) {
    end = node.members.pos - 1;
  }
  const start = node.getStart(source);
  const indent = source.getLineAndCharacterOfPosition(start).character;
  let text = source.text.slice(start, end).trim();
  // leading modifiers that say nothing to a reader
  text = text.replace(/^export\s+(default\s+)?/, '').replace(/^declare\s+/, '');
  // continuation lines keep their indentation relative to the declaration
  const dedent = new RegExp(`\\n {0,${indent}}`, 'g');
  return text.replace(/\s*;$/, '').replace(dedent, '\n');
}

function isPublicMember(decl: ts.Declaration): boolean {
  const flags = ts.getCombinedModifierFlags(decl);
  if (flags & (ts.ModifierFlags.Private | ts.ModifierFlags.Protected)) return false;
  const name = ts.getNameOfDeclaration(decl);
  if (name && ts.isPrivateIdentifier(name)) return false;
  const text = name?.getText() ?? '';
  if (text.startsWith('_')) return false;
  return !ts.getJSDocTags(decl).some((t) => t.tagName.text === 'internal');
}

function examplesOf(tags: readonly ts.JSDocTagInfo[]): string[] {
  return tags
    .filter((t) => t.name === 'example')
    .map((t) => {
      const text = docText(t.text);
      if (text.includes('```')) return text;
      return `\`\`\`ts\n${text}\n\`\`\``;
    });
}

const KNOWN_TAGS = new Set([
  'param',
  'returns',
  'return',
  'default',
  'defaultValue',
  'example',
  'internal',
  'see',
  'throws',
  'remarks',
  'deprecated',
  'typeParam',
  'template',
  'override',
  'inheritDoc',
  'since',
]);

/**
 * The TSDoc comment's text. A line of prose that starts with `@par/…` parses as an
 * unknown tag; such tags are put back where they were.
 */
function summaryOf(symbol: ts.Symbol, checker: ts.TypeChecker): string {
  let text = docText(symbol.getDocumentationComment(checker));
  for (const tag of symbol.getJsDocTags(checker)) {
    if (!KNOWN_TAGS.has(tag.name)) text += ` @${tag.name}${docText(tag.text)}`;
  }
  return links(text.trim());
}

/** Whether a declaration is part of the repository's sources (not lib.d.ts or @types). */
function isOurs(decl: ts.Node): boolean {
  return !decl.getSourceFile().fileName.includes('/node_modules/');
}

interface Context {
  checker: ts.TypeChecker;
  program: ts.Program;
}

function sourceOf(decl: ts.Node): ts.SourceFile {
  return decl.getSourceFile();
}

function optionsTable(type: ts.Type, ctx: Context): string[] {
  const props = ctx.checker.getPropertiesOfType(type).filter((p) => {
    const d = p.declarations?.[0];
    return (
      d !== undefined &&
      isOurs(d) &&
      isPublicMember(d) &&
      (ts.isPropertySignature(d) || ts.isPropertyDeclaration(d))
    );
  });
  if (props.length === 0) return [];
  const lines = ['| name | type | default | meaning |', '| --- | --- | --- | --- |'];
  for (const p of props) {
    const d = p.declarations?.[0] as ts.PropertySignature;
    const typeText = d.type
      ? d.type.getText(sourceOf(d))
      : ctx.checker.typeToString(ctx.checker.getTypeOfSymbol(p));
    const tags = p.getJsDocTags(ctx.checker);
    const def = tags.find((t) => t.name === 'default');
    const optional = (p.flags & ts.SymbolFlags.Optional) !== 0;
    let defText = optional ? '' : 'required';
    if (def) {
      // a value is code; a sentence (with its own code spans) stays prose
      const t = tagText(def);
      defText = t.includes('`') || t.split(' ').length > 3 ? cell(t) : cellCode(t);
    }
    const summary = summaryOf(p, ctx.checker).split(/\n\s*\n/)[0] ?? '';
    lines.push(`| \`${p.name}\` | ${cellCode(typeText)} | ${defText} | ${cell(summary)} |`);
  }
  return lines;
}

/** A member's name as written: `[Symbol.asyncDispose]` for a well-known symbol. */
function memberName(member: ts.Symbol): string {
  const symbol = /^__@(\w+)@\d+$/.exec(member.name);
  return symbol ? `[Symbol.${symbol[1]}]` : member.name;
}

function memberSection(member: ts.Symbol, ctx: Context, owner: string): string[] {
  const decls = (member.declarations ?? []).filter(isPublicMember);
  if (decls.length === 0) return [];
  // overloads: document the signatures, not the implementation
  const withoutBody = decls.filter(
    (d) =>
      !((ts.isMethodDeclaration(d) || ts.isFunctionDeclaration(d)) && d.body && decls.length > 1),
  );
  const sigs = withoutBody.map((d) => signatureOf(d, sourceOf(d)));
  const summary = summaryOf(member, ctx.checker);
  const tags = member.getJsDocTags(ctx.checker);
  const out = [`#### ${owner}.${prose(memberName(member))}`, '', '```ts', ...sigs, '```', ''];
  if (summary) out.push(prose(summary), '');
  const def = tags.find((t) => t.name === 'default');
  if (def) out.push(`Default: \`${tagText(def)}\``, '');
  out.push(...examplesOf(tags).flatMap((e) => [e, '']));
  return out;
}

/** The Markdown of one export. */
function entrySection(
  name: string,
  symbol: ts.Symbol,
  ctx: Context,
): { kind: ApiEntry['kind']; lines: string[] } {
  const { checker } = ctx;
  const decls = symbol.declarations ?? [];
  const first = decls[0];
  const lines: string[] = [];
  let kind: ApiEntry['kind'] = 'variable';
  if (first === undefined) return { kind, lines: [`## ${name} {#${name}}`, ''] };
  if (ts.isClassDeclaration(first)) kind = 'class';
  else if (ts.isFunctionDeclaration(first)) kind = 'function';
  else if (ts.isInterfaceDeclaration(first)) kind = 'interface';
  else if (ts.isTypeAliasDeclaration(first)) kind = 'type';
  else if (ts.isEnumDeclaration(first)) kind = 'enum';

  lines.push(`## ${name} <Badge type="info" text="${kind}" /> {#${name}}`, '');
  const tags = symbol.getJsDocTags(checker);
  const summary = summaryOf(symbol, checker);

  if (kind === 'function') {
    const overloads = decls.filter((d) => ts.isFunctionDeclaration(d) && !d.body);
    const shown = overloads.length > 0 ? overloads : decls;
    lines.push(
      '```ts',
      ...shown.map(
        (d) => `function ${signatureOf(d, sourceOf(d)).replace(/^(async\s+)?function\s+/, '$1')}`,
      ),
      '```',
      '',
    );
  } else if (kind === 'variable') {
    const type = checker.typeToString(
      checker.getTypeOfSymbol(symbol),
      first,
      ts.TypeFormatFlags.NoTruncation,
    );
    lines.push('```ts', `const ${name}: ${type}`, '```', '');
  } else if (kind === 'type') {
    lines.push('```ts', signatureOf(first, sourceOf(first)), '```', '');
  } else {
    lines.push('```ts', signatureOf(first, sourceOf(first)), '```', '');
  }
  if (summary) lines.push(prose(summary), '');
  const def = tags.find((t) => t.name === 'default');
  if (def) lines.push(`Default: \`${tagText(def)}\``, '');
  const examples = examplesOf(tags).flatMap((e) => [e, '']);
  if (kind !== 'class') lines.push(...examples);

  if (kind === 'interface') {
    const table = optionsTable(checker.getDeclaredTypeOfSymbol(symbol), ctx);
    // methods of an interface (handles, results) go in a list after the table
    // the wrapper lets a phone show each option as a card (see .vitepress/theme/custom.css)
    if (table.length > 0) lines.push('<div class="options-table">', '', ...table, '', '</div>', '');
    const methods = checker
      .getPropertiesOfType(checker.getDeclaredTypeOfSymbol(symbol))
      .filter((p) => p.declarations?.some((d) => ts.isMethodSignature(d)));
    for (const m of methods) lines.push(...memberSection(m, ctx, name));
  }
  if (kind === 'class') {
    const cls = first as ts.ClassDeclaration;
    const ctorSymbol = symbol.members?.get(ts.InternalSymbolName.Constructor);
    if (ctorSymbol) {
      const ctors = (ctorSymbol.declarations ?? []).filter(
        isPublicMember,
      ) as ts.ConstructorDeclaration[];
      const shown = ctors.length > 1 ? ctors.filter((c) => !c.body) : ctors;
      if (shown.length > 0) {
        lines.push(
          '```ts',
          ...shown.map(
            (c) => `new ${name}${signatureOf(c, sourceOf(c)).replace(/^constructor/, '')}`,
          ),
          '```',
          '',
        );
        for (const c of shown) {
          for (const tag of ts.getJSDocTags(c)) {
            if (ts.isJSDocParameterTag(tag) && typeof tag.comment === 'string') {
              lines.push(
                `- \`${tag.name.getText()}\`: ${prose(links(tag.comment.replace(/^-\s*/, '').replace(/\s+/g, ' ')))}`,
              );
            }
          }
        }
        lines.push('');
      }
    }
    lines.push(...examples);
    const instance = checker.getDeclaredTypeOfSymbol(symbol);
    const members = checker.getPropertiesOfType(instance).filter((m) => {
      const d = m.declarations?.[0];
      return d !== undefined && isOurs(d) && isPublicMember(d);
    });
    const statics = checker
      .getPropertiesOfType(checker.getTypeOfSymbol(symbol))
      .filter(
        (m) =>
          m.name !== 'prototype' && m.declarations?.some((d) => isOurs(d) && isPublicMember(d)),
      );
    for (const m of statics) lines.push(...memberSection(m, ctx, name));
    for (const m of members)
      lines.push(
        ...memberSection(
          m,
          ctx,
          cls.name?.text === name ? name.charAt(0).toLowerCase() + name.slice(1) : name,
        ),
      );
  }
  return { kind, lines };
}

/** The `@par/x` package a re-export comes from, if it is one of ours. */
function reExportSource(alias: ts.Symbol): string | undefined {
  const decl = alias.declarations?.[0];
  if (decl === undefined || !ts.isExportSpecifier(decl)) return undefined;
  const spec = decl.parent.parent.moduleSpecifier;
  if (spec && ts.isStringLiteral(spec) && spec.text.startsWith('@par/')) return spec.text.slice(5);
  return undefined;
}

export interface PackageReference {
  dir: string;
  name: string;
  entries: ApiEntry[];
  markdown: string;
}

function createProgram(): ts.Program {
  const files = PACKAGES.map((p) => join(root, 'packages', p.dir, 'src', 'index.ts'));
  const paths: Record<string, string[]> = {};
  for (const p of PACKAGES)
    paths[`@par/${p.dir}`] = [join(root, 'packages', p.dir, 'src', 'index.ts')];
  return ts.createProgram(files, {
    target: ts.ScriptTarget.ES2022,
    module: ts.ModuleKind.NodeNext,
    moduleResolution: ts.ModuleResolutionKind.NodeNext,
    lib: ['lib.es2023.d.ts', 'lib.esnext.disposable.d.ts', 'lib.dom.d.ts'],
    types: ['node'],
    typeRoots: [join(root, 'node_modules', '@types')],
    strict: true,
    noEmit: true,
    skipLibCheck: true,
    baseUrl: root,
    paths,
  });
}

/** Reads one package's exports and renders its reference page. */
function packageReference(pkg: PackageInfo, ctx: Context): PackageReference {
  const { checker, program } = ctx;
  const file = join(root, 'packages', pkg.dir, 'src', 'index.ts');
  const source = program.getSourceFile(file);
  if (source === undefined) throw new Error(`Cannot read ${file}`);
  const moduleSymbol = checker.getSymbolAtLocation(source);
  if (moduleSymbol === undefined) throw new Error(`${file} has no exports`);
  const exports = checker
    .getExportsOfModule(moduleSymbol)
    .sort((a, b) => a.name.localeCompare(b.name));
  const name = `@par/${pkg.dir}`;
  const entries: ApiEntry[] = [];
  const sections: string[] = [];
  const reexports: string[] = [];
  for (const alias of exports) {
    const from = reExportSource(alias);
    if (from !== undefined && from !== pkg.dir) {
      entries.push({ name: alias.name, kind: 're-export', from });
      reexports.push(`[\`${alias.name}\`](./${from}.md#${alias.name})`);
      continue;
    }
    const target = alias.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(alias) : alias;
    const { kind, lines } = entrySection(alias.name, target, ctx);
    entries.push({ name: alias.name, kind });
    sections.push(...lines);
  }
  const relSource = relative(root, file);
  const head = [
    `# ${name}`,
    '',
    `${prose(pkg.blurb.charAt(0).toUpperCase() + pkg.blurb.slice(1))} Generated from the TSDoc of \`${relSource}\` and the files it exports from; every exported name has a section below.`,
    '',
  ];
  if (reexports.length > 0) {
    head.push(
      `Also exported here, documented with the package that defines them: ${reexports.join(', ')}.`,
      '',
    );
  }
  const markdown = `${[...head, ...sections]
    .join('\n')
    .replace(/\n{3,}/g, '\n\n')
    .trim()}\n`;
  return { dir: pkg.dir, name, entries, markdown };
}

/** Reads every package and renders the reference pages, without writing them. */
export function buildReference(): PackageReference[] {
  const program = createProgram();
  const ctx: Context = { program, checker: program.getTypeChecker() };
  return PACKAGES.map((p) => packageReference(p, ctx));
}

/** The reference's index page. */
export function indexPage(refs: PackageReference[]): string {
  const lines = [
    '# API reference',
    '',
    "Every export of every package, with signatures, options (type, default, meaning) and examples, generated from the TSDoc in the packages' sources on every build of this site.",
    '',
    '| package | what it is | exports |',
    '| --- | --- | --- |',
  ];
  for (const r of refs) {
    const info = PACKAGES.find((p) => p.dir === r.dir);
    lines.push(`| [${r.name}](./${r.dir}.md) | ${cell(info?.blurb ?? '')} | ${r.entries.length} |`);
  }
  return `${lines.join('\n')}\n`;
}

/** Writes api/index.md and api/<package>.md. */
export function writeReference(outDir = join(here, '..', 'api')): PackageReference[] {
  const refs = buildReference();
  mkdirSync(outDir, { recursive: true });
  writeFileSync(join(outDir, 'index.md'), indexPage(refs));
  for (const r of refs) writeFileSync(join(outDir, `${r.dir}.md`), r.markdown);
  return refs;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const refs = writeReference();
  console.log(`API reference: ${refs.map((r) => `${r.name} (${r.entries.length})`).join(', ')}`);
}
