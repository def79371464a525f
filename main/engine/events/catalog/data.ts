// Event templates: data sources (being written).
import type { EventTemplate } from '../template.js';

export const DATA_TEMPLATES: EventTemplate[] = [];
