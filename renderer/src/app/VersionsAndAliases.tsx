// Versions (publish $LATEST as an immutable numbered version) and aliases
// (a name pointing at a version, used as the invoke qualifier).
import { useState } from 'react';
import type { FunctionDetail } from '../../../main/contract/index.js';
import { call } from '../client.js';
import { Button, ErrorBox, IconTrash, Input, Select, toast } from '../components/index.js';
import { formatTime } from './format.js';
import { aliasError } from './validate.js';

export function VersionsAndAliases({ detail }: { detail: FunctionDetail }) {
  const name = detail.name;
  const [versionDesc, setVersionDesc] = useState('');
  const [publishing, setPublishing] = useState(false);
  const [alias, setAlias] = useState('');
  const [aliasTouched, setAliasTouched] = useState(false);
  const published = detail.versions.filter((v) => v.version !== '$LATEST').sort((a, b) => Number(b.version) - Number(a.version));
  const [aliasVersion, setAliasVersion] = useState<string>('');
  const [savingAlias, setSavingAlias] = useState(false);
  const [failure, setFailure] = useState<{ what: string; error: unknown }>();
  const targetVersion = aliasVersion || published[0]?.version || '$LATEST';

  const publish = async () => {
    setPublishing(true);
    setFailure(undefined);
    try {
      const r = await call('functions.publishVersion', { name, description: versionDesc || undefined });
      setVersionDesc('');
      toast.success(`Published version ${r.version} of ${name}`);
    } catch (e) {
      setFailure({ what: 'Could not publish a version', error: e });
    } finally {
      setPublishing(false);
    }
  };

  const aliasProblem = aliasError(alias);
  const saveAlias = async () => {
    setAliasTouched(true);
    if (aliasProblem) return;
    setSavingAlias(true);
    setFailure(undefined);
    try {
      const r = await call('aliases.put', { name, alias, version: targetVersion });
      setAlias('');
      setAliasTouched(false);
      toast.success(`Alias ${r.alias} → ${r.functionVersion}`);
    } catch (e) {
      setFailure({ what: `Could not save the alias ${alias}`, error: e });
    } finally {
      setSavingAlias(false);
    }
  };

  const deleteAlias = async (a: string) => {
    setFailure(undefined);
    try {
      await call('aliases.delete', { name, alias: a });
      toast.success(`Deleted the alias ${a}`);
    } catch (e) {
      setFailure({ what: `Could not delete the alias ${a}`, error: e });
    }
  };

  return (
    <>
      <section className="config-section">
        <h3 className="config-heading">Versions</h3>
        <table className="config-table" data-testid="versions">
          <thead>
            <tr>
              <th className="col-narrow">Version</th>
              <th>Description</th>
              <th className="col-time">Published</th>
              <th className="col-sha">Code SHA-256</th>
            </tr>
          </thead>
          <tbody>
            {published.length === 0 && (
              <tr>
                <td colSpan={4} className="faint">
                  Only $LATEST so far. Publishing freezes the current code and configuration as version 1.
                </td>
              </tr>
            )}
            {published.map((v) => (
              <tr key={v.version} data-testid="version-row" data-version={v.version}>
                <td className="mono">{v.version}</td>
                <td>{v.description || <span className="faint">—</span>}</td>
                <td className="mono muted">{formatTime(v.lastModified)}</td>
                <td className="mono faint" title={v.codeSha256}>
                  {v.codeSha256.slice(0, 12)}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
        <div className="config-inline">
          <Input placeholder="Description of this version (optional)" value={versionDesc} onChange={(e) => setVersionDesc(e.target.value)} maxLength={256} aria-label="Version description" />
          <Button data-testid="publish-version" busy={publishing} onClick={() => void publish()}>
            Publish version
          </Button>
        </div>
      </section>

      <section className="config-section">
        <h3 className="config-heading">Aliases</h3>
        <table className="config-table" data-testid="aliases">
          <thead>
            <tr>
              <th>Alias</th>
              <th className="col-narrow">Version</th>
              <th>Description</th>
              <th className="col-icon" />
            </tr>
          </thead>
          <tbody>
            {detail.aliases.length === 0 && (
              <tr>
                <td colSpan={4} className="faint">
                  No aliases. An alias (e.g. live) names a version; invoke it as the qualifier.
                </td>
              </tr>
            )}
            {detail.aliases.map((a) => (
              <tr key={a.name} data-testid="alias-row" data-alias={a.name} data-version={a.functionVersion}>
                <td className="mono">{a.name}</td>
                <td className="mono">{a.functionVersion}</td>
                <td>{a.description || <span className="faint">—</span>}</td>
                <td className="col-icon">
                  <Button variant="ghost" size="small" icon={<IconTrash size={13} />} aria-label={`Delete the alias ${a.name}`} title={`Delete the alias ${a.name}`} data-testid="alias-delete" onClick={() => void deleteAlias(a.name)} />
                </td>
              </tr>
            ))}
          </tbody>
        </table>
        <form
          className="config-inline"
          onSubmit={(e) => {
            e.preventDefault();
            void saveAlias();
          }}
          noValidate
        >
          <Input placeholder="alias name, e.g. live" data-testid="alias-name" value={alias} onChange={(e) => setAlias(e.target.value)} onBlur={() => alias && setAliasTouched(true)} error={aliasTouched ? aliasProblem : undefined} aria-label="Alias name" mono />
          <span className="alias-arrow" aria-hidden="true">→</span>
          <Select data-testid="alias-version" value={targetVersion} onChange={(e) => setAliasVersion(e.target.value)} aria-label="Version the alias points at" mono className="alias-version">
            {published.map((v) => (
              <option key={v.version} value={v.version}>
                {v.version}
              </option>
            ))}
            <option value="$LATEST">$LATEST</option>
          </Select>
          <Button type="submit" data-testid="alias-save" busy={savingAlias}>
            {detail.aliases.some((a) => a.name === alias) ? 'Move alias' : 'Create alias'}
          </Button>
        </form>
      </section>
      {failure && <ErrorBox error={failure.error} title={failure.what} onDismiss={() => setFailure(undefined)} />}
    </>
  );
}
