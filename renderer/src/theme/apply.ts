// Puts the current theme's tokens on :root as CSS variables and names the theme
// on <html data-theme>, so every stylesheet (and Monaco, through the ui store)
// follows one switch. Runs before the first render so there is no flash.
import { cssVar, tokens, type ThemeName, type Tokens } from './tokens.js';

export type ThemePreference = ThemeName | 'system';

const DARK_QUERY = '(prefers-color-scheme: dark)';

export function systemTheme(): ThemeName {
  return typeof matchMedia === 'function' && matchMedia(DARK_QUERY).matches ? 'dark' : 'light';
}

export function resolveTheme(pref: ThemePreference): ThemeName {
  return pref === 'system' ? systemTheme() : pref;
}

export function applyTheme(name: ThemeName): void {
  const root = document.documentElement;
  const t = tokens[name];
  for (const key of Object.keys(t) as (keyof Tokens)[]) root.style.setProperty(cssVar(key), t[key]);
  root.dataset.theme = name;
  // Native controls (scrollbars, date pickers, select popups) follow too.
  root.style.colorScheme = name;
}

/** Calls `fn` when the operating system switches between light and dark. */
export function onSystemThemeChange(fn: (name: ThemeName) => void): () => void {
  if (typeof matchMedia !== 'function') return () => {};
  const mq = matchMedia(DARK_QUERY);
  const listener = () => fn(mq.matches ? 'dark' : 'light');
  mq.addEventListener('change', listener);
  return () => mq.removeEventListener('change', listener);
}
