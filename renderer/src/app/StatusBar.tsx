// The bottom line: is the window connected, is Docker there, are the runtime
// images ready (or building, with what the build last said), how many envs,
// where the Lambda API listens (click copies) and how it checks requests.
import type { ImageStatus } from '../../../main/contract/index.js';
import { IconAlert, Spinner } from '../components/index.js';
import { useStatus } from '../stores/status.js';
import { EnvCounts } from './EnvCounts.js';
import { copyText } from './frameCommands.js';

function Images({ images }: { images: ImageStatus[] }) {
  const failed = images.filter((i) => i.state === 'failed');
  const building = images.filter((i) => i.state === 'building');
  const missing = images.filter((i) => i.state === 'missing');
  const ready = images.filter((i) => i.state === 'ready');
  const title = images.map((i) => `${i.runtime}: ${i.state}${i.progress ? ` — ${i.progress}` : ''}${i.error ? ` — ${i.error}` : ''}`).join('\n') || 'No runtime images known yet';
  if (failed.length > 0) {
    return (
      <span className="status-item status-bad" data-testid="status-images" data-state="failed" title={title}>
        <IconAlert size={12} /> {failed.length === 1 ? `${failed[0]!.runtime} image failed` : `${failed.length} images failed`}
        {failed[0]?.error && <span className="status-detail">{failed[0].error}</span>}
      </span>
    );
  }
  if (building.length > 0) {
    const b = building[0]!;
    return (
      <span className="status-item" data-testid="status-images" data-state="building" title={title}>
        <Spinner size={10} /> Building {b.runtime}
        {building.length > 1 && ` +${building.length - 1}`}
        {b.progress && <span className="status-detail mono">{b.progress.replace(/^\[image\]\s*/, '')}</span>}
      </span>
    );
  }
  return (
    <span className="status-item" data-testid="status-images" data-state={missing.length ? 'partial' : 'ready'} title={title}>
      {missing.length ? `Images: ${ready.length} ready, ${missing.length} built on first use` : `Images ready${ready.length ? ` (${ready.length})` : ''}`}
    </span>
  );
}

export function StatusBar() {
  const status = useStatus((s) => s.status);
  const error = useStatus((s) => s.error);
  const connection = useStatus((s) => s.connection);
  const conn =
    connection === 'ipc' ? null : (
      <span
        className={`status-item ${connection === 'connected' ? '' : 'status-warn'}`}
        data-testid="status-connection"
        data-state={connection}
        title={connection === 'connected' ? 'Connected to the workbench over WebSocket' : 'The connection to the workbench dropped; the window reconnects on its own. Is the server still running?'}
      >
        <span className={`status-dot ${connection === 'connected' ? 'status-dot-ok' : 'status-dot-warn'}`} />
        {connection === 'connected' ? 'Connected' : connection === 'connecting' ? 'Connecting…' : 'Reconnecting…'}
      </span>
    );
  return (
    <footer className="status-bar" data-testid="status-bar">
      {conn ?? (
        <span className="status-item" data-testid="status-connection" data-state="ipc" title="Connected to the workbench over IPC">
          <span className="status-dot status-dot-ok" /> Local
        </span>
      )}
      {!status ? (
        error ? (
          <span className="status-item status-bad" data-testid="status-docker" data-ok="false" title={error.hint}>
            <IconAlert size={12} /> <code>{error.code}</code> {error.message}
          </span>
        ) : (
          <span className="status-item muted" data-testid="status-docker">
            <Spinner size={10} /> Asking the engine…
          </span>
        )
      ) : (
        <>
          {status.docker.ok ? (
            <span className="status-item" data-testid="status-docker" data-ok="true" title="Docker engine reachable">
              Docker <span className="mono">{status.docker.version ?? ''}</span>
            </span>
          ) : (
            <span className="status-item status-bad" data-testid="status-docker" data-ok="false" title={`${status.docker.error ?? 'Docker is not reachable'}\nStart Docker (or check that this user may use /var/run/docker.sock), then the workbench reconnects on its own.`}>
              <IconAlert size={12} /> Docker not reachable
              <span className="status-detail">start Docker or check access to its socket</span>
            </span>
          )}
          <Images images={status.images} />
          <span className="status-item" data-testid="status-envs" title="Execution environments across all functions">
            {status.envs.warm + status.envs.frozen + status.envs.busy + status.envs.starting === 0 ? <span className="muted">No envs</span> : <EnvCounts counts={status.envs} long />}
          </span>
          <span className="spacer" />
          <button type="button" className="status-item status-button" data-testid="status-api" title="Lambda API endpoint (what --endpoint-url takes) — click to copy" onClick={() => void copyText(status.apiEndpoint, 'the API endpoint')}>
            API <span className="mono">{status.apiEndpoint.replace(/^https?:\/\//, '')}</span>
          </button>
          <span className="status-item" data-testid="status-auth" data-mode={status.authMode} title={authTitle(status.authMode)}>
            auth: <span className="mono">{status.authMode}</span>
          </span>
          <span className="status-item muted" title={`Data directory: ${status.dataDir}`}>
            <span className="mono">{status.region}</span>
          </span>
          <span className="status-item muted" title="Lambda Workbench version">
            v{status.version}
          </span>
        </>
      )}
    </footer>
  );
}

function authTitle(mode: string): string {
  if (mode === 'strict') return 'auth strict: every request must carry a valid SigV4 signature for the configured credentials';
  if (mode === 'off') return 'auth off: requests are not checked (anyone who can reach the port can call the API)';
  return 'auth default: requests must be SigV4-signed; any credentials are accepted';
}
