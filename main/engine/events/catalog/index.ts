// Every event template, from the catalogue's groups of sources.
import type { EventTemplate } from '../template.js';
import { DATA_TEMPLATES } from './data.js';
import { HTTP_TEMPLATES } from './http.js';
import { SERVICES_TEMPLATES } from './services.js';

export const TEMPLATES: readonly EventTemplate[] = [...HTTP_TEMPLATES, ...DATA_TEMPLATES, ...SERVICES_TEMPLATES];
