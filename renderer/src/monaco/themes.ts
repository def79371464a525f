// Monaco's light and dark themes, from the same colour tokens as the rest of
// the window (theme/tokens.ts), so the editor never looks pasted in.
import type { editor } from 'monaco-editor/editor/editor.api';
import { tokens, type ThemeName, type Tokens } from '../theme/tokens.js';

export const MONACO_THEME: Record<ThemeName, string> = { light: 'lwb-light', dark: 'lwb-dark' };

/** Monaco wants colours without '#' in token rules. */
const hex = (c: string) => c.replace(/^#/, '');

export function themeData(name: ThemeName, t: Tokens = tokens[name]): editor.IStandaloneThemeData {
  return {
    base: name === 'dark' ? 'vs-dark' : 'vs',
    inherit: true,
    rules: [
      { token: '', foreground: hex(t.fg) },
      { token: 'keyword', foreground: hex(t.syntaxKeyword) },
      { token: 'string', foreground: hex(t.syntaxString) },
      { token: 'string.escape', foreground: hex(t.syntaxNumber) },
      { token: 'number', foreground: hex(t.syntaxNumber) },
      { token: 'comment', foreground: hex(t.syntaxComment), fontStyle: 'italic' },
      { token: 'type', foreground: hex(t.syntaxType) },
      { token: 'type.identifier', foreground: hex(t.syntaxType) },
      { token: 'regexp', foreground: hex(t.syntaxString) },
      { token: 'delimiter', foreground: hex(t.fgMuted) },
      // JSON keys and YAML keys read as types; their values as strings.
      { token: 'string.key.json', foreground: hex(t.syntaxType) },
      { token: 'string.value.json', foreground: hex(t.syntaxString) },
      { token: 'type.yaml', foreground: hex(t.syntaxType) },
      { token: 'variable', foreground: hex(t.fg) },
      { token: 'variable.predefined', foreground: hex(t.syntaxType) },
      { token: 'predefined', foreground: hex(t.syntaxType) },
      { token: 'constant', foreground: hex(t.syntaxNumber) },
      // The base themes paint these red, which here means an error: shell flags, shebangs, tags.
      { token: 'attribute.name', foreground: hex(t.syntaxNumber) },
      { token: 'attribute.value', foreground: hex(t.syntaxString) },
      { token: 'metatag', foreground: hex(t.syntaxComment) },
      { token: 'tag', foreground: hex(t.syntaxKeyword) },
      { token: 'annotation', foreground: hex(t.syntaxType) },
    ],
    colors: {
      'editor.background': t.editorBg,
      'editor.foreground': t.fg,
      'editor.lineHighlightBackground': t.editorLineHighlight,
      'editor.lineHighlightBorder': t.editorLineHighlight,
      'editor.selectionBackground': t.editorSelection,
      'editor.inactiveSelectionBackground': t.editorSelection,
      'editorLineNumber.foreground': t.fgFaint,
      'editorLineNumber.activeForeground': t.fgMuted,
      'editorCursor.foreground': t.accent,
      'editorIndentGuide.background1': t.border,
      'editorWhitespace.foreground': t.border,
      'editorGutter.background': t.editorBg,
      'editorError.foreground': t.error,
      'editorWarning.foreground': t.warn,
      'editorBracketMatch.background': t.editorSelection,
      'editorBracketMatch.border': t.fgFaint,
      'editorWidget.background': t.bgRaised,
      'editorWidget.border': t.border,
      'editorSuggestWidget.background': t.bgRaised,
      'editorSuggestWidget.border': t.border,
      'editorSuggestWidget.selectedBackground': t.bgSelected,
      'editorSuggestWidget.selectedForeground': t.fg,
      'editorSuggestWidget.highlightForeground': t.accent,
      'editorHoverWidget.background': t.bgRaised,
      'editorHoverWidget.border': t.border,
      'focusBorder': t.accent,
      'scrollbarSlider.background': `${t.fgFaint}44`,
      'scrollbarSlider.hoverBackground': `${t.fgFaint}77`,
      'scrollbarSlider.activeBackground': `${t.fgFaint}99`,
    },
  };
}
