// Which Monaco language a file of a function is edited as. Pure: no Monaco here,
// so the mapping is testable on its own.
export type EditorLanguage = 'javascript' | 'typescript' | 'python' | 'json' | 'yaml' | 'shell' | 'plaintext';

const BY_EXTENSION: Record<string, EditorLanguage> = {
  js: 'javascript',
  mjs: 'javascript',
  cjs: 'javascript',
  jsx: 'javascript',
  ts: 'typescript',
  mts: 'typescript',
  cts: 'typescript',
  tsx: 'typescript',
  py: 'python',
  json: 'json',
  yaml: 'yaml',
  yml: 'yaml',
  sh: 'shell',
  bash: 'shell',
};

const SHEBANG: [RegExp, EditorLanguage][] = [
  [/^#!.*\b(ba|z|da)?sh\b/, 'shell'],
  [/^#!.*\bpython[0-9.]*\b/, 'python'],
  [/^#!.*\bnode\b/, 'javascript'],
];

/** By extension; a file without one (bootstrap) by its shebang line. */
export function languageFor(path: string, firstLine = ''): EditorLanguage {
  const base = path.slice(path.lastIndexOf('/') + 1);
  const dot = base.lastIndexOf('.');
  if (dot > 0) return BY_EXTENSION[base.slice(dot + 1).toLowerCase()] ?? 'plaintext';
  for (const [re, lang] of SHEBANG) if (re.test(firstLine)) return lang;
  return base === 'bootstrap' ? 'shell' : 'plaintext';
}
