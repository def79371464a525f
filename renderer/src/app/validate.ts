// The limits Lambda enforces, checked as the user types so the form says what
// is wrong before the engine has to.
export const NAME_RULE = /^[a-zA-Z0-9-_]{1,64}$/;

export function nameError(name: string): string | undefined {
  if (!name) return 'Required';
  if (name.length > 64) return 'At most 64 characters';
  if (!NAME_RULE.test(name)) return 'Letters, digits, hyphens and underscores only';
  return undefined;
}

export function handlerError(handler: string): string | undefined {
  if (!handler.trim()) return 'Required, e.g. index.handler';
  if (handler.length > 128) return 'At most 128 characters';
  if (/\s/.test(handler)) return 'No spaces';
  return undefined;
}

export function intInRange(text: string, min: number, max: number, unit: string): string | undefined {
  if (!/^\d+$/.test(text.trim())) return `A whole number of ${unit}`;
  const n = Number(text);
  if (n < min || n > max) return `Between ${min} and ${max} ${unit}`;
  return undefined;
}

export const memoryError = (t: string) => intInRange(t, 128, 10240, 'MB');
export const timeoutError = (t: string) => intInRange(t, 1, 900, 'seconds');
export const storageError = (t: string) => intInRange(t, 512, 10240, 'MB');

export function aliasError(alias: string): string | undefined {
  if (!alias) return 'Required';
  if (alias.length > 128) return 'At most 128 characters';
  if (/^[0-9]+$/.test(alias)) return 'Cannot be only digits (that would look like a version)';
  if (!/^[a-zA-Z0-9-_]+$/.test(alias)) return 'Letters, digits, hyphens and underscores only';
  return undefined;
}
