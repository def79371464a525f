// Monaco's web workers, each a file of the app's own bundle (Vite `?worker`
// emits it next to the other assets), so the CSP's `worker-src 'self'` holds:
// no blob: URLs, no CDN. Monaco asks for a worker by label; anything it does not
// name (the editor's own diff/link worker) gets the plain editor worker.
import type { Environment } from 'monaco-editor/editor/editor.api';
import EditorWorker from 'monaco-editor/editor/editor.worker?worker';
import JsonWorker from 'monaco-editor/languages/features/json/json.worker?worker';
import TsWorker from 'monaco-editor/languages/features/typescript/ts.worker?worker';

declare global {
  // eslint-disable-next-line no-var
  var MonacoEnvironment: Environment | undefined;
}

export function installWorkers(): void {
  self.MonacoEnvironment = {
    getWorker(_workerId: string, label: string): Worker {
      switch (label) {
        case 'typescript':
        case 'javascript':
          return new TsWorker({ name: label });
        case 'json':
          return new JsonWorker({ name: label });
        default:
          return new EditorWorker({ name: label });
      }
    },
  };
}
