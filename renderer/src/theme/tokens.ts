// One set of colour tokens for the whole window: CSS variables for the DOM, the
// same values for Monaco's theme, the timeline canvas and the charts. Colour
// means something (error, cold, frozen, warm); everything else stays neutral.
export type ThemeName = 'light' | 'dark';

export interface Tokens {
  bg: string; // window background
  bgPanel: string; // side list, dock, inspector
  bgRaised: string; // inputs, cards, menus
  bgHover: string;
  bgSelected: string;
  border: string;
  fg: string; // text
  fgMuted: string; // secondary text
  fgFaint: string; // placeholders, disabled
  accent: string; // focus, primary buttons, links
  accentFg: string; // text on accent
  error: string;
  warn: string;
  ok: string;
  cold: string; // cold starts, INIT
  warm: string;
  frozen: string;
  /** Quiet tints behind coloured text (badges, error boxes, selected accents). */
  accentSoft: string;
  errorSoft: string;
  warnSoft: string;
  okSoft: string;
  /** Focus outline. */
  focus: string;
  /** Dialogs and menus float on this; kept faint on purpose. */
  shadow: string;
  scrim: string;
  // editor
  editorBg: string;
  editorLineHighlight: string;
  editorSelection: string;
  syntaxKeyword: string;
  syntaxString: string;
  syntaxNumber: string;
  syntaxComment: string;
  syntaxType: string;
}

export const tokens: Record<ThemeName, Tokens> = {
  light: {
    bg: '#f7f8fa', bgPanel: '#f0f2f5', bgRaised: '#ffffff', bgHover: '#e6e9ee', bgSelected: '#dbe4f3', border: '#d9dde4',
    fg: '#1d2330', fgMuted: '#5b6475', fgFaint: '#9aa2b1', accent: '#2f6fdb', accentFg: '#ffffff',
    error: '#c62f3a', warn: '#b8740a', ok: '#1e8a4c', cold: '#2d7fd3', warm: '#e07b1f', frozen: '#6a8fb5',
    accentSoft: '#e3ecfb', errorSoft: '#fbe9ea', warnSoft: '#fbf1e0', okSoft: '#e4f4ea',
    focus: '#2f6fdb', shadow: '0 8px 24px rgba(20, 28, 45, 0.14), 0 1px 3px rgba(20, 28, 45, 0.08)', scrim: 'rgba(24, 30, 42, 0.28)',
    editorBg: '#ffffff', editorLineHighlight: '#f3f5f8', editorSelection: '#cfdcf5',
    syntaxKeyword: '#8a3fbf', syntaxString: '#1e7a44', syntaxNumber: '#b5521b', syntaxComment: '#8a919e', syntaxType: '#1f6fb2',
  },
  dark: {
    bg: '#16181d', bgPanel: '#1c1f25', bgRaised: '#23272f', bgHover: '#2b3039', bgSelected: '#2c3a52', border: '#2f343d',
    fg: '#d7dae0', fgMuted: '#9098a6', fgFaint: '#5f6775', accent: '#5b93f0', accentFg: '#0c1220',
    error: '#f0616d', warn: '#e3a23b', ok: '#4cc27f', cold: '#5aa8f5', warm: '#f0964a', frozen: '#8fb0d4',
    accentSoft: '#233450', errorSoft: '#3a2226', warnSoft: '#3a2f1c', okSoft: '#1d3328',
    focus: '#5b93f0', shadow: '0 8px 24px rgba(0, 0, 0, 0.45), 0 1px 3px rgba(0, 0, 0, 0.3)', scrim: 'rgba(0, 0, 0, 0.45)',
    editorBg: '#1a1d23', editorLineHighlight: '#20242b', editorSelection: '#2f4368',
    syntaxKeyword: '#c792ea', syntaxString: '#8fcf8a', syntaxNumber: '#f2a56b', syntaxComment: '#6b7382', syntaxType: '#6fb6f2',
  },
};

/** CSS custom property name of a token: bgPanel → --bg-panel. */
export const cssVar = (k: keyof Tokens) => `--${k.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`;
