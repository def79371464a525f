// The envs as a sortable table: one row per env (gone ones too), the focused
// env highlighted wherever it was chosen (timeline, logs, result card, here).
// Columns the side bar has no room for are hidden by container width; every
// value is in the row's tooltip and in the env inspector.
import { memo, type KeyboardEvent } from 'react';
import type { EnvRecord } from '../../../main/contract/telemetry.js';
import { IconClose } from '../components/index.js';
import { useInvocations } from '../stores/invocations.js';
import { killEnv } from './actions.js';
import { absolute, bytes, bytesShort, causeLabel, networkWord, shortId, stateInfo, type Sort, type SortKey } from './format.js';
import { showEnvInInspector } from './hooks.js';
import { StateDot, UsageBar, When } from './parts.js';

interface Column {
  key: SortKey;
  label: string;
  title: string;
  className: string;
  numeric?: boolean;
}

const COLUMNS: Column[] = [
  { key: 'state', label: 'State', title: 'Live state', className: 'col-state' },
  { key: 'env', label: 'Env', title: 'Env id', className: 'col-env' },
  { key: 'function', label: 'Function', title: 'Function and version', className: 'col-fn' },
  { key: 'cause', label: 'Cause', title: 'Why it was created (the cold start\'s cause)', className: 'col-cause' },
  { key: 'created', label: 'Created', title: 'When it was created', className: 'col-created' },
  { key: 'lastUsed', label: 'Last used', title: 'When its last invocation ended', className: 'col-last' },
  { key: 'invocations', label: 'Inv', title: 'Invocations served', className: 'col-inv', numeric: true },
  { key: 'memory', label: 'Memory', title: 'Memory peak of its size (MB)', className: 'col-mem', numeric: true },
  { key: 'tmp', label: '/tmp', title: '/tmp used of its size', className: 'col-tmp', numeric: true },
  { key: 'network', label: 'Net', title: 'What it may reach', className: 'col-net' },
  { key: 'end', label: 'Ended', title: 'Why it went', className: 'col-end' },
];

function describe(e: EnvRecord): string {
  const lines = [
    `${e.envId} · ${stateInfo(e.state).word}`,
    `${e.functionName}:${e.version} · created for ${causeLabel(e.cause)} at ${absolute(e.createdAt)}`,
    `${e.invocations} invocation${e.invocations === 1 ? '' : 's'}${e.lastUsedAt ? `, last ${absolute(e.lastUsedAt)}` : ''}`,
    `memory peak ${Math.round(e.memoryPeakMb)} of ${e.memorySizeMb} MB · /tmp ${bytes(e.tmpUsedBytes)} of ${bytes(e.tmpSizeBytes)}`,
    `network: ${networkWord(e.network)}`,
  ];
  if (e.endReason) lines.push(`ended: ${causeLabel(e.endReason)}${e.endedAt ? ` at ${absolute(e.endedAt)}` : ''}`);
  return lines.join('\n');
}

const Row = memo(function Row({ e, focused, now, showFn, showEnd }: { e: EnvRecord; focused: boolean; now: number; showFn: boolean; showEnd: boolean }) {
  const gone = e.state === 'gone';
  const select = () => {
    useInvocations.getState().focusEnv(e.envId);
    showEnvInInspector();
  };
  const key = (ev: KeyboardEvent) => {
    if (ev.key === 'Enter' || ev.key === ' ') {
      ev.preventDefault();
      select();
    }
  };
  return (
    <tr
      className={`envt-row${focused ? ' envt-focused' : ''}${gone ? ' envt-gone' : ''}`}
      data-testid="env-row"
      data-env-id={e.envId}
      data-state={e.state}
      data-cause={e.cause}
      data-network={e.network}
      data-invocations={e.invocations}
      aria-selected={focused}
      tabIndex={0}
      title={describe(e)}
      onClick={select}
      onKeyDown={key}
    >
      <td className="col-state">
        <StateDot state={e.state} />
      </td>
      <td className="col-env">
        <span className="mono">{shortId(e.envId)}</span>
        {/* Where the side bar is too narrow for the Cause column, the cause sits under the id. */}
        <span className="envt-sub">{causeLabel(e.cause)}</span>
      </td>
      {showFn && (
        <td className="col-fn">
          {e.functionName}
          {e.version !== '$LATEST' && <span className="faint">:{e.version}</span>}
        </td>
      )}
      <td className="col-cause">{causeLabel(e.cause)}</td>
      <td className="col-created">
        <When at={e.createdAt} now={now} />
      </td>
      <td className="col-last">{e.lastUsedAt ? <When at={e.lastUsedAt} now={now} /> : <span className="faint">never</span>}</td>
      <td className="col-inv mono">{e.invocations}</td>
      <td className="col-mem">
        <UsageBar used={e.memoryPeakMb} size={e.memorySizeMb} text={`${Math.round(e.memoryPeakMb)}/${e.memorySizeMb}`} />
      </td>
      <td className="col-tmp">
        <UsageBar used={e.tmpUsedBytes} size={e.tmpSizeBytes} text={`${bytesShort(e.tmpUsedBytes)}/${bytesShort(e.tmpSizeBytes)}`} />
      </td>
      <td className="col-net">{networkWord(e.network)}</td>
      {showEnd && <td className="col-end">{e.endReason ? causeLabel(e.endReason) : ''}</td>}
      <td className="col-act">
        {!gone && e.state !== 'shuttingDown' && (
          <button
            type="button"
            className="envt-kill"
            data-testid="env-kill"
            aria-label={`Kill env ${shortId(e.envId)}`}
            title="Kill this env (its function's next invoke that needs one starts cold, cause forced)"
            onClick={(ev) => {
              ev.stopPropagation();
              void killEnv(e.envId);
            }}
          >
            <IconClose size={12} />
          </button>
        )}
      </td>
    </tr>
  );
});

export function EnvTable({ envs, sort, onSort, focusedEnvId, now, showFn, showEnd }: { envs: EnvRecord[]; sort: Sort; onSort(s: Sort): void; focusedEnvId?: string; now: number; showFn: boolean; showEnd: boolean }) {
  const columns = COLUMNS.filter((c) => (c.key !== 'function' || showFn) && (c.key !== 'end' || showEnd));
  return (
    <table className="envt" data-testid="env-table">
      <thead>
        <tr>
          {columns.map((c) => {
            const active = sort.key === c.key;
            return (
              <th key={c.key} className={c.className} aria-sort={active ? (sort.desc ? 'descending' : 'ascending') : 'none'} scope="col">
                <button
                  type="button"
                  className="envt-sort"
                  title={`${c.title} — sort`}
                  data-testid={`env-sort-${c.key}`}
                  onClick={() => onSort({ key: c.key, desc: active ? !sort.desc : c.numeric || c.key === 'created' || c.key === 'lastUsed' })}
                >
                  {c.label}
                  {active && <span className="envt-arrow">{sort.desc ? '↓' : '↑'}</span>}
                </button>
              </th>
            );
          })}
          <th className="col-act" aria-label="Actions" />
        </tr>
      </thead>
      <tbody>
        {envs.map((e) => (
          <Row key={e.envId} e={e} focused={e.envId === focusedEnvId} now={now} showFn={showFn} showEnd={showEnd} />
        ))}
      </tbody>
    </table>
  );
}
