// Event templates: services sources (being written).
import type { EventTemplate } from '../template.js';

export const SERVICES_TEMPLATES: EventTemplate[] = [];
