// The focused env, whole: its record (state, cause, age, use, memory peak and
// /tmp against their sizes, network, why it went), its /tmp tree as of its last
// invocation and what each invocation changed there.
import type { EnvRecord } from '../../../main/contract/telemetry.js';
import { Button, EmptyState, IconEnvironments } from '../components/index.js';
import { CopyButton } from '../result/CopyButton.js';
import { useFrameVersion } from '../telemetry/frame-version.js';
import { killEnv } from './actions.js';
import { absolute, bytes, causeLabel, networkWord } from './format.js';
import { useEnvRecord, useNow } from './hooks.js';
import { StateDot, UsageBar, When } from './parts.js';
import { liveTmpChanges, tmpVersion } from './store.js';
import { TmpBrowser } from './TmpBrowser.js';
import { TmpChanges } from './TmpChanges.js';
import './envs.css';

export function EnvInspector({ envId }: { envId: string }) {
  const e = useEnvRecord(envId);
  const now = useNow();
  useFrameVersion(tmpVersion);
  if (!e) {
    return (
      <div className="envi" data-testid="env-inspector" data-env-id={envId}>
        <EmptyState compact icon={<IconEnvironments size={24} />} title="Env not known here">
          <span className="mono">{envId}</span> is not in this window's env history (it may be older than the history kept).
        </EmptyState>
      </div>
    );
  }
  // Re-read /tmp when the env served another invocation, changed state, or reported a change.
  const refreshKey = `${e.invocations}:${e.lastUsedAt ?? 0}:${e.state === 'gone'}:${liveTmpChanges(envId).length}`;
  return (
    <div className="envi" data-testid="env-inspector" data-env-id={envId} data-state={e.state}>
      <header className="envi-head">
        <StateDot state={e.state} />
        <span className="mono envi-id" title={e.envId}>
          {e.envId}
        </span>
        <CopyButton text={e.envId} testId="env-copy-id" />
        <span className="spacer" />
        {e.state !== 'gone' && e.state !== 'shuttingDown' && (
          <Button size="small" variant="ghost" data-testid="env-inspector-kill" onClick={() => void killEnv(e.envId)} title="Kill this env: the next invoke that needs one starts cold (cause forced)">
            Kill
          </Button>
        )}
      </header>
      <Facts e={e} now={now} />
      <TmpBrowser envId={envId} refreshKey={refreshKey} />
      <TmpChanges envId={envId} refreshKey={refreshKey} />
    </div>
  );
}

function Facts({ e, now }: { e: EnvRecord; now: number }) {
  return (
    <dl className="envi-facts">
      <dt>Function</dt>
      <dd>
        {e.functionName} <span className="faint mono">{e.version}</span>
      </dd>
      <dt>Cause</dt>
      <dd data-testid="env-inspector-cause" data-cause={e.cause}>
        {causeLabel(e.cause)}
        {e.initializationType === 'provisioned-concurrency' ? <span className="faint"> · provisioned</span> : null}
      </dd>
      <dt>Created</dt>
      <dd>
        <When at={e.createdAt} now={now} /> <span className="faint mono">{absolute(e.createdAt).slice(11)}</span>
      </dd>
      <dt>State since</dt>
      <dd>
        <When at={e.stateSince} now={now} />
      </dd>
      <dt>Invocations</dt>
      <dd className="mono" data-testid="env-inspector-invocations">
        {e.invocations}
        {e.lastUsedAt ? (
          <span className="faint">
            {' '}
            · last <When at={e.lastUsedAt} now={now} />
          </span>
        ) : null}
      </dd>
      <dt>Memory peak</dt>
      <dd>
        <UsageBar used={e.memoryPeakMb} size={e.memorySizeMb} text={`${Math.round(e.memoryPeakMb)} of ${e.memorySizeMb} MB`} />
      </dd>
      <dt>/tmp</dt>
      <dd>
        <UsageBar used={e.tmpUsedBytes} size={e.tmpSizeBytes} text={`${bytes(e.tmpUsedBytes)} of ${bytes(e.tmpSizeBytes)}`} />
      </dd>
      <dt>Network</dt>
      <dd>{networkWord(e.network)}</dd>
      {e.endReason || e.endedAt ? (
        <>
          <dt>Ended</dt>
          <dd data-testid="env-inspector-end">
            {causeLabel(e.endReason)}
            {e.endedAt ? (
              <span className="faint">
                {' '}
                · <When at={e.endedAt} now={now} />
              </span>
            ) : null}
          </dd>
        </>
      ) : null}
    </dl>
  );
}
