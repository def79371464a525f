// The contract's method names as plain data, without the schemas: the Electron
// preload checks names against this list, and importing it does not bundle zod
// into the preload. methods.ts proves the two lists name the same methods.
export const METHOD_NAMES = [
  'status.get',
  'functions.list',
  'functions.get',
  'functions.templates',
  'functions.create',
  'functions.updateConfig',
  'functions.delete',
  'functions.publishVersion',
  'aliases.put',
  'aliases.delete',
  'code.tree',
  'code.read',
  'code.save',
  'invoke.run',
  'envs.list',
  'events.templates',
  'events.render',
  'events.saved.list',
  'events.saved.save',
  'events.saved.rename',
  'events.saved.delete',
  'events.saved.export',
  'events.saved.import',
] as const;

export type MethodName = (typeof METHOD_NAMES)[number];
