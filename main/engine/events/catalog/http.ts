// Event templates: http sources (being written).
import type { EventTemplate } from '../template.js';

export const HTTP_TEMPLATES: EventTemplate[] = [];
