// One telemetry event into the timeline's model: finished invocations, env
// records, state changes, and the Telemetry API's platform.start (an
// invocation that began: drawn growing until its record arrives). Other
// events are not the timeline's.
import type { TelemetryEvent } from '../../../main/contract/index.js';
import type { TimelineModel } from './model.js';

export function applyEvent(model: TimelineModel, e: TelemetryEvent): void {
  switch (e.type) {
    case 'invocation':
      model.addInvocation(e.record);
      break;
    case 'env':
      model.upsertEnv(e.record);
      break;
    case 'envState':
      model.addStateChange(e.change);
      break;
    case 'platform': {
      const ev = e.event;
      if (ev.type !== 'platform.start') break;
      const requestId = typeof ev.record.requestId === 'string' ? ev.record.requestId : undefined;
      const at = Date.parse(ev.time);
      if (!requestId || !Number.isFinite(at)) break;
      const version = typeof ev.record.version === 'string' ? ev.record.version : (model.lane(ev.envId)?.version ?? '$LATEST');
      model.startInvocation(requestId, ev.envId, ev.functionName, version, at);
      break;
    }
    default:
      break;
  }
}

